"""`node(id)` and `nodes(ids)`: fetching any entity by global ID, with the same visibility as elsewhere."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

import strawberry

from schema.base import NODE_TYPES, Info, Node, from_global_id


async def resolve_nodes(info: Info, ids: list[str]) -> list[Node | None]:
    """One query per type, whatever the number of IDs; unknown or hidden IDs give null."""
    wanted: dict[str, list[int]] = defaultdict(list)
    parsed = [from_global_id(i) for i in ids]
    for p in parsed:
        if p and p[0] in NODE_TYPES:
            wanted[p[0]].append(p[1])
    found: dict[str, dict] = {}
    for type_name, pks in wanted.items():
        fetch, _ = NODE_TYPES[type_name]
        found[type_name] = await fetch(info, pks)
    result: list[Node | None] = []
    for p in parsed:
        model = found.get(p[0], {}).get(p[1]) if p else None
        result.append(NODE_TYPES[p[0]][1](model) if model is not None else None)
    return result


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any entity by its global ID; null if it does not exist or the caller may not see it.")
    async def node(self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(
            description="Global ID of the entity.")]) -> Node | None:
        return (await resolve_nodes(info, [id]))[0]

    @strawberry.field(description="Several entities by global ID, in the same order; null where `node` would be null. "
                      "At most 100 IDs.")
    async def nodes(self, info: Info, ids: Annotated[list[strawberry.ID], strawberry.argument(
            description="Global IDs, at most 100.")]) -> list[Node | None]:
        if len(ids) > 100:
            from resolvers.errors import BadRequest

            raise BadRequest("nodes 最多一次查询100个ID")
        return await resolve_nodes(info, ids)
