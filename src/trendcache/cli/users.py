"""`trendcache users`: create users, issue and revoke API tokens, set web passwords, list
and delete them.

A token is printed once, when it is made: only its hash is stored, so nobody (not even
this command) can show it again.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.table import Table

from trendcache.cli.shared import console, errors, migrated_database, settings_or_exit

if TYPE_CHECKING:
    from trendcache.db import Database

T = TypeVar("T")

users = typer.Typer(
    help="Users: their API tokens, web passwords and album collections.",
    no_args_is_help=True,
)
NameArgument = Annotated[str, typer.Argument(help="The user's name.", show_default=False)]


@users.command("create")
def create(
    name: NameArgument,
    password: Annotated[
        bool, typer.Option("--password", help="Also ask for a password to sign in to the page.")
    ] = False,
    admin: Annotated[
        bool,
        typer.Option("--admin", help="An admin: their API tokens may force syncs (force=true)."),
    ] = False,
) -> None:
    """Create a user and print their first API token (shown this once only)."""
    from trendcache.accounts.users import create_user

    secret = _ask_password() if password else None
    with _database() as database:
        token = _refusing(lambda: create_user(database, name, secret, admin=admin), "create")
    console.print(f"Created {'admin' if admin else 'user'} {name}.", markup=False)
    _show_token(token)
    if secret is None:
        console.print(
            f"To sign in on the browse page, give them a password: "
            f"trendcache users password {name}",
            markup=False,
        )


@users.command("token")
def token(name: NameArgument) -> None:
    """Issue another API token for a user (one per device or script, say)."""
    from trendcache.accounts.users import issue_token

    with _database() as database:
        issued = _refusing(lambda: issue_token(database, name), "token")
    console.print(f"New API token for {name}.", markup=False)
    _show_token(issued)


@users.command("password")
def password(name: NameArgument) -> None:
    """Set or change a user's password for the browse page (signs out their browsers)."""
    from trendcache.accounts.users import set_password

    secret = _ask_password()
    with _database() as database:
        _refusing(lambda: set_password(database, name, secret), "password")
    console.print(f"Password set for {name}.", markup=False)


@users.command("admin")
def admin(
    name: NameArgument,
    remove: Annotated[bool, typer.Option("--remove", help="Make them a plain user again.")] = False,
) -> None:
    """Make a user an admin, whose API tokens may force syncs (spending Spotify budget)."""
    from trendcache.accounts.users import set_admin

    with _database() as database:
        _refusing(lambda: set_admin(database, name, not remove), "admin")
    console.print(f"{name} is {'a plain user' if remove else 'an admin'} now.", markup=False)


@users.command("revoke")
def revoke(
    name: NameArgument,
    prefix: Annotated[
        str | None,
        typer.Argument(help="The token's start, as `trendcache users list` shows it."),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Revoke every token of the user.")] = False,
) -> None:
    """Revoke an API token (a lost device, a leaked script), or all of a user's tokens."""
    from trendcache.accounts.users import revoke_tokens

    if (prefix is None) == (not every):
        errors.print("trendcache users revoke: give a token's prefix or --all, not both")
        raise typer.Exit(2)
    with _database() as database:
        revoked = _refusing(lambda: revoke_tokens(database, name, prefix), "revoke")
    console.print(f"Revoked {revoked} API token{'s' * (revoked != 1)} of {name}.", markup=False)


@users.command("delete")
def delete(
    name: NameArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a user with their API tokens and collection (signs out their browsers)."""
    from trendcache.accounts.users import delete_user

    if not yes:
        if not sys.stdin.isatty():
            errors.print("trendcache users delete: confirm with --yes", markup=False)
            raise typer.Exit(2)
        typer.confirm(f"Delete {name}, their API tokens and their collection?", abort=True)
    with _database() as database:
        albums = _refusing(lambda: delete_user(database, name), "delete")
    console.print(f"Deleted user {name} and the {albums} albums of their collection.", markup=False)


@users.command("list")
def list_() -> None:
    """List users: their tokens, when one was last used, web sign-in, collection size."""
    from trendcache.accounts.users import list_users

    with _database() as database:
        summaries = list_users(database)
    if not summaries:
        console.print("No users yet: trendcache users create NAME")
        return
    table = Table("name", "role", "created", "API tokens", "last used", "web sign-in", "albums")
    for user in summaries:
        table.add_row(
            user.name,
            "admin" if user.is_admin else "user",
            f"{user.created_at:%Y-%m-%d}",
            ", ".join(f"{prefix}…" for prefix in user.token_prefixes) or "-",
            f"{user.last_used_at:%Y-%m-%d %H:%M} UTC" if user.last_used_at else "never",
            "password" if user.has_password else "-",
            str(user.albums),
        )
    console.print(table)


def _show_token(token: str) -> None:
    console.print("API token (it will not be shown again; keep it somewhere safe):")
    console.print(token, markup=False)


def _ask_password() -> str:
    """Asked twice at a terminal; read as one line from standard input otherwise (scripts)."""
    from trendcache.accounts.passwords import WeakPassword, check_strength

    if sys.stdin.isatty():
        secret: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        secret = sys.stdin.readline().rstrip("\r\n")
    try:
        check_strength(secret)
    except WeakPassword as exc:
        errors.print(f"trendcache users: {exc}", markup=False)
        raise typer.Exit(1) from None
    return secret


@contextmanager
def _database() -> Iterator[Database]:
    """The configured database, migrated (users need the accounts tables)."""
    settings, _ = settings_or_exit()
    with migrated_database(settings) as database:
        yield database


def _refusing(action: Callable[[], T], command: str) -> T:
    """Run `action`; a refusal (name taken, unknown user…) is one line and exit status 1."""
    from trendcache.accounts.users import AccountError

    try:
        return action()
    except AccountError as exc:
        errors.print(f"trendcache users {command}: {exc}", markup=False)
        raise typer.Exit(1) from None
