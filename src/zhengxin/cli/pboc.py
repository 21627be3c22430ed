"""``zhengxin pboc ...``: check, read and answer submission files of the 二代 interface.

``validate`` prints every error with its line and code and exits 1 when there is any;
``show`` prints the records readably; ``feedback`` writes the feedback file the bureau returns.
These read files only: no database is touched.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from zhengxin.kernel.clock import SystemClock
from zhengxin.kernel.errors import InvalidInput
from zhengxin.pboc.rules import RuleBook, SameInstitution
from zhengxin.pboc.validator import FileCheck, book_for, check_file, feedback_for

app = typer.Typer(help="The PBOC 二代 interface: validate, show and answer submission files.")
console = Console()

Also = Annotated[
    list[str] | None,
    typer.Option(
        "--also",
        help="another institution code of the submitter's head office (ABE002/ABE003); repeat",
    ),
]


def _check(path: Path, also: list[str] | None, verify_first: bool = True) -> FileCheck:
    if not path.is_file():
        raise InvalidInput("cli.file", f"{path} is not a file")
    return check_file(path, SameInstitution(frozenset(also or ())), verify_first=verify_first)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="a submission file (name per §2.1)")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    also: Also = None,
) -> None:
    """Check a file against every rule; print each error with its line and code.

    Exit status 0 when the file and every record pass, 1 when anything was found.
    """
    check = _check(file, also, verify_first=False)
    found = _validate_json(check) if as_json else _validate_text(check)
    if found:
        raise typer.Exit(1)


def _validate_text(check: FileCheck) -> bool:
    for result in check.records():
        for finding in result.findings():
            shown = "" if finding.value is None else f" = {finding.value!r}"
            console.print(
                escape(
                    f"line {finding.line} {finding.key or '-'}: [{finding.code}] "
                    f"{finding.segment}/{finding.tag}{shown}: {finding.message}"
                ),
                soft_wrap=True,
            )
    for error in check.file_errors:
        where = f"line {error.line}: " if error.line is not None else ""
        console.print(f"{escape(check.path.name)}: {where}[{error.code}] {escape(error.message)}")
    total = check.accepted + check.rejected
    if check.file_errors:
        console.print(f"refused as a whole: {len(check.file_errors)} file-level error(s)")
    else:
        console.print(f"{total} records: {check.accepted} pass, {check.rejected} with errors")
    return bool(check.file_errors or check.rejected)


def _validate_json(check: FileCheck) -> bool:
    out = sys.stdout
    out.write('{"file": ' + json.dumps(check.path.name) + ', "findings": [')
    first = True
    for result in check.records():
        for finding in result.findings():
            out.write(("" if first else ", ") + json.dumps(finding.as_dict(), ensure_ascii=False))
            first = False
    summary = {
        "records": check.accepted + check.rejected,
        "accepted": check.accepted,
        "rejected": check.rejected,
    }
    file_errors = json.dumps([_plain(e) for e in check.file_errors], ensure_ascii=False)
    out.write('], "file_errors": ' + file_errors + ', "summary": ' + json.dumps(summary) + "}\n")
    out.flush()
    return bool(check.file_errors or check.rejected)


def _plain(error: object) -> dict[str, object]:
    return {name: getattr(error, name) for name in ("code", "message", "line")}


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="a submission file")],
    limit: Annotated[int, typer.Option(help="show at most this many records", min=1)] = 20,
) -> None:
    """Print a file's header and its records, item by item with their Chinese names."""
    check = _check(file, None)
    if check.header is None or check.name is None:
        error = check.file_errors[0]
        raise InvalidInput(error.code, error.message)
    header = check.header
    console.print(
        f"[bold]{escape(check.path.name)}[/]: record type {header.record_type}, institution "
        f"{header.institution}, created {header.created:%Y-%m-%d %H:%M:%S}, "
        f"{header.record_count} records"
    )
    for error in check.file_errors:
        console.print(f"[red][{error.code}][/] {escape(error.message)}")
    if check.file_errors:
        return
    book = book_for(header.record_type)
    for shown, result in enumerate(check.records()):
        if shown >= limit:
            console.print(f"… {header.record_count - limit} more")
            break
        console.print(_record_tree(book, result.line, result.text, len(result.errors)))


def _record_tree(book: RuleBook, line: int, text: str, errors: int) -> Tree:
    status = "[green]passes[/]" if not errors else f"[red]{errors} error(s)[/]"
    tree = Tree(f"line {line} · {status}")
    try:
        raw = book.read(text)
    except InvalidInput as exc:
        tree.add(f"[red]unreadable[/]: {escape(exc.message)}")
        return tree
    for segment in book.segments:
        found = raw.segments.get(segment.tag)
        if found is None:
            continue
        branch = tree.add(f"[bold]{segment.tag}[/] {segment.name}")
        for spec in segment.fields:
            value = found.items.get(spec.tag)
            if value is not None:
                branch.add(f"{spec.tag} {spec.name}: {escape(value) or '[dim](blank)[/]'}")
        if segment.group is not None:
            for number, element in enumerate(found.groups, 1):
                leaf = branch.add(f"{segment.group.tag} #{number}")
                for spec in segment.group.fields:
                    value = element.get(spec.tag)
                    if value is not None:
                        leaf.add(f"{spec.tag} {spec.name}: {escape(value) or '[dim](blank)[/]'}")
    return tree


@app.command()
def feedback(
    file: Annotated[Path, typer.Argument(help="a submission file")],
    out: Annotated[Path | None, typer.Option(help="folder for the feedback file")] = None,
    created: Annotated[
        str | None, typer.Option(help="the feedback's creation time, YYYY-MM-DDTHH:MM:SS")
    ] = None,
    also: Also = None,
) -> None:
    """Write the feedback file the bureau returns for a submission (§2.5) and print its path."""
    check = _check(file, also)
    moment = SystemClock().now()
    if created is not None:
        try:
            moment = datetime.fromisoformat(created)
        except ValueError:
            raise InvalidInput(
                "cli.created", f"--created must be YYYY-MM-DDTHH:MM:SS; got {created!r}"
            ) from None
    path = feedback_for(check, out or file.parent, moment)
    if check.file_errors:
        console.print(f"refused as a whole ({check.file_errors[0].code}); feedback: {path}")
    else:
        console.print(f"{check.accepted} accepted, {check.rejected} rejected; feedback: {path}")
