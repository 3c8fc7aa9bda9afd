"""Run the simulator on its own: python -m app.amazon_sim --host 127.0.0.1 --port 8100 --public-url URL."""

from __future__ import annotations

import argparse
import os

import uvicorn

from app.amazon_sim.app import create_simulator_app, warn_if_reachable_from_other_machines
from app.config import is_loopback_host
from app.lib.logs import configure_logging


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.amazon_sim", description="The Amazon SP-API simulator.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8100, help="port to listen on (default 8100)")
    parser.add_argument(
        "--public-url",
        default="http://127.0.0.1:8000",
        help="the ERP's public base URL: the default apps' redirect and Log-in URIs point there",
    )
    args = parser.parse_args(argv)
    configure_logging("INFO", "json" if os.environ.get("LOG_FORMAT") == "json" else "text")
    warn_if_reachable_from_other_machines(
        f"ON {args.host}:{args.port}, WHICH OTHER MACHINES CAN REACH",
        "listen on this machine only (--host 127.0.0.1)",
        reachable=not is_loopback_host(args.host),
    )
    # The simulator logs requests itself (without their queries); uvicorn's access log would repeat each one.
    uvicorn.run(
        create_simulator_app(args.public_url), host=args.host, port=args.port, access_log=False, log_config=None
    )


if __name__ == "__main__":
    main()
