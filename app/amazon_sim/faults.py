"""Injected faults: the next calls to LWA or SP-API fail, stall or answer garbage, as real networks do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FaultTarget = Literal["lwa", "sp-api"]
FaultKind = Literal["error", "latency", "timeout", "malformed", "throttle"]
DEFAULT_LATENCY_SECONDS = 1.0
DEFAULT_TIMEOUT_SECONDS = 30.0


@dataclass(slots=True)
class Fault:
    """A fault armed for the next `remaining` calls to its target (and operation, when given)."""

    target: FaultTarget
    kind: FaultKind
    status: int
    seconds: float
    remaining: int
    operation: str | None = None

    def applies_to(self, target: FaultTarget, operation: str | None) -> bool:
        return self.remaining > 0 and self.target == target and self.operation in (None, operation)


class FaultBoard:
    """The armed faults, consumed in the order they were armed."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def arm(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        self.faults.clear()

    def take(self, target: FaultTarget, operation: str | None = None) -> Fault | None:
        """The fault that hits this call, if any; it then has one call fewer to go."""
        for fault in self.faults:
            if fault.applies_to(target, operation):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self.faults.remove(fault)
                return fault
        return None
