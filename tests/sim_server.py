"""Run the Amazon simulator (or any ASGI app) with uvicorn on a free local port, in a background thread."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import uvicorn

from app.amazon_sim import create_simulator_app
from app.lib.logs import redact_request_lines

START_TIMEOUT_SECONDS = 10.0


@contextlib.contextmanager
def running_simulator(public_url: str) -> Iterator[str]:
    """A fresh standalone simulator whose default apps redirect to `public_url`; yields its base URL."""
    with running_asgi_app(create_simulator_app(public_url), ready_path="/_admin/clock") as base_url:
        yield base_url


@contextlib.contextmanager
def running_asgi_app(app: Any, ready_path: str) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 at a free port until the block ends; yields http://127.0.0.1:PORT.

    Returns only once GET `ready_path` answers; on exit, requests still running get one second to finish.
    """
    # Its lines reach the tests' captured logs (and their reports): the same redaction as the real server's.
    redact_request_lines()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="auto", timeout_graceful_shutdown=1, ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(server, thread, base_url + ready_path)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)
        sock.close()


def _wait_until_answering(server: uvicorn.Server, thread: threading.Thread, url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError(f"The server for {url} stopped while starting.")
        if server.started:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url, timeout=1.0, trust_env=False).status_code < 500:
                    return
        time.sleep(0.02)
    raise RuntimeError(f"The server for {url} did not answer within {START_TIMEOUT_SECONDS} s.")
