"""Demo content for a newcomer's first look: columns, news, users of each role.

Loaded by `python server.py --demo` into an empty database only; a database with any
user in it is left alone. The articles are fictional, written for the demo.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from models.base import Status
from models.news import Article, ArticleRevision, ArticleTag, Column, ReviewAction, ReviewDecision, Tag
from models.users import Role, User
from resolvers import indexing
from resolvers.articles import snapshot
from resolvers.auth import create_user
from resolvers.sanitize import sanitize_html
from resolvers.slugs import slugify, unique_slug

log = logging.getLogger("renda.demo")
HERE = Path(__file__).parent

# The demo log-ins, listed in the README; all share one password that meets the policy.
DEMO_USERS = [
    ("admin", Role.ADMIN, "Renda#Demo2026", "系统管理员"),
    ("editor", Role.EDITOR, "Renda#Demo2026", "李编辑"),
    ("chief", Role.CHIEF_EDITOR, "Renda#Demo2026", "王主编"),
    ("moderator", Role.MODERATOR, "Renda#Demo2026", "赵审核"),
    ("office", Role.OFFICE_STAFF, "Renda#Demo2026", "代表工委办公室"),
    ("deputy", Role.DEPUTY, "Renda#Demo2026", "陈代表"),
    ("member", Role.MEMBER, "Renda#Demo2026", "刘委员"),
    ("unit", Role.HANDLING_UNIT, "Renda#Demo2026", "市交通运输局"),
    ("citizen", Role.CITIZEN, "Renda#Demo2026", "市民小周"),
]


async def load_demo(services) -> bool:
    """Load the demo into an empty database; returns whether anything was loaded."""
    if await User.exists() or await Column.exists():
        log.info("database not empty: demo content not loaded")
        return False
    users = {}
    for username, role, password, name in DEMO_USERS:
        users[username] = await create_user(username, password, role, f"{username}@demo.renda.example.cn",
                                            None, name)
    data = json.loads((HERE / "news.json").read_text(encoding="utf-8"))
    columns = await _columns(data["columns"])
    tags = {}
    for t in data["tags"]:
        tags[t["slug"]] = await Tag.create(slug=t["slug"], name=t["name"])
    published = []
    for item in data["articles"]:
        article = await _article(item, columns, tags, users)
        if article.status == Status.PUBLISHED:
            published.append(article)
    if services.search is not None and published:
        await indexing.index_items(services, published)
    log.info("demo content loaded: %d users, %d columns, %d articles", len(users), len(columns),
             len(data["articles"]))
    await _load_demo_extras(services)
    return True


async def _load_demo_extras(services) -> None:
    """Later features add their demo content here (laws, gazettes, media ...)."""
    from resolvers.demo import extras

    for loader in extras.LOADERS:
        await loader(services)


async def _columns(specs: list[dict], parent: Column | None = None) -> dict[str, Column]:
    found: dict[str, Column] = {}
    for position, spec in enumerate(specs):
        column = await Column.create(slug=spec["slug"], name=spec["name"], description=spec.get("description", ""),
                                     parent=parent, position=position,
                                     review_stages=spec.get("review_stages", []))
        found[column.slug] = column
        found.update(await _columns(spec.get("children", []), column))
    return found


async def _article(item: dict, columns: dict, tags: dict, users: dict) -> Article:
    status = Status(item.get("status", "PUBLISHED"))
    column = columns[item["column"]]
    published_at = datetime.fromisoformat(item["published_at"]) if item.get("published_at") else None
    slug = await unique_slug(slugify(item["title"]), lambda s: Article.filter(slug=s).exists())
    stages = column.review_stages or []
    article = await Article.create(
        title=item["title"], subtitle=item.get("subtitle") or "", slug=slug, summary=item.get("summary", ""),
        body=sanitize_html(item.get("body_html", "")), author=item.get("author", ""), source=item.get("source", ""),
        column=column, status=status, published_at=published_at if status != Status.DRAFT else None,
        pinned=item.get("pinned", False), featured=item.get("featured", False), created_by=users["editor"],
        review_stage=len(stages) if status in (Status.PUBLISHED, Status.ARCHIVED) else 0, revision_count=1,
        view_count=(sum(map(ord, item["title"])) % 2000) if status == Status.PUBLISHED else 0,
    )
    await ArticleTag.bulk_create([ArticleTag(article=article, tag=tags[s], position=i)
                                  for i, s in enumerate(item.get("tags", [])) if s in tags])
    await ArticleRevision.create(article=article, number=1, author=users["editor"], note="创建",
                                 snapshot=await snapshot(article))
    if status != Status.DRAFT:
        await ReviewAction.create(article=article, decision=ReviewDecision.SUBMIT, user=users["editor"])
    if status in (Status.PUBLISHED, Status.ARCHIVED):
        await ReviewAction.create(article=article, decision=ReviewDecision.PUBLISH, user=users["chief"])
    return article
