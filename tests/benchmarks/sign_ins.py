"""The Sign-ins part: a settings read alone and while 50 people sign in at once, with production argon2 parameters.

The real app (its own lifespan) runs with argon2id at time cost 3 and 64 MiB, whatever the rest of the benchmark
uses. A signed-in admin starts a `GET /api/companies/{id}/amazon` every `read_interval_seconds`, whether or not the
previous one has answered (as independent users would), and each read is timed from when it was due: a stalled
event loop delays the start of reads too, and that delay is part of what a user waits. Reads run alone, and during
waves of concurrent sign-ins (each from its own address, of its own user, with the right password) until the wave
is over. Waves alternate between the two ways of hashing: in threads (the app as it is) and in the event loop (as
before: the service's thread hand-off replaced by a direct call), so both are measured side by side in one run.

Import this module only after tests.benchmarks.env.configure(): importing app modules reads the settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgspec
from litestar import Litestar

from app.accounts.service import AccountService
from app.config import get_settings
from app.main import create_app
from app.services import Services
from tests.benchmarks.load import prepare_schema
from tests.benchmarks.measure import Stats
from tests.benchmarks.suite import PASSWORD, signed_in
from tests.helpers import create_company

USERNAME = "bench-sign-ins-admin"
WAVE_USER_PREFIX = "bench-wave-"
COMPANY_CODE = "BENCH-SIGNIN"
THREADS = "threads"
EVENT_LOOP = "event loop"
VARIANTS = (THREADS, EVENT_LOOP)


@dataclass(frozen=True)
class SignInsConfig:
    """Sizes and repetitions of the Sign-ins part, and the argon2 parameters (production's by default)."""

    wave_size: int = 50
    waves: int = 4  # per variant
    read_interval_seconds: float = 0.1  # ten reads a second: a few people at work
    alone_seconds: float = 2.0  # of reads alone before each wave
    hash_time_cost: int = 3
    hash_memory_kib: int = 65536


@dataclass
class WaveResults:
    """Reads timed during the waves of one variant, and the waves themselves."""

    reads: list[float] = field(default_factory=list)
    reads_per_wave: list[int] = field(default_factory=list)
    wave_seconds: list[float] = field(default_factory=list)
    failed_sign_ins: int = 0


@dataclass
class SignInsResults:
    config: SignInsConfig
    verify_seconds: float  # one argon2 check, alone, in this process
    argon2_lanes: int  # argon2's parallelism: the threads one hash uses
    parallel_hashes: int  # how many the app runs at once
    alone: Stats
    during: dict[str, WaveResults]

    def during_stats(self, variant: str) -> Stats:
        return Stats(tuple(self.during[variant].reads))


@contextlib.contextmanager
def hashing_in_the_event_loop(accounts: AccountService) -> Iterator[None]:
    """The service as it was before: argon2 called directly in the coroutine, blocking the loop while it runs."""

    async def directly(work: Callable[..., Any], *args: str) -> Any:
        return work(*args)

    accounts._off_the_event_loop = directly  # type: ignore[method-assign]  # an instance attribute, for this block
    try:
        yield
    finally:
        del accounts._off_the_event_loop  # the class's method again


@contextlib.asynccontextmanager
async def production_hashing_app(config: SignInsConfig) -> AsyncIterator[Litestar]:
    """The real application with the given argon2 parameters, its lifespan held by this task."""
    settings = msgspec.structs.replace(
        get_settings(), password_hash_time_cost=config.hash_time_cost, password_hash_memory_kib=config.hash_memory_kib
    )
    application = create_app(settings)
    async with application.lifespan():
        yield application


def _check(response: httpx.Response, expected: int) -> None:
    if response.status_code != expected:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} {response.text}")


async def sign_in_from(application: Litestar, address: str, username: str) -> bool:
    """One browser, at its own address, signing in; whether it worked."""
    transport = httpx.ASGITransport(app=application, client=(address, 1234))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=application.state.services.config.public_url) as browser:
        response = await browser.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    return response.status_code == 200


