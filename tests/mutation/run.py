"""`make mutants`: mutmut 3 over each module of tests/mutation/modules.py with its tests, then the report.

    python -m tests.mutation.run [--module NAME ...] [--max-children N] [--report PATH] [--report-only]

Each module runs in its own folder under mutants/ (tests/mutation/workdir.py). The report lists every mutant no test
noticed, with its diff and line, and prints the score table the README shows. Exits 1 when mutmut could not run a
module as asked: mutmut failed, no mutant was made, no test ran, or mutants were left without a verdict (a stopped
run: it is reported as far as it went, and `mutmut run` in the module's folder goes on where it stopped).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path

from tests.mutation.modules import Module, selected
from tests.mutation.report import markdown, score_table
from tests.mutation.results import ModuleResult, statuses, survivors, tests_run
from tests.mutation.workdir import OUTPUT, ROOT, prepare, write_preload_list


class MutationRunFailed(Exception):
    """mutmut did not give a module's mutants a verdict: the score would mean nothing."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", default=[], help="only this module (repeatable)")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested at the same time (default 2)")
    parser.add_argument("--report", type=Path, default=ROOT / "mutants-report.md", help="where the report goes")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="write the report from the folders an earlier run left (after `mutmut run NAME` there, or a new "
        "explanation), running nothing",
    )
    args = parser.parse_args(argv)
    modules = selected(args.module)
    command = " ".join(["python -m tests.mutation.run", *sys.argv[1:]] if argv is None else [*argv])
    OUTPUT.mkdir(exist_ok=True)
    started = time.monotonic()
    preload = OUTPUT / "preload.txt"
    if not args.report_only:
        print(f"mutants: {write_preload_list(modules, preload)} modules for mutmut's fork server to import once")
    results: list[ModuleResult] = []
    failures: list[str] = []
    for module in modules:
        print(f"mutants: {module.name} ({module.path}) with {' '.join(module.tests)}", flush=True)
        try:
            if args.report_only:
                result = collect(module, OUTPUT / module.name, _earlier_seconds(module))
            else:
                result = run_module(module, preload, args.max_children)
        except MutationRunFailed as failure:
            failures.append(str(failure))
            print(f"mutants: {failure}", file=sys.stderr, flush=True)
            continue
        results.append(result)
        print(f"mutants: {module.name}: {result.detected}/{result.checked} killed ({result.score:.0f}%)", flush=True)
        if result.unchecked:
            # Reported as far as it went, and an error: `mutmut run` in the folder goes on where it stopped.
            failures.append(f"{module.name}: {result.unchecked} of {result.total} mutants have no verdict yet")
    seconds = time.monotonic() - started
    if args.report_only:  # the report tells of the runs that made the verdicts
        seconds, command = sum(r.seconds for r in results), command.replace(" --report-only", "")
    args.report.write_text(markdown(results, command, seconds, None if args.report_only else args.max_children))
    print()
    print(score_table(results))
    print(f"\nmutants: report in {args.report}, {time.monotonic() - started:.0f} s in all")
    for failure in failures:
        print(f"mutants: FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


def run_module(module: Module, preload: Path, max_children: int) -> ModuleResult:
    folder = prepare(module, preload)
    log = folder / "mutmut.log"
    # The tests' own temporary folders (their SQLite files, the embedded Redis's socket) go into one of this run:
    # whatever a mutant's tests left running when mutmut stopped them is found there and ended.
    scratch = Path(tempfile.mkdtemp(prefix="mutants-"))
    started = time.monotonic()
    try:
        with log.open("w") as output:
            done = subprocess.run(  # noqa: S603 (mutmut of this environment, fixed arguments)
                [str(Path(sys.executable).with_name("mutmut")), "run", "--max-children", str(max_children)],
                cwd=folder,
                env={**os.environ, "TMPDIR": str(scratch)},
                stdout=output,
                stderr=subprocess.STDOUT,
                check=False,
            )
    finally:
        end_leftovers(scratch)
        shutil.rmtree(scratch, ignore_errors=True)
    seconds = time.monotonic() - started
    (folder / "seconds").write_text(f"{seconds:.1f}\n")
    if done.returncode != 0:
        raise MutationRunFailed(
            f"{module.name}: mutmut exited with {done.returncode}:\n{_tail(log)}\n(all of it: {log})"
        )
    return collect(module, folder, seconds)


def collect(module: Module, folder: Path, seconds: float) -> ModuleResult:
    """The verdicts mutmut left in a module's folder; an error when they do not make a score."""
    if not (folder / "mutants").is_dir():
        raise MutationRunFailed(f"{module.name}: {folder} holds no mutmut run")
    # The tests that run used (the table may have changed since).
    used = tomllib.loads((folder / "pyproject.toml").read_text())["tool"]["mutmut"]
    module = dataclasses.replace(module, tests=tuple(used["pytest_add_cli_args_test_selection"]))
    found = statuses(folder)
    counts = Counter(found.values())
    ran = tests_run(folder)
    if not found:
        raise MutationRunFailed(f"{module.name}: mutmut made no mutant of {module.path}")
    if ran == 0 or counts["no tests"] == len(found):
        raise MutationRunFailed(f"{module.name}: no test of {' '.join(module.tests)} ran {module.path}")
    return ModuleResult(module, seconds, ran, counts, survivors(folder, module, found))


def _earlier_seconds(module: Module) -> float:
    """How long the folder's run took (so far, for a run still going or stopped: its log's last write)."""
    folder = OUTPUT / module.name
    if (folder / "seconds").exists():
        return float((folder / "seconds").read_text())
    if (folder / "mutmut.log").exists():
        return (folder / "mutmut.log").stat().st_mtime - (folder / "pyproject.toml").stat().st_mtime
    return 0.0


def end_leftovers(scratch: Path) -> None:
    """End the processes this run's tests started and left running: their environment or their command line names
    `scratch` (redis-server writes its title over its environment, but its socket there is on its command line)."""
    mine, folder = f"TMPDIR={scratch}".encode(), f"{scratch}/".encode()
    leftovers = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            ours = mine in (entry / "environ").read_bytes().split(b"\0") or folder in (entry / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if ours:
            leftovers.append(int(entry.name))
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in leftovers):
            time.sleep(0.1)


def _tail(log: Path, lines: int = 40) -> str:
    """The log's last lines, without mutmut's progress spinner."""
    text = log.read_text(errors="replace").replace("\r", "\n")
    return "\n".join([line for line in text.splitlines() if line.strip()][-lines:])


if __name__ == "__main__":
    sys.exit(main())
