"""The published JSON schema of the credit report, generated from the report's model.

``docs/report.schema.json`` is what a reader of a report's JSON (:func:`zhengxin.bureau.report.
report_json`) codes against; every field is described there. It is generated, never edited: after
a change to :mod:`zhengxin.bureau.report_parts`, regenerate it with

    .venv/bin/python -m zhengxin.bureau.schema docs/report.schema.json

and raise :data:`SCHEMA_VERSION` (the minor number when fields are only added, the major one when
a field changes meaning or goes away).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zhengxin.bureau.report_parts import CreditReport

SCHEMA_ID = "https://zhengxin.example/report.schema.json"
SCHEMA_VERSION = "1.0.0"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "个人信用报告 Personal credit report (Zhengxin)"


def report_schema() -> dict[str, Any]:
    """The schema of a report's JSON: the model's serialization schema with its identity.

    >>> schema = report_schema()
    >>> schema["$id"], schema["version"], "accounts" in schema["required"]
    ('https://zhengxin.example/report.schema.json', '1.0.0', True)
    """
    generated = CreditReport.model_json_schema(mode="serialization")
    return {
        **generated,
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": TITLE,
        "version": SCHEMA_VERSION,
    }


def schema_text() -> str:
    """The schema as the published file holds it: sorted keys, indent 2, a final newline."""
    return json.dumps(report_schema(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path) -> None:
    """Write the schema to ``path`` (UTF-8), creating its folder when needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        sys.stderr.write("usage: python -m zhengxin.bureau.schema PATH (docs/report.schema.json)\n")
        return 2
    path = Path(args[0])
    write_schema(path)
    sys.stdout.write(f"wrote the report schema {SCHEMA_VERSION} to {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
