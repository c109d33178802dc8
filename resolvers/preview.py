"""Preview tokens: a share link that shows a draft to someone outside the newsroom until it expires."""

from __future__ import annotations

from datetime import timedelta

from models.news import Article, PreviewToken
from resolvers.errors import Invalid
from resolvers.tokens import digest, new_secret, now

MAX_HOURS = 24 * 14


async def create_preview_token(ctx, article: Article, hours: int) -> tuple[str, PreviewToken]:
    if hours < 1 or hours > MAX_HOURS:
        raise Invalid("expiresInHours", f"有效期须在1至{MAX_HOURS}小时之间", "OUT_OF_RANGE")
    secret = new_secret(24)
    token = await PreviewToken.create(token_hash=digest(secret), article=article, created_by=ctx.user,
                                      expires_at=now() + timedelta(hours=hours))
    return secret, token


async def article_for_preview(secret: str, article_id: int) -> bool:
    return await PreviewToken.filter(token_hash=digest(secret), article_id=article_id,
                                     expires_at__gt=now()).exists()


async def revoke_preview_tokens(article: Article) -> int:
    return await PreviewToken.filter(article_id=article.id).delete()
