"""A real arq worker process for the order-import tests and benchmark: the app's WorkerSettings, faster quotas.

python -m tests.integration.workers.worker_process [--usage-plan-speed N] [--slice-seconds S] [--burst]

Amazon's usage plans take a minute per getOrders page past the burst; the simulator can run them N times faster
(its admin API), and this process's shared throttle then uses Amazon's documented quotas times N as well, so the
product paces itself exactly as it would at Amazon, in 1/N of the time. No crons: the test says what runs.
"""

from __future__ import annotations

import argparse

from arq import run_worker

from app.amazon import jobs, throttle
from app.worker import WorkerSettings, worker_redis_settings


def speed_up_quotas(speed: float) -> None:
    """Every documented quota's rate times `speed`, bursts unchanged (as the simulator's usage-plan speed does)."""
    for operation, quota in list(throttle.QUOTAS.items()):
        throttle.QUOTAS[operation] = throttle.Quota(quota.rate * speed, quota.burst)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--usage-plan-speed", type=float, default=1.0)
    parser.add_argument("--slice-seconds", type=float, default=jobs.IMPORT_SLICE_SECONDS)
    parser.add_argument("--burst", action="store_true", help="stop once the queue is empty")
    args = parser.parse_args()
    speed_up_quotas(args.usage_plan_speed)
    jobs.IMPORT_SLICE_SECONDS = args.slice_seconds
    run_worker(
        WorkerSettings,  # type: ignore[arg-type]  # arq types the settings as a dict or a class
        redis_settings=worker_redis_settings(),
        cron_jobs=[],
        burst=args.burst,
        poll_delay=0.05,
    )


if __name__ == "__main__":
    main()
