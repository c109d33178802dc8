"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.users import User
from notify.mailer import Mailer
from resolvers.loaders import Loaders
from settings import Settings


@dataclass
class Services:
    """Process-wide backends, built once at start-up and shared by requests."""

    settings: Settings
    mailer: Mailer
    search: Any = None  # search.SearchBackend, when configured
    storage: Any = None  # media.Storage, when configured
    events: Any = None  # resolvers.events.Broadcaster
    searches: Any = None  # resolvers.search_stats.QueryCounter: what citizens search for


@dataclass
class Context:
    services: Services
    user: User | None = None
    session_id: int | None = None
    client_address: str = ""
    request: Any = None
    response: Any = None
    loaders: Loaders = field(default_factory=Loaders)
    # Set once the GraphQL document has parsed and validated; errors before it are request errors.
    execution_started: bool = False

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def mailer(self) -> Mailer:
        return self.services.mailer
