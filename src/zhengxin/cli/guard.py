"""How the command line answers a ZhengxinError: one line with its code, exit status 2; and
the one way it reads a date typed on it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from zhengxin.kernel.errors import InvalidInput, ZhengxinError

P = ParamSpec("P")
R = TypeVar("R")
errors = Console(stderr=True)


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a ZhengxinError into a one-line message and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ZhengxinError as exc:
            errors.print(f"[bold red]error[/] {escape(f'[{exc.code}]')}: {escape(exc.message)}")
            raise typer.Exit(2) from None

    return wrapper


def guard_all(app: typer.Typer) -> None:
    """Guard every command registered on ``app``."""
    for command in app.registered_commands:
        if command.callback is not None:
            command.callback = guarded(command.callback)


def typed_date(text: str, what: str = "--date") -> date:
    """The date typed for option ``what``, or a clear error."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("cli.date", f"{what} must be a date YYYY-MM-DD; got {text!r}") from None
