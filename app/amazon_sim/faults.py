"""Injected faults: the next calls to LWA or SP-API fail, stall or answer garbage, as networks do; refreshes held."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Literal

FaultTarget = Literal["lwa", "sp-api"]
FaultKind = Literal["error", "latency", "timeout", "malformed", "throttle"]
DEFAULT_LATENCY_SECONDS = 1.0
DEFAULT_TIMEOUT_SECONDS = 30.0
# A hold nobody releases lets its requests go on after this long, rather than keep their clients forever.
HOLD_LIMIT_SECONDS = 120.0


@dataclass(slots=True)
class Fault:
    """A fault armed for the next `remaining` calls to its target (and operation, when given)."""

    target: FaultTarget
    kind: FaultKind
    status: int
    seconds: float
    remaining: int
    operation: str | None = None
    retry_after: float | None = None  # sent as Retry-After with the fault's answer (throttle and error kinds)

    def applies_to(self, target: FaultTarget, operation: str | None) -> bool:
        return self.remaining > 0 and self.target == target and self.operation in (None, operation)


class RefreshHold:
    """While on, LWA's refresh_token grants arrive (and are counted) but wait; releasing answers them all together.

    Races between callers (several processes refreshing one token) become certain instead of likely: the test sees
    how many wait, makes the others ask meanwhile, then lets every waiting refresh go at once.
    """

    def __init__(self) -> None:
        self.holding = False
        self._waiters: list[asyncio.Future[None]] = []

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def hold(self) -> None:
        self.holding = True

    def release(self) -> int:
        """Stop holding and let every waiting refresh go on; returns how many were waiting."""
        self.holding = False
        released, self._waiters = self._waiters, []
        for waiter in released:
            if not waiter.done():
                waiter.set_result(None)
        return len(released)

    async def wait(self) -> None:
        """Returns at once when not holding; else when released (or after HOLD_LIMIT_SECONDS)."""
        if not self.holding:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, HOLD_LIMIT_SECONDS)
        finally:
            if waiter in self._waiters:  # timed out, or its client went away
                self._waiters.remove(waiter)


class FaultBoard:
    """The armed faults, consumed in the order they were armed, and the hold on refreshes."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.refresh_hold = RefreshHold()

    def arm(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        """Disarm every fault and release every held refresh."""
        self.faults.clear()
        self.refresh_hold.release()

    def take(self, target: FaultTarget, operation: str | None = None) -> Fault | None:
        """The fault that hits this call, if any; it then has one call fewer to go."""
        for fault in self.faults:
            if fault.applies_to(target, operation):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self.faults.remove(fault)
                return fault
        return None
