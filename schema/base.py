"""Building blocks of the GraphQL surface: Info, Node and global IDs, field errors, connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Generic, TypeVar, Union

import strawberry

from resolvers.context import Context
from resolvers.pagination import Page

Info = strawberry.Info[Context, None]
T = TypeVar("T")


@strawberry.interface(description="Any entity with a global ID; fetch one with `node(id)` or many with `nodes(ids)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global, opaque identifier of this entity.")


def to_global_id(type_name: str, pk: int | str) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("="))


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, primary key) of a global ID; None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode((global_id + "=" * (-len(global_id) % 4)).encode()).decode()
        type_name, _, pk = raw.partition(":")
        value = int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not type_name or not 0 < value < 2**63:  # beyond BIGINT nothing can exist
        return None
    return type_name, value


def pk_of(global_id: str, expected: str | tuple[str, ...], field: str = "id") -> int:
    """The primary key of a global ID of the expected type, or a FieldError on `field`."""
    from resolvers.errors import Invalid

    parsed = from_global_id(global_id or "")
    names = (expected,) if isinstance(expected, str) else expected
    if parsed is None or parsed[0] not in names:
        raise Invalid(field, "ID 无效", "INVALID_ID")
    return parsed[1]


# Node resolution: type name -> (loader of readable models by pk, converter to the GraphQL type)
NodeFetcher = Callable[[Info, list[int]], Awaitable[dict[int, Any]]]
NODE_TYPES: dict[str, tuple[NodeFetcher, Callable[[Any], Any]]] = {}


def register_node(type_name: str, fetch: NodeFetcher, convert: Callable[[Any], Any]) -> None:
    NODE_TYPES[type_name] = (fetch, convert)


@strawberry.type(description="One problem with a mutation's input or with the state it acts on.")
class FieldError:
    field: str | None = strawberry.field(
        description="The input field at fault, in camelCase (e.g. `title`, `reviewStages.0.role`); "
        "null when the error concerns the request as a whole.")
    message: str = strawberry.field(description="A message for the user, in Chinese.")
    code: str = strawberry.field(
        description="A stable machine-readable code, e.g. REQUIRED, TAKEN, WRONG_STATUS, INVALID_CREDENTIALS.")


@strawberry.type(description="The expected failures of a mutation: validation errors or a state conflict.")
class FieldErrors:
    errors: list[FieldError] = strawberry.field(description="Every problem found, not only the first.")

    @classmethod
    def of(cls, errors: list[tuple[str | None, str, str]]) -> FieldErrors:
        return cls(errors=[FieldError(field=f, message=m, code=c) for f, m, c in errors])


def result_union(name: str, *types: type) -> Any:
    """The `<Mutation>Result` union of a mutation's object type(s) and FieldErrors."""
    return Annotated[
        Union[(*types, FieldErrors)],
        strawberry.union(name, description=f"What `{name[0].lower() + name[1:-6]}` returns: "
                         "the object on success, or FieldErrors."),
    ]


@strawberry.type(description="Where a page of a connection sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item of this page.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item; pass it as `after` to get the next page.")


@strawberry.type(description="An item of a connection with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item, for `after`.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay cursor connection), with counts for page-numbered sites.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page with their cursors.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int = strawberry.field(description="How many items the whole list holds (共N条).")
    total_pages: int = strawberry.field(description="How many pages of this size the list has (共M页).")
    current_page: int | None = strawberry.field(
        description="The page number (第N页) when the page was requested with `page`; null with cursors.")

    @classmethod
    def from_page(cls, page: Page, convert: Callable[[Any], T]) -> Connection[T]:
        edges = [Edge(cursor=c, node=convert(item)) for item, c in zip(page.items, page.cursors, strict=True)]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            total_count=page.total_count,
            total_pages=page.total_pages,
            current_page=page.page,
        )


First = Annotated[int | None, strawberry.argument(description="Page size: 20 by default, at most 100.")]
After = Annotated[str | None, strawberry.argument(
    description="Cursor to continue after (`pageInfo.endCursor` of the previous page).")]
PageNumber = Annotated[int | None, strawberry.argument(
    description="Page number from 1, for sites that show 第N页/共M页; not together with `after`.")]
