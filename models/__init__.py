"""Tortoise models, split by concern. Pure data and invariants: no GraphQL, no resolvers."""

from models.audit import *  # noqa: F403
from models.base import PUBLIC_READABLE, Status  # noqa: F401
from models.gazettes import *  # noqa: F403
from models.laws import *  # noqa: F403
from models.media import *  # noqa: F403
from models.news import *  # noqa: F403
from models.search import *  # noqa: F403
from models.users import *  # noqa: F403
