"""No module of the project copies or subclasses a library's internals (ReportLab's especially):
they change without notice between releases, and a copy breaks silently."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ReportLab's document, canvas and font machinery: use it, never subclass it.
INTERNAL_MODULES = ("reportlab.pdfbase", "reportlab.pdfgen")
# Names that only a copy of ReportLab's internals would define.
INTERNAL_METHODS = {"splitString", "_formatPage", "SaveToFile", "GetPDFData"}


# The project's own code: never the virtual environments beside it (.venv, CI's .venv-audit).
PACKAGES = ("core", "people", "pledges", "supervision", "collation", "admin", "demo", "bench")


def _modules() -> list[Path]:
    top_level = [ROOT / "app.py", ROOT / "config.py"]
    return top_level + [path for package in PACKAGES for path in (ROOT / package).rglob("*.py")]


def _problems(source: str) -> list[str]:
    tree = ast.parse(source)
    imported: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                imported[alias.asname or alias.name] = node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported[alias.asname or alias.name.split(".")[0]] = alias.name
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                name = ast.unparse(base)
                module = imported.get(name.split(".")[0], name)
                if module.startswith(INTERNAL_MODULES) or name.startswith(INTERNAL_MODULES):
                    problems.append(f"class {node.name} subclasses {name} ({module})")
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name in INTERNAL_METHODS:
                    problems.append(f"class {node.name} overrides {item.name}")
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "__class__":
                problems.append(f"line {node.lineno} swaps __class__")
    return problems


def test_the_check_finds_what_it_is_for():
    copied = (
        "from reportlab.pdfbase.pdfdoc import PDFDocument\n"
        "from reportlab.pdfbase import ttfonts\n"
        "from reportlab.pdfgen.canvas import Canvas as C\n"
        "class A(PDFDocument): pass\n"
        "class B(ttfonts.TTFont):\n    def splitString(self, text, doc): pass\n"
        "class D(C):\n    def __init__(self):\n        self._doc.__class__ = A\n"
    )
    assert len(_problems(copied)) == 5


def _found(paths) -> dict[str, list[str]]:
    return {
        str(path.relative_to(ROOT)): problems
        for path in paths
        if (problems := _problems(path.read_text(encoding="utf-8")))
    }


def test_no_module_subclasses_or_copies_reportlab_internals():
    assert _found(_modules()) == {}
