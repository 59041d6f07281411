"""The seams of the layout, checked: pure cores load alone, auth stands on its own, and
views leave committing and querying to others."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "exchange"
DOMAIN_PACKAGES = (
    "admin",
    "api",
    "applications",
    "catalogue",
    "conditions",
    "contracts",
    "feeds",
    "main",
    "matching",
    "organizations",
    "placements",
    "privacy",
    "reports",
)
PURE_MODULES = (
    "exchange.applications.states",
    "exchange.applications.deadlines",
    "exchange.applications.calendar",
    "exchange.feeds.events",
    "exchange.feeds.ics",
    "exchange.organizations.seasons",
    "exchange.applications.codes",
    "exchange.applications.personal",
    "exchange.matching.engine",
    "exchange.organizations.programs",
    "exchange.clock",
    "exchange.months",
    "exchange.errors",
    "exchange.numbers",
    "exchange.text",
)


def _modules_loaded_by(*modules: str) -> set[str]:
    """Every module that importing ``modules`` loads, in a fresh interpreter."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout))


@pytest.mark.parametrize("module", PURE_MODULES)
def test_a_pure_core_loads_neither_flask_nor_sqlalchemy(module):
    loaded = _modules_loaded_by(module)
    assert module in loaded
    frameworks = {name for name in loaded if name.split(".")[0] in {"flask", "sqlalchemy"}}
    assert frameworks == set()
    assert "exchange.app" not in loaded


def test_auth_imports_no_other_domain_package():
    modules = sorted(f"exchange.auth.{path.stem}" for path in (PACKAGE / "auth").glob("*.py"))
    loaded = _modules_loaded_by(*modules)
    assert "exchange.auth.views" in loaded
    others = {
        name for name in loaded if name.split(".")[:2] in [["exchange", p] for p in DOMAIN_PACKAGES]
    }
    assert others == set()


def _view_modules() -> list[Path]:
    """Every module that makes a blueprint or adds routes to one: its functions are views."""
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if "Blueprint(" in path.read_text() or ".route(" in path.read_text()
    )


def _calls(path: Path) -> set[str]:
    """The names of the functions and methods that a module calls."""
    called = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Attribute):
                called.add(function.attr)
            elif isinstance(function, ast.Name):
                called.add(function.id)
    return called


@pytest.mark.parametrize("path", _view_modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_a_view_never_commits_rolls_back_or_selects(path):
    assert {"commit", "rollback", "select"} & _calls(path) == set()


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda path: str(path.relative_to(PACKAGE))
)
def test_no_module_is_over_700_lines(path):
    assert len(path.read_text().splitlines()) <= 700
