"""Creating users, issuing (and revoking) their API tokens and passwords, recognising them
again, and deleting them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trendcache.accounts.passwords import hash_password, verify_password
from trendcache.accounts.tokens import looks_like_token, new_token, shown_prefix, token_hash
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.accounts import ApiToken, CollectionItem, User
from trendcache.db.follows import FollowedArtist, NotificationEvent

NAME_RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# How stale `last_used_at` may get: a busy client does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class AccountError(Exception):
    """A user-facing refusal, with a one-line message."""


class UserExists(AccountError):
    pass


class UnknownUser(AccountError):
    pass


class InvalidName(AccountError):
    pass


class UnknownToken(AccountError):
    pass


@dataclass(frozen=True)
class Account:
    """A signed-in user, as requests see one."""

    id: str
    name: str
    # Changes whenever the password does, so a new password signs out every browser.
    stamp: str
    # May spend upstream budget beyond the freshness rule (force a sync).
    is_admin: bool = False


@dataclass(frozen=True)
class UserSummary:
    name: str
    created_at: datetime
    token_prefixes: list[str]  # oldest first
    last_used_at: datetime | None
    has_password: bool
    albums: int
    is_admin: bool = False


def _account(user: User) -> Account:
    stamp = hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]
    return Account(id=user.id, name=user.name, stamp=stamp, is_admin=user.is_admin)


def is_valid_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def check_name(name: str) -> str:
    if not is_valid_name(name):
        raise InvalidName(f"invalid user name {name!r}: use {NAME_RULE}")
    return name


def create_user(
    database: Database, name: str, password: str | None = None, *, admin: bool = False
) -> str:
    """Create `name` with a first API token, and a web password if given; the token's text."""
    check_name(name)
    password_hash = hash_password(password) if password is not None else None
    token = new_token()
    try:
        with database.writer() as session:
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise UserExists(f"a user named {name!r} already exists")
            user = User(name=name, password_hash=password_hash, is_admin=admin)
            session.add(user)
            session.flush()
            session.add(_token_row(user.id, token))
    except IntegrityError:  # created by another process a moment ago
        raise UserExists(f"a user named {name!r} already exists") from None
    return token


def issue_token(database: Database, name: str) -> str:
    """Another API token for `name` (one per device or script, say); the token's text."""
    token = new_token()
    with database.writer() as session:
        user_id = session.scalar(select(User.id).where(User.name == name))
        if user_id is None:
            raise UnknownUser(f"no user named {name!r} (see `trendcache users list`)")
        session.add(_token_row(user_id, token))
    return token


def set_password(database: Database, name: str, password: str) -> None:
    """Set or change `name`'s web password, which signs out all their browsers."""
    password_hash = hash_password(password)
    with database.writer() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise UnknownUser(f"no user named {name!r} (see `trendcache users list`)")
        user.password_hash = password_hash


def set_admin(database: Database, name: str, admin: bool) -> None:
    """Make `name` an admin (their API tokens may force syncs), or a plain user again."""
    with database.writer() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise UnknownUser(f"no user named {name!r} (see `trendcache users list`)")
        user.is_admin = admin


def revoke_tokens(database: Database, name: str, prefix: str | None = None) -> int:
    """Revoke `name`'s API token shown as `prefix` (as `trendcache users list` shows it,
    with or without the ellipsis), or every one of their tokens; how many were revoked."""
    shown = prefix.rstrip("…") if prefix is not None else None
    with database.writer() as session:
        user_id = _user_id(session, name)
        statement = delete(ApiToken).where(ApiToken.user_id == user_id)
        if shown is not None:
            statement = statement.where(ApiToken.prefix == shown)
        revoked = _count(session.execute(statement))
    if shown is not None and not revoked:
        raise UnknownToken(f"{name} has no API token {shown}… (see `trendcache users list`)")
    return revoked


def delete_user(database: Database, name: str) -> int:
    """Delete `name` with their tokens, collection, follows and notifications (their
    browsers are signed out by it); how many albums their collection held."""
    with database.writer() as session:
        user_id = _user_id(session, name)
        albums = _count(
            session.execute(delete(CollectionItem).where(CollectionItem.user_id == user_id))
        )
        session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
        session.execute(delete(NotificationEvent).where(NotificationEvent.user_id == user_id))
        session.execute(delete(FollowedArtist).where(FollowedArtist.user_id == user_id))
        session.execute(delete(User).where(User.id == user_id))
    return albums


def _count(result: Any) -> int:
    """The rows a DELETE removed (a CursorResult's, which typing does not show)."""
    return int(getattr(result, "rowcount", 0) or 0)


def _user_id(session: Session, name: str) -> str:
    user_id = session.scalar(select(User.id).where(User.name == name))
    if user_id is None:
        raise UnknownUser(f"no user named {name!r} (see `trendcache users list`)")
    return user_id


def list_users(database: Database) -> list[UserSummary]:
    with database.session() as session:
        users = session.scalars(select(User).order_by(User.name)).all()
        tokens = session.execute(
            select(ApiToken.user_id, ApiToken.prefix, ApiToken.last_used_at).order_by(
                ApiToken.created_at
            )
        ).all()
        counts = select(CollectionItem.user_id, func.count()).group_by(CollectionItem.user_id)
        albums = dict(session.execute(counts).all())
    summaries = []
    for user in users:
        own = [token for token in tokens if token.user_id == user.id]
        used = [token.last_used_at for token in own if token.last_used_at is not None]
        summaries.append(
            UserSummary(
                name=user.name,
                created_at=user.created_at,
                token_prefixes=[token.prefix for token in own],
                last_used_at=max(used, default=None),
                has_password=user.password_hash is not None,
                albums=albums.get(user.id, 0),
                is_admin=user.is_admin,
            )
        )
    return summaries


def account_for_token(database: Database, token: str) -> Account | None:
    """The user a bearer token belongs to, or None; notes when the token was last used."""
    if not looks_like_token(token):
        return None
    with database.session() as session:
        row = session.execute(
            select(User, ApiToken.id, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == token_hash(token))
        ).first()
    if row is None:
        return None
    user, token_id, last_used = row
    now = utcnow()
    if last_used is None or now - last_used > LAST_USED_RESOLUTION:
        # A write transaction of its own: on SQLite, a read that turns into a write can fail
        # at once when another process wrote in between.
        with database.writer() as session:
            session.execute(
                update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
            )
    return _account(user)


def sign_in(database: Database, name: str, password: str) -> Account | None:
    """The user if `password` is theirs; None for a wrong name, password, or no password."""
    with database.session() as session:
        user = (
            session.scalar(select(User).where(User.name == name)) if is_valid_name(name) else None
        )
    # Hashes even when there is no such user, so timing does not tell names apart.
    matches = verify_password(password, user.password_hash if user else None)
    return _account(user) if matches and user is not None else None


def account_by_id(database: Database, user_id: str) -> Account | None:
    with database.session() as session:
        user = session.get(User, user_id)
        return _account(user) if user else None


def _token_row(user_id: str, token: str) -> ApiToken:
    return ApiToken(user_id=user_id, token_hash=token_hash(token), prefix=shown_prefix(token))
