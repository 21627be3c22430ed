"""The wall between the two companies: the lender's side and the bureau never import each other.

import-linter checks the same contracts in ``make test``; this test reads every module's
imports itself, so the rule holds even where the linter is not run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "zhengxin"

FORBIDDEN = {
    "lender": ("zhengxin.bureau",),
    "furnishing": ("zhengxin.bureau",),
    "bureau": ("zhengxin.lender", "zhengxin.furnishing", "zhengxin.simulation"),
    "pboc": ("zhengxin.lender", "zhengxin.furnishing", "zhengxin.bureau", "zhengxin.simulation"),
    "kernel": ("zhengxin.codes", "zhengxin.pboc", "zhengxin.lender", "zhengxin.bureau"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_cross_the_wall(package: str) -> None:
    files = sorted((SRC / package).rglob("*.py"))
    assert files, f"no modules found for {package}"
    crossings = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in files
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[package])
    ]
    assert crossings == []


def test_the_check_sees_a_crossing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from zhengxin.bureau.models import Account\n", encoding="utf-8")
    assert "zhengxin.bureau.models" in imported_modules(bad)


def called_names(path: Path) -> set[str]:
    """The names every call in a module calls (``f(...)`` and ``x.f(...)`` both give ``f``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


# The gates of consent: a submission file is written only by the furnisher (whose write()
# passes every record through the consent and notice gates), and an inquiry is built only by
# the lender's inquiry client (which needs a signature in force to build one).
GATED = {"write_submission": {"furnishing/service.py"}, "InquiryRequest": {"lender/inquiry.py"}}


@pytest.mark.parametrize("name", sorted(GATED))
def test_only_the_gated_paths_write_files_or_build_inquiries(name: str) -> None:
    callers = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if name in called_names(path) and "migrations" not in path.parts
    }
    assert callers == GATED[name], f"{name} is called outside its gate: {callers - GATED[name]}"
