"""In-process event broadcaster behind subscriptions; a shared broker can replace it for several processes."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any


class Broadcaster:
    def __init__(self, queue_size: int = 100) -> None:
        self._subscribers: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self._queue_size = queue_size

    def publish(self, channel: str, event: Any) -> None:
        for queue in list(self._subscribers.get(channel, ())):
            if queue.full():  # a slow subscriber loses its oldest event rather than blocking publishers
                queue.get_nowait()
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[Any]]:
        queue: asyncio.Queue = asyncio.Queue(self._queue_size)
        self._subscribers[channel].add(queue)

        async def events() -> AsyncIterator[Any]:
            while True:
                yield await queue.get()

        try:
            yield events()
        finally:
            self._subscribers[channel].discard(queue)

    def subscriber_count(self, channel: str) -> int:
        return len(self._subscribers.get(channel, ()))
