"""The README's benchmark commands run after `scripts/start`, which installs Loudong without the test
extras: every benchmark it names exists, and imports nothing but the standard library, Loudong, the
other benchmarks and Loudong's own dependencies (a `requests` import broke two of them)."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def base_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {normalized(re.split(r"[\[=<>~! ]", requirement)[0]) for requirement in project["dependencies"]}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_benchmark_the_readme_names_exists():
    named = re.findall(r"benchmarks/(\w+\.py)", (ROOT / "README.md").read_text())
    assert len(named) >= 7
    assert [name for name in named if not (ROOT / "benchmarks" / name).exists()] == []


def test_benchmarks_import_only_what_a_plain_install_has():
    ours = {"loudong", "config"} | {p.stem for p in (ROOT / "benchmarks").glob("*.py")}
    installed = base_distributions()
    distributions = packages_distributions()
    missing = sorted(
        f"{path.name}: {module}"
        for path in (ROOT / "benchmarks").glob("*.py")
        for module in imported_modules(path)
        if module not in ours
        and module not in sys.stdlib_module_names
        and not {normalized(d) for d in distributions.get(module, [])} & installed
    )
    assert missing == []
