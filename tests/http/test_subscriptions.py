"""Subscriptions over WebSocket (graphql-transport-ws) at /graphql, against the live server."""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

from tests.http.conftest import publish_article

RECEIVE_GUARD = 30  # seconds; only so a missing message fails instead of hanging


async def receive(ws) -> str:
    return await asyncio.wait_for(ws.recv(), RECEIVE_GUARD)


async def test_subscriber_receives_the_article_published_over_http(live, newsroom):
    title = "市人大常委会举行第十次会议（订阅）"
    async with connect(live.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        assert ws.subprotocol == "graphql-transport-ws"
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await receive(ws)) == {"type": "connection_ack"}
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": "subscription { articlePublished { title } }"}}))
        # Messages are handled in order: by the pong, the server has started the subscription's task,
        # which registers with the broadcaster before its first real wait; publishing takes several
        # HTTP round trips after that.
        await ws.send(json.dumps({"type": "ping"}))
        assert json.loads(await receive(ws))["type"] == "pong"

        await asyncio.to_thread(publish_article, newsroom, title)

        raw = await receive(ws)
        assert json.loads(raw) == {"id": "1", "type": "next",
                                   "payload": {"data": {"articlePublished": {"title": title}}}}
        assert title in raw  # Chinese as-is, not \uXXXX
        await ws.send(json.dumps({"id": "1", "type": "complete"}))


async def test_subscribe_before_connection_init_is_refused(live):
    async with connect(live.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        # A subscribe before connection_init is a protocol error: the server closes with 4401.
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": "subscription { articlePublished { title } }"}}))
        await asyncio.wait_for(ws.wait_closed(), RECEIVE_GUARD)
        assert ws.close_code == 4401
