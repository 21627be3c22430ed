"""How the command line answers a ZhengxinError: one line with its code, exit status 2."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from zhengxin.kernel.errors import ZhengxinError

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
