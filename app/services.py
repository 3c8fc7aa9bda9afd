"""The composition root: one place that builds the services for requests, jobs and the CLI alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.accounts.service import AccountService
from app.amazon.connections import ConnectionService
from app.amazon.settings import SettingsService
from app.audit.service import AuditService
from app.companies.hierarchy import HierarchyService
from app.companies.service import CompanyService
from app.config import Settings
from app.editing.presence import DraftPresence
from app.editing.service import EditService
from app.lib.clock import Clock, SystemClock
from app.lib.crypto import Keyring, load_keyring


@dataclass(frozen=True)
class Services:
    config: Settings
    clock: Clock
    keyring: Keyring
    hierarchy: HierarchyService
    audit: AuditService
    connections: ConnectionService
    amazon_settings: SettingsService
    companies: CompanyService
    edits: EditService
    accounts: AccountService


def build_services(config: Settings, clock: Clock | None = None) -> Services:
    clock = clock or SystemClock()
    hierarchy = HierarchyService()
    audit = AuditService(clock)
    keyring = load_keyring(config.secret_keys, config.secret_key_file)
    connections = ConnectionService(clock, keyring)
    presence = DraftPresence(clock)
    amazon_settings = SettingsService(clock, hierarchy, connections, presence)
    companies = CompanyService(clock, hierarchy, connections, amazon_settings, audit)
    edits = EditService(
        clock,
        hierarchy,
        amazon_settings,
        connections,
        presence,
        audit,
        idle_timeout=timedelta(minutes=config.edit_idle_minutes),
    )
    accounts = AccountService(
        clock,
        idle_timeout=timedelta(minutes=config.session_idle_minutes),
        absolute_timeout=timedelta(hours=config.session_absolute_hours),
        hash_time_cost=config.password_hash_time_cost,
        hash_memory_kib=config.password_hash_memory_kib,
    )
    return Services(
        config=config,
        clock=clock,
        keyring=keyring,
        hierarchy=hierarchy,
        audit=audit,
        connections=connections,
        amazon_settings=amazon_settings,
        companies=companies,
        edits=edits,
        accounts=accounts,
    )
