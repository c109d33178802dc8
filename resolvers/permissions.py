"""Who may do what: every rule of the platform in one table.

Fields and mutations declare the action they need (`schema.permissions.requires`);
resolvers ask `can(user, action)` where a rule depends on data as well.
"""

from __future__ import annotations

from enum import StrEnum

from models.users import Role, User
from resolvers.errors import Forbidden, Unauthenticated

STAFF_ROLES = frozenset({Role.EDITOR, Role.CHIEF_EDITOR, Role.MODERATOR, Role.OFFICE_STAFF, Role.ADMIN})
NEWSROOM = frozenset({Role.EDITOR, Role.CHIEF_EDITOR, Role.ADMIN})


class Action(StrEnum):
    # news
    ARTICLE_READ_UNPUBLISHED = "article.read_unpublished"
    ARTICLE_EDIT = "article.edit"
    ARTICLE_SUBMIT = "article.submit"
    ARTICLE_REVIEW = "article.review"
    ARTICLE_PUBLISH = "article.publish"
    ARTICLE_ARCHIVE = "article.archive"
    ARTICLE_PREVIEW_SHARE = "article.preview_share"
    ARTICLE_DELETE = "article.delete"
    TAG_MANAGE = "tag.manage"
    # administration
    COLUMN_MANAGE = "column.manage"
    USER_MANAGE = "user.manage"
    USER_READ = "user.read"
    AUDIT_READ = "audit.read"
    # laws and search
    REGULATION_EDIT = "regulation.edit"
    REGULATION_PUBLISH = "regulation.publish"
    GAZETTE_EDIT = "gazette.edit"
    GAZETTE_PUBLISH = "gazette.publish"
    SEARCH_VOCABULARY_EDIT = "search.vocabulary_edit"
    SEARCH_STATS_READ = "search.stats_read"
    # media
    MEDIA_UPLOAD = "media.upload"
    MEDIA_MANAGE = "media.manage"


RULES: dict[Action, frozenset[Role]] = {
    Action.ARTICLE_READ_UNPUBLISHED: NEWSROOM,
    Action.ARTICLE_EDIT: NEWSROOM,
    Action.ARTICLE_SUBMIT: NEWSROOM,
    # Stage roles are checked per stage; this is who may review at all.
    Action.ARTICLE_REVIEW: NEWSROOM,
    Action.ARTICLE_PUBLISH: frozenset({Role.CHIEF_EDITOR}),
    Action.ARTICLE_ARCHIVE: frozenset({Role.CHIEF_EDITOR}),
    Action.ARTICLE_PREVIEW_SHARE: NEWSROOM,
    Action.ARTICLE_DELETE: frozenset({Role.CHIEF_EDITOR, Role.ADMIN}),
    Action.TAG_MANAGE: NEWSROOM,
    Action.COLUMN_MANAGE: frozenset({Role.ADMIN}),
    Action.USER_MANAGE: frozenset({Role.ADMIN}),
    Action.USER_READ: frozenset({Role.ADMIN}),
    Action.AUDIT_READ: frozenset({Role.ADMIN}),
    Action.REGULATION_EDIT: NEWSROOM | {Role.OFFICE_STAFF},
    Action.REGULATION_PUBLISH: frozenset({Role.CHIEF_EDITOR}),
    Action.GAZETTE_EDIT: NEWSROOM | {Role.OFFICE_STAFF},
    Action.GAZETTE_PUBLISH: frozenset({Role.CHIEF_EDITOR}),
    # Those who answer citizens' questions know their words: the newsroom and the office.
    Action.SEARCH_VOCABULARY_EDIT: NEWSROOM | {Role.OFFICE_STAFF},
    Action.SEARCH_STATS_READ: NEWSROOM | {Role.OFFICE_STAFF},
    Action.MEDIA_UPLOAD: NEWSROOM | {Role.OFFICE_STAFF},
    Action.MEDIA_MANAGE: NEWSROOM,
}

# Actions whose every attempt is written to the audit log.
AUDITED = frozenset(RULES) - {Action.ARTICLE_READ_UNPUBLISHED, Action.USER_READ, Action.AUDIT_READ,
                              Action.SEARCH_STATS_READ}


def can(user: User | None, action: Action) -> bool:
    return user is not None and user.is_active and user.role in RULES[action]


def require(user: User | None, action: Action) -> User:
    """The user if allowed; otherwise UNAUTHENTICATED for anonymous callers, FORBIDDEN for others."""
    if user is None:
        raise Unauthenticated()
    if not can(user, action):
        raise Forbidden()
    return user


def is_staff(user: User | None) -> bool:
    return user is not None and user.role in STAFF_ROLES
