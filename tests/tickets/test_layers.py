"""The tickets side of the layering rule (docs/decisions.md, "Layering"), read from the
source: tickets imports nothing above it, nothing imports the console, no app's views import
another app's views, and tickets and the console import other apps at the top of a module
only (no function-local imports, no run-time look-ups of a sibling app)."""
import ast
from pathlib import Path

import aftersales

SRC = Path(aftersales.__file__).parent
ABOVE_TICKETS = ("portal", "reports", "campaigns", "console")


def _modules(app: str | None = None):
    root = SRC / app if app else SRC
    for path in sorted(root.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _app_of(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _imports(path: Path):
    """(imported module, whether the import is inside a function) for each import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("aftersales", *path.relative_to(SRC).with_suffix("").parts[:-1]))

    def visit(node, nested):
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, inner
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.rsplit(".", child.level - 1)[0] if child.level > 1 else package
                    name = f"{base}.{child.module}" if child.module else base
                else:
                    name = child.module or ""
                yield name, inner
                for alias in child.names:  # `from aftersales.x import views`
                    yield f"{name}.{alias.name}", inner
            yield from visit(child, inner)

    yield from visit(tree, False)


def _app_imported(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "aftersales" else None


def test_tickets_imports_nothing_above_it():
    upward = [(str(p.relative_to(SRC)), name) for p in _modules("tickets")
              for name, _nested in _imports(p) if _app_imported(name) in ABOVE_TICKETS]
    assert upward == []


def test_nothing_imports_the_console():
    users = [(str(p.relative_to(SRC)), name) for p in _modules()
             if _app_of(p) not in ("console", "urls")
             for name, _nested in _imports(p) if _app_imported(name) == "console"]
    assert users == []


def test_no_views_import_another_apps_views():
    found = [(str(p.relative_to(SRC)), name) for p in _modules()
             for name, _nested in _imports(p)
             if _app_imported(name) not in (None, "core", _app_of(p))  # core: staff_view
             and name.endswith(".views")]
    assert found == []


def test_tickets_and_console_import_other_apps_at_the_top_only():
    nested = [(str(p.relative_to(SRC)), name) for app in ("tickets", "console")
              for p in _modules(app) for name, inner in _imports(p)
              if inner and _app_imported(name) not in (None, app)]
    assert nested == []


def test_no_run_time_seams_in_the_source():
    seams = [str(p.relative_to(SRC)) for p in _modules()
             if any(s in p.read_text(encoding="utf-8")
                    for s in ("_need(", "except ImportError", "inspect.signature"))]
    assert seams == []
