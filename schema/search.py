"""Full-text search across published content: `search(query, kinds, filter, sort, first, after)`."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry

from resolvers import search as ops
from resolvers.pagination import encode_cursor
from schema.base import After, First, Info, Node, PageInfo, PageNumber, to_global_id
from schema.node import resolve_nodes
from search import base as s

SearchKind = strawberry.enum(
    Enum("SearchKind", {k.value: k.value for k in s.SearchKind}),
    description="What a search hit is: ARTICLE (新闻), REGULATION (法律法规), REGULATION_ARTICLE (法条), "
    "GAZETTE_ISSUE (常委会公报), DEPUTY (人大代表).",
)
SearchSort = strawberry.enum(
    Enum("SearchSort", {k.value: k.value for k in s.SearchSort}),
    description="RELEVANCE (best match first, titles weigh more), NEWEST or OLDEST.",
)
KIND_LABELS = {"ARTICLE": "新闻", "REGULATION": "法律法规", "REGULATION_ARTICLE": "法条",
               "GAZETTE_ISSUE": "常委会公报", "DEPUTY": "人大代表"}
FACET_LABELS: dict[str, dict[str, str]] = {"kind": KIND_LABELS}


def register_facet_labels(facet: str, labels: dict[str, str]) -> None:
    """Feature slices add the Chinese labels of their facet values (levels, statuses ...)."""
    FACET_LABELS.setdefault(facet, {}).update(labels)


@strawberry.input(description="Narrows a search; every given criterion must hold, lists mean any of.")
class SearchFilter:
    levels: list[str] | None = strawberry.field(default=None, description="Regulation levels, e.g. LAW, LOCAL_REGULATION.")
    statuses: list[str] | None = strawberry.field(default=None, description="Regulation statuses, e.g. IN_FORCE.")
    regions: list[str] | None = strawberry.field(default=None, description="Regions, e.g. 上海.")
    issuing_bodies: list[str] | None = strawberry.field(default=None, description="Issuing bodies (制定机关).")
    promulgated_from: date | None = strawberry.field(default=None, description="Promulgated on or after (公布日期).")
    promulgated_to: date | None = strawberry.field(default=None, description="Promulgated on or before.")
    effective_from: date | None = strawberry.field(default=None, description="Effective (施行) on or after.")
    effective_to: date | None = strawberry.field(default=None, description="Effective (施行) on or before.")
    in_force_on: date | None = strawberry.field(default=None, description="Only what was in force on this date.")


@strawberry.type(description="One value of a facet with how many hits have it.")
class FacetValue:
    value: str = strawberry.field(description="The value, e.g. LAW or 2023.")
    label: str = strawberry.field(description="Chinese label where there is one, e.g. 法律; else the value.")
    count: int = strawberry.field(description="Number of hits with this value.")


@strawberry.type(description="Counts of all hits (not just this page) by one property.")
class Facet:
    name: str = strawberry.field(description="kind, level, status, region or year.")
    values: list[FacetValue] = strawberry.field(description="Values, most frequent first.")


@strawberry.type(description="A search hit.")
class SearchEdge:
    cursor: str = strawberry.field(description="Opaque position, for `after`.")
    node: Node = strawberry.field(description="The hit: an Article, Regulation, RegulationArticle, GazetteIssue ...")
    score: float = strawberry.field(description="Relevance score (higher is better).")
    highlights: list[str] = strawberry.field(
        description="HTML-safe snippets: text escaped, matched terms wrapped in <em>…</em>.")


@strawberry.type(description="A page of search hits with facet counts.")
class SearchConnection:
    edges: list[SearchEdge] = strawberry.field(description="The hits of this page.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int = strawberry.field(description="How many hits in all.")
    total_pages: int = strawberry.field(description="How many pages of this size.")
    facets: list[Facet] = strawberry.field(description="Counts by kind, level, status, region and year.")


def _wants_facets(info: Info) -> bool:
    for field in info.selected_fields:
        for selection in getattr(field, "selections", []) or []:
            if getattr(selection, "name", None) == "facets":
                return True
    return False


def _filter(kinds, flt: SearchFilter | None) -> s.SearchFilter:
    result = s.SearchFilter(kinds=[s.SearchKind(k.value) for k in kinds] if kinds else None)
    if flt is not None:
        for name in ("levels", "statuses", "regions", "issuing_bodies", "promulgated_from", "promulgated_to",
                     "effective_from", "effective_to", "in_force_on"):
            setattr(result, name, getattr(flt, name))
    return result


@strawberry.type
class SearchQuery:
    @strawberry.field(description='Search published content. Words are matched in Chinese (traditional characters '
                      'find simplified texts); "quoted phrases" match exactly; -word excludes. Syntax mistakes never '
                      'fail: they fall back to plain words.')
    async def search(
        self, info: Info,
        query: Annotated[str, strawberry.argument(description="What to look for, up to 200 characters.")],
        kinds: Annotated[list[SearchKind] | None, strawberry.argument(description="Only these kinds.")] = None,
        filter: Annotated[SearchFilter | None, strawberry.argument(
            description="Levels, statuses, regions, issuing bodies, date ranges, in force on a date.")] = None,
        sort: Annotated[SearchSort, strawberry.argument(
            description="RELEVANCE by default, or NEWEST / OLDEST.")] = SearchSort.RELEVANCE,
        first: First = None, after: After = None, page: PageNumber = None,
    ) -> SearchConnection:
        result = await ops.run_search(info.context, query, _filter(kinds, filter), s.SearchSort(sort.value), first,
                                      after, page, facets=_wants_facets(info))
        hits = result.results.hits
        nodes = await resolve_nodes(info, [_global_id(h.key) for h in hits])
        edges = [SearchEdge(cursor=encode_cursor([result.offset + i + 1]), node=node, score=hit.score,
                            highlights=hit.highlights)
                 for i, (hit, node) in enumerate(zip(hits, nodes, strict=True)) if node is not None]
        total = result.results.total
        facets = [Facet(name=name, values=[FacetValue(value=v, label=FACET_LABELS.get(name, {}).get(v, v), count=c)
                                           for v, c in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))])
                  for name, values in (result.results.facets or {}).items()]
        return SearchConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=result.offset + len(hits) < total, has_previous_page=result.offset > 0,
                               start_cursor=edges[0].cursor if edges else None,
                               end_cursor=encode_cursor([result.offset + len(hits)]) if hits else None),
            total_count=total, total_pages=-(-total // result.size) if result.size else 0, facets=facets,
        )


def _global_id(key: str) -> str:
    """Search keys are "<GraphQL type>:<pk>"; nodes are fetched by global ID with the usual visibility."""
    type_name, _, pk = key.partition(":")
    return to_global_id(type_name, pk)

