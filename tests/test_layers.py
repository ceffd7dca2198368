"""The apps depend downward only, with plain top-level imports (docs/decisions.md, "Layers").

Every module under src/aftersales is parsed (ast, nothing imported) and each import of
another app is checked against the layer order below. Two rules:

* Domain modules (models, services, selectors, pure rules, tasks, …) import only apps of a
  LOWER layer. Apps of the same layer do not import each other.
* An app's entry points (api, views, urls, admin, management commands) are the thin edge
  where a request comes in. Besides the lower apps they may call the domain code (models,
  selectors, services) of a higher app, to resolve a reference, show a composed number or
  pass a higher rule down into their own app's service ("a lower app needing a higher
  rule gets it passed in"). They never import another app's entry points (core's api and
  views are the shared base every entry point builds on), and nothing of
  the top layer: a screen that composes several domains belongs in the console app.

No import of another app may sit inside a function or class body (a hidden door a reader
cannot see at the top of the file).
"""
import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "aftersales"

#: From the bottom. Apps on one line are one layer and must not import each other.
#: notifications (the outbox and its channels) knows nothing of tickets; the ticket
#: workflow calls it, so it sits below tickets, beside billing and inventory. telephony
#: (call reports and the screen-pop) is a channel like it and needs only customers.
LAYERS = [
    {"core"},
    {"network"},
    {"catalog"},
    {"customers"},
    {"devices"},
    {"contracts"},
    {"billing", "inventory", "notifications", "telephony"},
    {"tickets"},
    {"campaigns", "reports", "portal", "console"},
    {"demo"},  # the demo data set and the run commands: builds on everything
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
TOP_SCREENS = LAYERS[-2] | LAYERS[-1]
INTERFACE_NAMES = {"api", "views", "urls", "admin"}

#: Known violations (importing module, imported module). Empty since the tickets side
#: landed; nothing may be added.
ALLOWED: set[tuple[str, str]] = set()


def _app_of(rel: Path) -> str | None:
    return rel.parts[0] if len(rel.parts) > 1 else None


def _is_interface(rel: Path) -> bool:
    parts = rel.with_suffix("").parts[1:]
    return bool(parts) and (parts[0] in INTERFACE_NAMES or "management" in parts)


def _imports(tree: ast.Module):
    """(module name, line, nested?) for every absolute import of aftersales.*"""
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.count(".") <= 1:  # `from aftersales.billing import services`
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name.startswith("aftersales."):
                yield name, node.lineno, id(node) not in top


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if "migrations" in rel.parts:
            continue
        yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _problems() -> list[str]:
    problems = []
    for rel, tree in _modules():
        app = _app_of(rel)
        if app is None:  # settings, urls, api, wsgi, celery, cli: the project composes all
            continue
        assert app in LEVEL, f"{app} is not placed in LAYERS (tests/test_layers.py)"
        for name, line, nested in _imports(tree):
            target = name.split(".")[1]
            if target == app or (str(rel), name) in ALLOWED:
                continue
            if target != "core" and name.split(".")[2:3] and name.split(".")[2] in INTERFACE_NAMES:
                problems.append(f"{rel}:{line} imports {name} (another app's entry point)")
                continue
            where = f"{rel}:{line} imports {name}"
            if target not in LEVEL:
                problems.append(f"{where} (a project module: only the project imports it)")
                continue
            if nested:
                problems.append(f"{where} inside a function (imports of other apps go on top)")
            if LEVEL[target] < LEVEL[app]:
                continue
            entry_point = name.split(".")[2:3] and name.split(".")[2] in INTERFACE_NAMES
            if (_is_interface(rel) and not entry_point and LEVEL[target] > LEVEL[app]
                    and target not in TOP_SCREENS):
                continue
            problems.append(f"{where} (upward: {app} is below {target})"
                            if LEVEL[target] > LEVEL[app] else
                            f"{where} (same layer: {app} and {target} are peers)")
    return problems


def test_every_app_is_placed_in_a_layer():
    apps = {p.name for p in SRC.iterdir() if (p / "__init__.py").exists()
            and p.name not in {"locale", "templates", "static"}}
    assert apps <= set(LEVEL), sorted(apps - set(LEVEL))


def test_imports_between_apps_go_downward_and_sit_at_the_top():
    assert _problems() == []


def test_the_allow_list_holds_only_live_violations():
    # an entry whose import is gone must leave the list, so the list only shrinks
    live = {(str(rel), name) for rel, tree in _modules() for name, _line, _n in _imports(tree)}
    assert ALLOWED <= live, sorted(ALLOWED - live)


@pytest.mark.parametrize("source, expected", [
    ("from aftersales.billing.services import x\n", "upward"),
    ("def f():\n    from aftersales.core.money import to_money\n", "inside a function"),
    ("from aftersales.inventory import services\n", "peers"),
])
def test_the_checker_sees_a_violation(tmp_path, monkeypatch, source, expected):
    # a fake lower-layer module (network) that breaks the rule is reported
    fake = tmp_path / "aftersales"
    (fake / "network").mkdir(parents=True)
    (fake / "network" / "__init__.py").write_text("")
    if expected == "peers":
        (fake / "billing").mkdir()
        (fake / "billing" / "__init__.py").write_text("")
        (fake / "billing" / "services.py").write_text(source)
    else:
        (fake / "network" / "services.py").write_text(source)
    monkeypatch.setitem(globals(), "SRC", fake)
    problems = _problems()
    assert len(problems) == 1 and expected in problems[0], problems
