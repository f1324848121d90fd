"""The floor plan: apps are floors, and code only ever looks down.

Floors, bottom to top: core < teams < signin < notifications < rubrics < qa < checklists <
scripts_library < training < integrations < reports < ethicskit.

1. A module of an app imports only its own app or apps on lower floors. Every import counts:
   module level or function-local, absolute or relative, migrations and management commands too.
   So no app imports the top floor, ethicskit (not even ethicskit.settings: use django.conf).
2. There are no import cycles between project modules.
3. No module outside migrations/ and tests/ runs over MAX_LINES lines.

bench/, tests/ and manage.py stand outside the floors and are not checked. An app that does not
exist (yet) simply has no modules. The checks read source with `ast`; nothing is imported.
"""

import ast
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path

FLOORS = (
    "core",
    "teams",
    "signin",
    "notifications",
    "rubrics",
    "qa",
    "calibration",
    "checklists",
    "cases",
    "scripts_library",
    "training",
    "integrations",
    "reports",
    "ethicskit",
)
FLOOR_OF = {app: level for level, app in enumerate(FLOORS)}
MAX_LINES = 500
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name, e.g. "rubrics.services"
    path: str  # file path relative to the root, e.g. "rubrics/services.py"
    line: int
    target: str  # dotted module name imported, e.g. "teams.models"

    def __str__(self):
        return f"{self.path}:{self.line} imports {self.target}"


def discover_modules(root):
    """Map each module of the floor apps under root to its file; a missing app adds none."""
    modules = {}
    for app in FLOORS:
        for path in sorted((root / app).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if not all(re.fullmatch(r"\w+", part) for part in parts):
                continue  # not importable, e.g. a folder like "some-assets"; migrations are fine
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _resolve(name, known):
    """The longest prefix of a dotted name that is a known project module, else the name."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return name


def _base_package(module, path, node):
    """The absolute package a relative `from` import starts from, or None if it escapes."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if node.level - 1 >= len(package):
        return None
    package = package[: len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def imports_of(module, path, root, known):
    """Every import in one file (at any depth), as absolute dotted module names."""
    relative_path = path.relative_to(root).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [_resolve(alias.name, known) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base_package(module, path, node) if node.level else node.module
            if not base:
                continue
            # `from pkg import name` imports the module pkg.name if there is one, else pkg.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else _resolve(base, known)
                for alias in node.names
            ]
        else:
            continue
        found += [Import(module, relative_path, node.lineno, target) for target in targets]
    return found


def collect_imports(root, modules):
    found = []
    for module, path in sorted(modules.items()):
        found += imports_of(module, path, root, set(modules))
    # `from pkg.models import (A, B)` is one import of pkg.models, not two.
    return sorted(set(found), key=lambda imp: (imp.path, imp.line, imp.target))


def upward_imports(imports):
    """Rule 1: each import of an app on a higher floor than the importing module's own."""
    offences = []
    for imp in imports:
        source, target = imp.importer.split(".")[0], imp.target.split(".")[0]
        if target in FLOOR_OF and FLOOR_OF[target] > FLOOR_OF[source]:
            offences.append(f"{imp} (floor {source} -> floor {target})")
    return offences


def _strongly_connected(graph):
    """Tarjan's algorithm: the strongly connected components of a {node: set(nodes)} graph."""
    index, lowlink, on_stack, stack, components = {}, {}, set(), [], []

    def visit(node):
        index[node] = lowlink[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                lowlink[node] = min(lowlink[node], lowlink[successor])
            elif successor in on_stack:
                lowlink[node] = min(lowlink[node], index[successor])
        if lowlink[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _shortest_cycle_through(start, graph, members):
    """A shortest path start -> ... -> start that stays inside one component."""
    previous = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in sorted(graph.get(node, ())):
            if successor not in members or successor in previous:
                continue
            previous[successor] = node
            if successor == start:
                path = [start]
                while path[-1] != start or len(path) == 1:
                    path.append(previous[path[-1]])
                return path[::-1]
            queue.append(successor)
    return [start, start]


def import_cycles(imports, modules):
    """Rule 2: one message per group of project modules that import each other in a loop."""
    graph, evidence = {}, {}
    for imp in imports:
        if imp.target in modules:
            graph.setdefault(imp.importer, set()).add(imp.target)
            evidence.setdefault((imp.importer, imp.target), imp)
    offences = []
    for component in _strongly_connected(graph):
        if len(component) == 1 and component[0] not in graph.get(component[0], ()):
            continue
        cycle = _shortest_cycle_through(component[0], graph, set(component))
        steps = [str(evidence[edge]) for edge in zip(cycle, cycle[1:], strict=False)]
        offences.append(
            f"cycle among {len(component)} module(s): {', '.join(component)}\n"
            f"    e.g. {' -> '.join(cycle)}\n      " + "\n      ".join(steps)
        )
    return offences


def oversized_modules(root, modules):
    """Rule 3: modules longer than MAX_LINES, outside migrations/ and tests/ folders."""
    offences = []
    for path in sorted(modules.values()):
        relative = path.relative_to(root)
        if {"migrations", "tests"} & set(relative.parts[:-1]):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            offences.append(f"{relative.as_posix()}: {lines} lines (limit {MAX_LINES})")
    return offences


@dataclass
class Report:
    modules: dict
    upward: list
    cycles: list
    oversized: list


def check_architecture(root):
    modules = discover_modules(root)
    imports = collect_imports(root, modules)
    return Report(
        modules=modules,
        upward=upward_imports(imports),
        cycles=import_cycles(imports, modules),
        oversized=oversized_modules(root, modules),
    )


def _failure(title, offences):
    return f"{len(offences)} {title}:\n  " + "\n  ".join(offences)


def test_the_checker_sees_the_project():
    # Guards against a path mistake that would make every other check pass vacuously.
    assert len(discover_modules(ROOT)) > 20


def test_apps_import_only_their_own_floor_or_lower():
    offences = check_architecture(ROOT).upward
    assert not offences, _failure(f"upward import(s); floors: {' < '.join(FLOORS)}", offences)


def test_no_import_cycles_between_project_modules():
    offences = check_architecture(ROOT).cycles
    assert not offences, _failure("import cycle(s)", offences)


def test_no_module_is_too_long():
    offences = check_architecture(ROOT).oversized
    assert not offences, _failure(f"module(s) over {MAX_LINES} lines", offences)


def test_checker_reports_upward_imports_cycles_and_long_modules(tmp_path):
    files = {
        "core/__init__.py": "",
        "core/a.py": "def later():\n    from teams.b import thing\n",
        "teams/__init__.py": "",
        "teams/b.py": "from . import c\nthing = 1\n",
        "teams/c.py": "import teams.b\nfrom core import a\n",
        "teams/migrations/0001_initial.py": "from rubrics import models\n" + "x = 1\n" * 600,
        "rubrics/__init__.py": "",
        "rubrics/models.py": "from teams import b\n" + "x = 1\n" * 600,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)

    report = check_architecture(tmp_path)

    assert report.upward == [
        "core/a.py:2 imports teams.b (floor core -> floor teams)",
        "teams/migrations/0001_initial.py:1 imports rubrics.models (floor teams -> floor rubrics)",
    ]
    assert len(report.cycles) == 1
    assert report.cycles[0].startswith("cycle among 3 module(s): core.a, teams.b, teams.c\n")
    assert "teams/b.py:1 imports teams.c" in report.cycles[0]
    assert report.oversized == [f"rubrics/models.py: 601 lines (limit {MAX_LINES})"]
