"""Columns (栏目): the tree editors file articles under, and its administration."""

from __future__ import annotations

from models.news import Article, Column
from models.users import Role
from resolvers.errors import Collector, Conflict, NotFound
from resolvers.slugs import is_valid_slug, slugify, unique_slug

STAGE_ROLES = {Role.EDITOR, Role.CHIEF_EDITOR, Role.ADMIN}


async def all_columns() -> list[Column]:
    return await Column.all().order_by("position", "id")


async def column_by_slug(slug: str) -> Column:
    column = await Column.filter(slug=slug).first()
    if column is None:
        raise NotFound(f"栏目“{slug}”不存在")
    return column


def descendant_ids(columns: list[Column], root_id: int) -> list[int]:
    """The column and every column below it, so a parent column's feed includes its children."""
    children: dict[int | None, list[int]] = {}
    for c in columns:
        children.setdefault(c.parent_id, []).append(c.id)
    found, todo = [], [root_id]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def validate_stages(stages: list[dict], errors: Collector) -> list[dict]:
    clean = []
    for i, stage in enumerate(stages or []):
        name = (stage.get("name") or "").strip()
        role = stage.get("role")
        if not name or len(name) > 32:
            errors.add(f"reviewStages.{i}.name", "审核环节名称为1至32个字符", "INVALID")
        if role not in {r.value for r in STAGE_ROLES}:
            errors.add(f"reviewStages.{i}.role", "审核角色须为 EDITOR、CHIEF_EDITOR 或 ADMIN", "INVALID")
        clean.append({"name": name, "role": str(role)})
    if len(clean) > 5:
        errors.add("reviewStages", "审核环节最多5个", "INVALID")
    return clean


async def _check_parent(column_id: int | None, parent_slug: str | None, errors: Collector) -> int | None:
    if not parent_slug:
        return None
    parent = await Column.filter(slug=parent_slug).first()
    if parent is None:
        errors.add("parent", "上级栏目不存在", "NOT_FOUND")
        return None
    if column_id is not None:
        # A column may not move below itself or its own descendants.
        if parent.id in descendant_ids(await all_columns(), column_id):
            errors.add("parent", "不能把栏目移到它自己或其下级栏目之下", "CYCLE")
            return None
    return parent.id


async def create_column(ctx, name: str, slug: str | None, parent: str | None, description: str,
                        position: int, review_stages: list[dict]) -> Column:
    errors = Collector()
    name = (name or "").strip()
    if not name or len(name) > 64:
        errors.add("name", "栏目名称为1至64个字符", "INVALID")
    if slug and not is_valid_slug(slug):
        errors.add("slug", "别名只能包含小写字母、数字和连字符", "INVALID_SLUG")
    elif slug and await Column.filter(slug=slug).exists():
        errors.add("slug", "别名已被使用", "TAKEN")
    parent_id = await _check_parent(None, parent, errors)
    stages = validate_stages(review_stages, errors)
    errors.raise_if_any()
    slug = slug or await unique_slug(slugify(name), lambda s: Column.filter(slug=s).exists())
    column = await Column.create(name=name, slug=slug, parent_id=parent_id, description=description or "",
                                 position=position or 0, review_stages=stages)
    return column


async def update_column(ctx, column: Column, changes: dict) -> Column:
    errors = Collector()
    if "name" in changes:
        name = (changes["name"] or "").strip()
        if not name or len(name) > 64:
            errors.add("name", "栏目名称为1至64个字符", "INVALID")
        column.name = name
    if "slug" in changes and changes["slug"] != column.slug:
        slug = changes["slug"]
        if not is_valid_slug(slug):
            errors.add("slug", "别名只能包含小写字母、数字和连字符", "INVALID_SLUG")
        elif await Column.filter(slug=slug).exists():
            errors.add("slug", "别名已被使用", "TAKEN")
        column.slug = slug
    if "parent" in changes:
        column.parent_id = await _check_parent(column.id, changes["parent"], errors)
    if "description" in changes:
        column.description = changes["description"] or ""
    if "position" in changes:
        column.position = changes["position"] or 0
    if "review_stages" in changes:
        column.review_stages = validate_stages(changes["review_stages"], errors)
    errors.raise_if_any()
    await column.save()
    return column


async def delete_column(ctx, column: Column) -> None:
    if await Column.filter(parent_id=column.id).exists():
        raise Conflict("id", "栏目下还有子栏目，不能删除", "HAS_CHILDREN")
    if await Article.filter(column_id=column.id).exists():
        raise Conflict("id", "栏目下还有稿件，不能删除", "IN_USE")
    await column.delete()

