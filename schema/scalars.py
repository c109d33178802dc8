"""Date and time as front ends read them: ISO-8601 with the Asia/Shanghai offset (+08:00)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import strawberry

SHANGHAI = ZoneInfo("Asia/Shanghai")


def serialize_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(SHANGHAI).isoformat()


def parse_datetime(value: str) -> datetime:
    """ISO-8601; a time without an offset is read as Beijing time (北京时间)."""
    if not isinstance(value, str):
        raise ValueError("DateTime must be an ISO-8601 string")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


DateTime = strawberry.scalar(
    name="DateTime",
    description="ISO-8601 date and time with offset, given in Asia/Shanghai time (+08:00); "
    "input without an offset is read as Beijing time.",
    serialize=serialize_datetime,
    parse_value=parse_datetime,
)

SCALAR_OVERRIDES = {datetime: DateTime}
