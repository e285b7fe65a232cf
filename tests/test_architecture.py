"""The arrows of ARCHITECTURE.md: which of our packages each package may import."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The table in ARCHITECTURE.md, "may import"; stage 2 (pledges.review) counts as its own package.
MAY_IMPORT = {
    "core": set(),
    "people": {"core"},
    "pledges": {"core", "people", "pledges.review"},
    "pledges.review": {"core", "people", "pledges"},
    "supervision": {"core", "people", "pledges", "pledges.review"},
    # The collated PDF opens with the library's featured entries and the impact report.
    "collation": {"core", "people", "pledges", "pledges.review", "library", "impact"},
    "admin": {"core", "people", "pledges", "pledges.review"},
    "library": {"core", "people", "pledges", "pledges.review"},
    "impact": {"core", "people", "pledges", "pledges.review"},
    "demo": {"core", "people", "pledges", "pledges.review", "supervision", "admin"},
}
PACKAGES = {
    "core",
    "people",
    "pledges",
    "supervision",
    "collation",
    "admin",
    "library",
    "impact",
    "demo",
    "bench",
}


def _package_of(module: str) -> str | None:
    top = module.split(".")[0]
    if top not in PACKAGES:
        return None
    return "pledges.review" if module.startswith("pledges.review") else top


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_packages_import_only_what_the_architecture_allows():
    wrong = []
    for package, allowed in MAY_IMPORT.items():
        folder = ROOT / package.replace(".", "/")
        for path in folder.rglob("*.py"):
            here = _package_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
            if here != package:
                continue  # pledges/review/ is checked as its own package
            for module in _imports(path):
                target = _package_of(module)
                if target is not None and target != package and target not in allowed:
                    wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []
