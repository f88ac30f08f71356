"""The package's layout follows the data flow: no import circle, no stage imports a later one, and the
README's layout names every module where it is."""
import ast
import re
from graphlib import CycleError, TopologicalSorter

import pytest

from helpers.paths import HELPERS_DIR
from tests.test_conventions import readme_section

# Stages in the order data flows through them; a module may import its own stage or an earlier one.
STAGES = {"paths": 0, "disclosure": 0, "ingest": 1, "prepare": 2, "analysis": 3, "present": 4, "chapter": 5,
          "synth": 5, "runner": 6}


def module_name(path) -> str:
    parts = path.relative_to(HELPERS_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path) -> set[str]:
    """Every helpers module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpers"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if (HELPERS_DIR.parent / candidate.replace(".", "/")).with_suffix(".py").exists()
                          or (HELPERS_DIR.parent / candidate.replace(".", "/")).is_dir() else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("helpers")}
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) - {module_name(p)} for p in HELPERS_DIR.rglob("*.py")}


def stage(module: str) -> int:
    parts = module.split(".")
    return STAGES[parts[1]] if len(parts) > 1 else 0


def test_every_module_belongs_to_a_stage(graph):
    assert all(len(m.split(".")) == 1 or m.split(".")[1] in STAGES for m in graph)


def test_no_import_circle(graph):
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as err:
        pytest.fail(f"import circle: {' -> '.join(err.args[1])}")


def test_no_stage_imports_a_later_one(graph):
    backwards = sorted(f"{m} imports {i}" for m, imported in graph.items() for i in imported if stage(i) > stage(m))
    assert not backwards, backwards



def readme_layout() -> dict[str, str]:
    """The README's layout of src/helpers: each entry (a module, or a folder with its modules) and its text."""
    lines = readme_section("Layout").split("src/helpers/", 1)[1].splitlines()[1:]
    entries: dict[str, str] = {}
    for line in lines:
        if not line.startswith(" "):
            break
        if entry := re.match(r"^  (\S+)", line):
            name = entry.group(1)
        entries[name] = entries.get(name, "") + line
    return entries


def test_the_readmes_layout_names_every_module_where_it_is():
    entries, modules = readme_layout(), {p for p in HELPERS_DIR.rglob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    folders = {d for d in HELPERS_DIR.iterdir() if d.is_dir() and d.name != "__pycache__"}
    assert set(entries) == {p.name for p in modules if p.parent == HELPERS_DIR} | {f"{d.name}/" for d in folders}
    for folder in folders:
        named = set(re.findall(r"\b\w+\.py\b", entries[f"{folder.name}/"]))
        assert named == {p.name for p in modules if p.parent == folder}, folder.name
        subfolders = {d.relative_to(folder).as_posix() for d in folder.rglob("*") if d.is_dir() and d.name != "__pycache__"}
        assert all(f"{d.rsplit('/', 1)[-1]}/" in entries[f"{folder.name}/"] for d in subfolders), subfolders
