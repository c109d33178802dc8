"""A stored version written out again: as plain text for readers, and as Markdown in the corpus
format (title, history, `<!-- INFO END -->`, `##` headings, `第N条` lines) that the importer and
`regulationVersionAdd` read back.

Headings and articles share one order (`position`); the preamble and appendix paragraphs are
placed under the heading they were written under (their `heading_path`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from models.laws import RegulationArticle, RegulationHeading, RegulationVersion
from resolvers.lawtext import INFO_END

Block = tuple[str, Any]  # ("heading", RegulationHeading) | ("article", RegulationArticle) | ("paragraph", dict)


def _path(paragraph: dict) -> list[str]:
    return list(paragraph.get("heading_path") or [])


def blocks(version: RegulationVersion, headings: list[RegulationHeading],
           articles: list[RegulationArticle]) -> Iterator[Block]:
    """The version's parts in reading order."""
    entries = sorted([(h.position, 0, h) for h in headings] + [(a.position, 1, a) for a in articles],
                     key=lambda e: (e[0], e[1]))
    pools = {"body": list(version.body or []), "appendix": list(version.appendix or [])}

    def take(pool: str, path: list[str]) -> list[dict]:
        found = [p for p in pools[pool] if _path(p) == path]
        pools[pool] = [p for p in pools[pool] if _path(p) != path]
        return found

    for p in take("body", []):
        yield "paragraph", p
    path: list[str] = []
    seen_article = False
    for _, kind, item in entries:
        if kind == 0:
            path = [*path[:item.depth], item.text]
            yield "heading", item
            for p in take("appendix" if seen_article else "body", path):
                yield "paragraph", p
        else:
            if not seen_article:
                seen_article = True
                for p in pools["body"]:  # preamble paragraphs under no heading we met
                    yield "paragraph", p
                pools["body"] = []
            yield "article", item
    for p in pools["body"] + pools["appendix"]:
        yield "paragraph", p


def paragraph_lines(paragraph: dict) -> list[str]:
    lines = [paragraph["text"]] if paragraph.get("text") else []
    lines += [f"{i.get('label', '')}{i.get('text', '')}" for i in paragraph.get("items", [])]
    return lines


def article_lines(article: RegulationArticle) -> list[str]:
    """`第一条 …` then the further paragraphs and items, one per line."""
    lines = [line for p in article.paragraphs for line in paragraph_lines(p)]
    if not lines:
        return [article.label]
    return [f"{article.label} {lines[0]}", *lines[1:]]


def plain_text(version: RegulationVersion, headings: list[RegulationHeading],
               articles: list[RegulationArticle]) -> str:
    """The body as plain text: headings, articles and paragraphs one per line."""
    lines: list[str] = []
    for kind, item in blocks(version, headings, articles):
        if kind == "heading":
            lines.append(item.text)
        elif kind == "article":
            lines += article_lines(item)
        else:
            lines += paragraph_lines(item)
    return "\n".join(lines)


def markdown(version: RegulationVersion, headings: list[RegulationHeading],
             articles: list[RegulationArticle]) -> str:
    """The whole text in the corpus format, readable again by the importer."""
    parts = [f"# {version.title}", *[line for line in version.history.splitlines() if line.strip()], INFO_END]
    for kind, item in blocks(version, headings, articles):
        if kind == "heading":
            parts.append(f"{'#' * min(item.depth + 2, 6)} {item.text}")
        elif kind == "article":
            parts += article_lines(item)
        else:
            parts += paragraph_lines(item)
    return "\n\n".join(parts) + "\n"
