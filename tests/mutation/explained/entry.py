"""One explained survivor: the module, the function, the changed line before and after, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Explained:
    module: str
    function: str  # the function's or method's own name
    before: str
    after: str
    reason: str
