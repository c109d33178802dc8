"""How news articles go into the search index."""

from __future__ import annotations

from models.news import Article, Column
from resolvers import indexing
from resolvers.sanitize import plain_text
from search.base import SearchDocument, SearchKind

BATCH = 500


async def article_documents(articles: list[Article]) -> list[SearchDocument]:
    columns = {c.id: c for c in await Column.filter(id__in={a.column_id for a in articles})}
    docs = []
    for a in articles:
        column = columns.get(a.column_id)
        when = a.published_at
        docs.append(SearchDocument(
            key=f"Article:{a.id}", kind=SearchKind.ARTICLE, title=a.title,
            body=" ".join(filter(None, [a.subtitle, a.summary, plain_text(a.body)])),
            published_at=when, year=when.year if when else None,
            extra_terms=" ".join(filter(None, [column.name if column else "", a.author, a.source])),
        ))
    return docs


indexing.register(Article, indexing.Indexer(
    documents=article_documents,
    keys=lambda a: [f"Article:{a.id}"],
    batch_size=BATCH,
))