async def reads_until(
    finished: Callable[[], bool], read: Callable[[], Awaitable[None]], interval: float
) -> list[float]:
    """Start a read every `interval` seconds until `finished()`; each read's seconds from when it was due."""
    latencies: list[float] = []

    async def timed(due: float) -> None:
        await read()
        latencies.append(time.perf_counter() - due)

    started = time.perf_counter()
    reads: list[asyncio.Task[None]] = []
    while not finished():
        due = started + len(reads) * interval
        # When the loop was blocked, reads that fell due meanwhile start at once, still timed from when they were due.
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        reads.append(asyncio.create_task(timed(due)))
    await asyncio.gather(*reads)
    return latencies


def for_seconds(seconds: float) -> Callable[[], bool]:
    """A condition that turns true `seconds` from now."""
    until = time.perf_counter() + seconds
    return lambda: time.perf_counter() >= until


async def reads_during_wave(
    application: Litestar, read: Callable[[], Awaitable[None]], config: SignInsConfig, wave: int, variant_index: int
) -> tuple[list[float], float, int]:
    """Start a wave of sign-ins and time reads until it is over; (read latencies, wave seconds, failed sign-ins)."""
    started = time.perf_counter()
    wave_task = asyncio.gather(
        *(
            sign_in_from(application, f"10.{variant_index}.{wave}.{n + 1}", f"{WAVE_USER_PREFIX}{n}")
            for n in range(config.wave_size)
        )
    )
    ended: list[float] = []
    wave_task.add_done_callback(lambda _: ended.append(time.perf_counter()))
    reads = await reads_until(wave_task.done, read, config.read_interval_seconds)
    outcomes = await wave_task
    return reads, ended[0] - started, outcomes.count(False)


def one_verify_seconds(accounts: AccountService) -> float:
    """The median of a few argon2 checks with the app's parameters, outside any load."""
    stored = accounts.hasher.hash(PASSWORD)
    durations = []
    for _ in range(5):
        start = time.perf_counter()
        accounts.hasher.verify(stored, PASSWORD)
        durations.append(time.perf_counter() - start)
    return statistics.median(durations)


async def run(config: SignInsConfig, *, fresh_database: bool) -> SignInsResults:
    """The Sign-ins part; on the database of the parts before it unless `fresh_database`."""
    if fresh_database:
        await prepare_schema(get_settings())
    async with production_hashing_app(config) as application, signed_in(application, USERNAME) as admin:
        services: Services = application.state.services
        accounts = services.accounts
        company = await create_company(admin, COMPANY_CODE)
        await asyncio.gather(
            *(accounts.create_user(f"{WAVE_USER_PREFIX}{n}", PASSWORD, "viewer") for n in range(config.wave_size))
        )

        async def read() -> None:
            _check(await admin.get(f"/api/companies/{company['id']}/amazon"), 200)

        for _ in range(10):  # warm-up
            await read()
        alone: list[float] = []
        during = {variant: WaveResults() for variant in VARIANTS}
        for wave in range(config.waves):
            # Variants alternate, and which goes first alternates too, so any drift is shared.
            for variant in VARIANTS if wave % 2 == 0 else tuple(reversed(VARIANTS)):
                alone += await reads_until(for_seconds(config.alone_seconds), read, config.read_interval_seconds)
                hashing = hashing_in_the_event_loop(accounts) if variant == EVENT_LOOP else contextlib.nullcontext()
                with hashing:
                    reads, seconds, failed = await reads_during_wave(
                        application, read, config, wave, VARIANTS.index(variant) + 1
                    )
                results = during[variant]
                results.reads += reads
                results.reads_per_wave.append(len(reads))
                results.wave_seconds.append(seconds)
                results.failed_sign_ins += failed
            print(f"# sign-in wave {wave + 1} of {config.waves} measured", flush=True)
        return SignInsResults(
            config,
            one_verify_seconds(accounts),
            accounts.hasher.parallelism,
            accounts.parallel_hashes,
            Stats(tuple(alone)),
            during,
        )
