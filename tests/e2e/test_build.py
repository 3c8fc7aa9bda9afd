"""The production build carries no source maps: no *.map file, no sourceMappingURL, none served with the page."""

from __future__ import annotations

import re

import httpx

from tests.e2e.stack import DIST, Stack


def test_the_build_holds_no_source_map_and_no_reference_to_one() -> None:
    # The end-to-end tests need the real build anyway; without it this fails (make frontend), it never skips.
    assert (DIST / "index.html").is_file(), f"{DIST} is not built: run make frontend"
    files = [path for path in DIST.rglob("*") if path.is_file()]

    assert [path for path in files if path.suffix == ".map"] == []
    assert [path for path in files if b"sourceMappingURL" in path.read_bytes()] == []


def test_the_served_page_and_its_assets_point_to_no_source_map(stack: Stack) -> None:
    with httpx.Client(base_url=stack.base_url) as client:
        page = client.get("/")
        assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page.text)
        answers = {path: client.get(path) for path in assets}
        maps = {path: client.get(f"{path}.map").status_code for path in assets}

    assert any(path.endswith(".js") for path in assets), page.text
    for path, answer in answers.items():
        assert answer.status_code == 200, path
        assert "sourceMappingURL" not in answer.text, path
        assert not {"sourcemap", "x-sourcemap"} & set(answer.headers), path
    assert set(maps.values()) == {404}, maps
