"""One folder per module under mutants/: the project linked in, and a pyproject.toml whose [tool.mutmut] names it.

mutmut reads its configuration from the pyproject.toml of the folder it runs in and copies what it mutates to
`mutants/` there. Each module gets a folder of its own (`mutants/<name>/`), in which `app`, `tests` and
`piccolo_conf.py` link to the project's own and pyproject.toml is the project's with [tool.mutmut] completed for
that module: the shared settings of the project's [tool.mutmut], the module as `only_mutate`, its tests as the
test selection. mutmut's own commands (`mutmut results`, `mutmut show NAME`, `mutmut run NAME`) work in that folder.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from tests.mutation.modules import Module

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "mutants"
LINKED = ("app", "tests", "piccolo_conf.py")
# Errors in the mutated file only (mutmut matches each to a mutant), as JSON; mutmut's generated lines carry ignores.
_MYPY_OPTIONS = ("--output", "json", "--follow-imports=silent", "--disable-error-code", "unused-ignore")
_SECTION = re.compile(r"^\[tool\.mutmut\][^\n]*\n(?:(?!\[)[^\n]*\n?)*", re.MULTILINE)


def prepare(module: Module, preload: Path) -> Path:
    """A fresh folder for the module (whatever an earlier run left there is removed)."""
    folder = OUTPUT / module.name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in LINKED:
        (folder / name).symlink_to(Path("..", "..", name))
    (folder / "pyproject.toml").write_text(module_pyproject(module, preload))
    return folder


def module_pyproject(module: Module, preload: Path) -> str:
    """The project's pyproject.toml with [tool.mutmut] completed for `module`."""
    text = (ROOT / "pyproject.toml").read_text()
    shared = tomllib.loads(text).get("tool", {}).get("mutmut")
    if not shared:
        raise SystemExit("pyproject.toml has no [tool.mutmut] section: mutmut's shared settings live there")
    settings = {
        **shared,
        "only_mutate": [module.path],
        "pytest_add_cli_args_test_selection": list(module.tests),
        "preload_modules_file": str(preload),
        # A mutant mypy refuses can never pass `make lint`: mypy checks the mutated file first, and such mutants
        # count as caught without running a test.
        "type_check_command": [sys.executable, "-m", "mypy", module.path, *_MYPY_OPTIONS],
    }
    section = "[tool.mutmut]\n" + "".join(f"{key} = {_toml(value)}\n" for key, value in settings.items()) + "\n"
    completed = _SECTION.sub(lambda _: section, text, count=1)
    assert tomllib.loads(completed)["tool"]["mutmut"] == settings
    return completed


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: JSON's escapes are TOML's
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    raise TypeError(f"[tool.mutmut] value of an unexpected type: {value!r}")


def write_preload_list(modules: tuple[Module, ...], path: Path) -> int:
    """The third-party modules the tests import, for mutmut's fork server to import once (`forkserver_warmup`).

    Found by collecting the selected tests in a process of their own. The project's own modules are left out: each
    mutant's process imports `app` (mutated) and `tests` (whose conftest prepares a database of its own) itself.
    """
    tests = sorted({argument for module in modules for argument in module.tests})
    script = (
        "import sys, pytest\n"
        "code = pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', *sys.argv[1:]])\n"
        "names = [n for n in sys.modules if n.split('.')[0] not in ('app', 'tests', '__main__', 'mutmut')]\n"
        "print('\\n'.join(['#modules'] + names))\n"
        "sys.exit(int(code))\n"
    )
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-c", script, *tests], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or "#modules" not in done.stdout:
        raise SystemExit(f"collecting the selected tests failed:\n{done.stdout[-4000:]}{done.stderr[-4000:]}")
    names = done.stdout.split("#modules\n", 1)[1].split()
    path.write_text("\n".join(names) + "\n")
    return len(names)
