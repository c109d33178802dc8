"""Domain errors raised by resolvers; the schema turns them into FieldErrors or coded GraphQL errors."""

from __future__ import annotations


class DomainError(Exception):
    code = "BAD_REQUEST"

    def __init__(self, message: str = ""):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message

    default_message = "请求无效"


class NotFound(DomainError):
    code = "NOT_FOUND"
    default_message = "内容不存在"


class Forbidden(DomainError):
    code = "FORBIDDEN"
    default_message = "没有权限执行此操作"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"
    default_message = "请先登录"


class RateLimited(DomainError):
    code = "RATE_LIMITED"
    default_message = "尝试次数过多，请稍后再试"


class BadRequest(DomainError):
    code = "BAD_REQUEST"


class Invalid(DomainError):
    """Expected failure of a mutation's input or state, reported per field."""

    def __init__(self, field: str | None, message: str, code: str = "INVALID"):
        super().__init__(message)
        self.errors = [(field, message, code)]

    @classmethod
    def many(cls, errors: list[tuple[str | None, str, str]]) -> Invalid:
        err = cls(errors[0][0], errors[0][1], errors[0][2])
        err.errors = list(errors)
        return err


class Conflict(Invalid):
    """The request is valid but clashes with the current state (e.g. wrong workflow status)."""

    def __init__(self, field: str | None, message: str, code: str = "CONFLICT"):
        super().__init__(field, message, code)


class Collector:
    """Gathers several field errors before raising them together."""

    def __init__(self) -> None:
        self.errors: list[tuple[str | None, str, str]] = []

    def add(self, field: str | None, message: str, code: str = "INVALID") -> None:
        self.errors.append((field, message, code))

    def raise_if_any(self) -> None:
        if self.errors:
            raise Invalid.many(self.errors)
