"""The mutation report (Markdown): the command, how long it took, the score per module, and every survivor."""

from __future__ import annotations

from tests.mutation.results import ModuleResult


def score_table(results: list[ModuleResult]) -> str:
    """The table the README shows: per module, the mutants a test (or mypy) noticed, of all those made."""
    rows = [
        "| module | mutants | killed by a test | refused by mypy | survived | no test | score | time |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        rows.append(_row(f"`{result.module.path}`", [result]))
    if len(results) > 1:
        rows.append(_row("all", results))
    return "\n".join(rows)


def _row(label: str, results: list[ModuleResult]) -> str:
    def count(*statuses: str) -> int:
        return sum(result.counts[status] for result in results for status in statuses)

    total, detected = sum(r.total for r in results), sum(r.detected for r in results)
    checked, unchecked = sum(r.checked for r in results), sum(r.unchecked for r in results)
    score = f"{detected}/{checked} ({100 * detected / checked:.0f}%)" if checked else "-"
    made = f"{total} ({unchecked} not yet checked)" if unchecked else str(total)
    return (
        f"| {label} | {made} | {count('killed', 'timeout', 'segfault')} | {count('caught by type check')} | "
        f"{count('survived', 'suspicious')} | {count('no tests')} | {score} | "
        f"{_duration(sum(r.seconds for r in results))} |"
    )


def markdown(results: list[ModuleResult], command: str, seconds: float, max_children: int | None) -> str:
    explained = sum(1 for r in results for s in r.survivors if s.explained)
    open_ = sum(1 for r in results for s in r.survivors if not s.explained)
    parts = [
        "# Mutation testing report",
        "",
        f"`{command}` (mutmut 3{f', {max_children} mutant(s) at a time' if max_children else ''}) took "
        f"{_duration(seconds)}.",
        "",
        "*killed by a test*: a test failed (or hung: timeouts count here). *refused by mypy*: the mutated file does "
        "not type-check, so the change could not pass `make lint`. *no test*: no test of the module's selection "
        "calls the mutated function. The score counts both kinds of detection. Each module is mutated in its own "
        "folder, `mutants/<module>/`, where mutmut's own commands work (`mutmut show NAME`; `mutmut run NAME` "
        "after adding a test, then `python -m tests.mutation.run --report-only`).",
        "",
        "mutmut counts a test for a function when the test calls it in its own process: what the session's app "
        "fixture does while starting counts for the first test only, and what a server or worker process started "
        "by a test does counts for none (the mutant is active there too, but no test is picked for it).",
        "",
        score_table(results),
        "",
        f"Survivors: {explained} explained (tests/mutation/explained/), {open_} to kill with a test or explain.",
    ]
    for result in results:
        parts += ["", f"## `{result.module.path}`", ""]
        parts.append("Tests: " + ", ".join(f"`{test}`" for test in result.module.tests) + ".")
        if not result.survivors:
            parts += ["", "No survivors."]
        for survivor in result.survivors:
            parts += [
                "",
                f"### line {survivor.line}, `{survivor.function}`: {survivor.status}",
                "",
                f"`{survivor.name}`",
                "",
                f"Explained: {survivor.explained}" if survivor.explained else "Not explained yet.",
                "",
                "```diff",
                survivor.diff,
                "```",
            ]
    return "\n".join(parts) + "\n"


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"
