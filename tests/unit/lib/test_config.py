"""Settings are read from the environment once, and a malformed value stops start-up naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import load_settings


def test_defaults_are_the_embedded_ones() -> None:
    settings = load_settings({})

    assert settings.database_url is None
    assert settings.uses_postgres is False
    assert settings.database_path.name == "erp-settings.sqlite3"
    assert settings.edit_idle_minutes == 120


def test_values_are_converted_from_strings(tmp_path: Path) -> None:
    settings = load_settings(
        {"PORT": "9000", "DATABASE_URL": "postgresql://u@h/db", "SQLITE_PATH": str(tmp_path / "x.db"), "DEBUG": "true"}
    )

    assert settings.port == 9000
    assert settings.uses_postgres is True
    assert settings.database_path == tmp_path / "x.db"
    assert settings.debug is True


def test_malformed_value_names_the_variable() -> None:
    with pytest.raises(SystemExit, match="port"):
        load_settings({"PORT": "eighty"})
