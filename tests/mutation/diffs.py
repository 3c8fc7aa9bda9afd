"""`mutmut show NAME` for many mutants in one process (run in a module's folder): prints {name: diff} as JSON."""

from __future__ import annotations

import contextlib
import io
import json
import sys

from mutmut.__main__ import cli


def main(names: list[str]) -> None:
    shown = {}
    for name in names:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            cli.main(["show", name], standalone_mode=False)
        # The first line is mutmut's "# NAME: status" heading; the rest is the diff.
        shown[name] = out.getvalue().split("\n", 1)[1].rstrip("\n")
    json.dump(shown, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
