"""Tags (标签) that articles carry."""

from __future__ import annotations

from models.news import Tag
from resolvers.errors import Collector
from resolvers.slugs import is_valid_slug, slugify, unique_slug


async def all_tags() -> list[Tag]:
    return await Tag.all().order_by("name")


async def create_tag(name: str, slug: str | None) -> Tag:
    errors = Collector()
    name = (name or "").strip()
    if not name or len(name) > 64:
        errors.add("name", "标签名称为1至64个字符", "INVALID")
    elif await Tag.filter(name=name).exists():
        errors.add("name", "标签已存在", "TAKEN")
    if slug and not is_valid_slug(slug):
        errors.add("slug", "别名只能包含小写字母、数字和连字符", "INVALID_SLUG")
    elif slug and await Tag.filter(slug=slug).exists():
        errors.add("slug", "别名已被使用", "TAKEN")
    errors.raise_if_any()
    slug = slug or await unique_slug(slugify(name), lambda s: Tag.filter(slug=s).exists())
    return await Tag.create(name=name, slug=slug)
