"""What a module's mutmut run found: every mutant's status (`mutmut results`), and each survivor's diff and line."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.mutation.explained import explanation
from tests.mutation.modules import Module

# mutmut's statuses: those that mean a test (or mypy, or a hang) noticed the mutant, and those that mean nothing did.
DETECTED = ("killed", "timeout", "caught by type check", "segfault")
UNDETECTED = ("survived", "no tests", "suspicious")
_HUNK = re.compile(r"^@@ -(\d+)")


@dataclass(frozen=True)
class Survivor:
    name: str  # mutmut's name of the mutant (`mutmut show NAME` in the module's folder)
    status: str
    function: str
    line: int
    diff: str
    explained: str | None  # why it cannot or need not be killed, from tests/mutation/explained/


@dataclass
class ModuleResult:
    module: Module
    seconds: float
    tests_run: int
    counts: Counter[str] = field(default_factory=Counter)
    survivors: list[Survivor] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def detected(self) -> int:
        return sum(self.counts[status] for status in DETECTED)

    @property
    def checked(self) -> int:
        return self.detected + sum(self.counts[status] for status in UNDETECTED)

    @property
    def unchecked(self) -> int:
        """Mutants without a verdict: the run was stopped (or mutmut skipped them) before their tests ran."""
        return self.total - self.checked

    @property
    def score(self) -> float:
        return 100.0 * self.detected / self.checked if self.checked else 0.0


def statuses(folder: Path) -> dict[str, str]:
    """Every mutant of the folder's module and its status, as `mutmut results --all true` lists them."""
    listed = _mutmut(folder, "results", "--all", "true")
    found = {}
    for line in listed.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def survivors(folder: Path, module: Module, found: dict[str, str]) -> list[Survivor]:
    names = sorted((name for name, status in found.items() if status in UNDETECTED), key=_natural)
    if not names:
        return []
    done = subprocess.run(  # noqa: S603 (this interpreter, this project's module)
        [sys.executable, "-m", "tests.mutation.diffs", *names], cwd=folder, capture_output=True, text=True, check=True
    )
    diffs: dict[str, str] = json.loads(done.stdout)
    source = (folder / module.path).read_text()
    found_survivors = []
    for name in names:
        function = _function(name)
        diff = diffs[name]
        found_survivors.append(
            Survivor(
                name=name,
                status=found[name],
                function=function.replace("ǁ", "."),
                line=_line(source, function, diff),
                diff=diff,
                explained=explanation(module.path, function.rsplit("ǁ", 1)[-1], diff),
            )
        )
    return found_survivors


def tests_run(folder: Path) -> int:
    """How many tests mutmut ran to learn which test calls which function (0: none, the run is useless)."""
    stats = folder / "mutants" / "mutmut-stats.json"
    if not stats.exists():
        return 0
    return len(json.loads(stats.read_text()).get("duration_by_test", {}))


def _mutmut(folder: Path, *arguments: str) -> str:
    command = [str(Path(sys.executable).with_name("mutmut")), *arguments]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=True).stdout  # noqa: S603


def _function(name: str) -> str:
    """`app.amazon.retry.xǁBackoffǁdelay__mutmut_6` → `Backoffǁdelay`; `…x_with_backoff__mutmut_3` → `with_backoff`."""
    mangled = name.rsplit(".", 1)[1].rsplit("__mutmut_", 1)[0]
    return mangled[2:] if mangled.startswith("xǁ") else mangled.removeprefix("x_")


def _line(source: str, function: str, diff: str) -> int:
    """The line of the source file the diff changes first (mutmut's diffs count lines from the function's start)."""
    start = _function_start(source, function.split("ǁ"))
    offset, removed = 0, None
    for text in diff.splitlines():
        if match := _HUNK.match(text):
            offset = int(match.group(1)) - 1
        elif text.startswith("-") and not text.startswith("---"):
            removed = text[1:].strip()
            break
        elif text.startswith(" "):
            offset += 1
    line = start + offset
    lines = source.splitlines()
    if removed is not None and not (0 < line <= len(lines) and lines[line - 1].strip() == removed):
        # Decorators or a different dedent: the nearest line with the removed text is the one.
        candidates = [number for number, text in enumerate(lines, 1) if text.strip() == removed]
        if candidates:
            line = min(candidates, key=lambda number: abs(number - line))
    return line


def _function_start(source: str, path: list[str]) -> int:
    body: list[ast.stmt] = ast.parse(source).body
    node: ast.stmt | None = None
    for part in path:
        node = next(
            (
                n
                for n in body
                if isinstance(n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and n.name == part
            ),
            None,
        )
        if node is None:
            return 0
        body = node.body  # type: ignore[attr-defined]
    assert node is not None
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _natural(name: str) -> tuple[str, int]:
    base, _, number = name.rpartition("__mutmut_")
    return base, int(number) if number.isdigit() else 0
