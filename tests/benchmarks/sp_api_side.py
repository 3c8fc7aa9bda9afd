"""python-amazon-sp-api's cached access-token path, for comparison with TokenProvider (benchmark only).

The library is not a dependency of the project: install it in the virtualenv for the benchmark with
`.venv/bin/pip install "python-amazon-sp-api==2.1.35"`. Without it the comparison is skipped.

Its clients get the token through `AccessTokenClient.get_auth()` (sp_api.auth for the synchronous clients,
sp_api.asyncio.auth for the asyncio ones): an md5 cache key of the refresh token, a lookup in a module-level
`cachetools.TTLCache`, and an `AccessTokenResponse` built from the cached dict. On a miss it POSTs to
`scheme + host + path`. We point those class attributes at the simulator on the instance, call `get_auth()` once
(one real refresh at the simulator fills the library's own cache), and then time cache hits only.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

INSTALL_HINT = 'pip install "python-amazon-sp-api==2.1.35"'
# In this order: importing sp_api.asyncio.auth first fails on a circular import inside the library (2.1.35);
# its own asyncio API modules load sp_api.asyncio.base first, which works.
LIBRARY_MODULES = ("sp_api.auth", "sp_api.asyncio.base", "sp_api.asyncio.auth")


@dataclass
class SpApiClients:
    """Primed synchronous and asyncio AccessTokenClients, and the library's version."""

    version: str
    sync: Any
    asyncio: Any

    async def close(self) -> None:
        await self.asyncio.aclose()
        await asyncio.to_thread(self.sync._transport.close)


def unavailable_reason() -> str | None:
    """Why the comparison cannot run, or None when the library is importable."""
    try:
        for module in LIBRARY_MODULES:
            importlib.import_module(module)
    except ImportError as missing:
        return f"python-amazon-sp-api is not importable ({missing}); {INSTALL_HINT} to compare"
    return None


def _point_at(client: Any, lwa_token_url: str) -> None:
    """Send the client's token requests to `lwa_token_url` (instance attributes shadow the class's)."""
    parts = urlsplit(lwa_token_url)
    client.scheme, client.host, client.path = f"{parts.scheme}://", parts.netloc, parts.path


async def primed_clients(lwa_token_url: str, client_id: str, client_secret: str, refresh_token: str) -> SpApiClients:
    """Both AccessTokenClients for this refresh token, each with its cache filled by one real refresh."""
    for module in LIBRARY_MODULES:
        importlib.import_module(module)
    from sp_api.asyncio.auth import AccessTokenClient as AsyncAccessTokenClient  # type: ignore[import-untyped]
    from sp_api.auth import AccessTokenClient  # type: ignore[import-untyped]

    credentials = SimpleNamespace(lwa_app_id=client_id, lwa_client_secret=client_secret, refresh_token=refresh_token)
    sync_client = AccessTokenClient(refresh_token=refresh_token, credentials=credentials)
    async_client = AsyncAccessTokenClient(refresh_token=refresh_token, credentials=credentials)
    for client in (sync_client, async_client):
        _point_at(client, lwa_token_url)
    # The synchronous client blocks: run its one real request off the event loop.
    sync_token = (await asyncio.to_thread(sync_client.get_auth)).access_token
    async_token = (await async_client.get_auth()).access_token
    if not sync_token or not async_token:
        raise RuntimeError("python-amazon-sp-api did not get an access token from the simulator")
    return SpApiClients(importlib.metadata.version("python-amazon-sp-api"), sync_client, async_client)
