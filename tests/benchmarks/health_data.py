"""The needs-action filter's data set: company trees whose owners hold connections in a realistic mix of statuses.

Each tree has 100 companies: a root and 9 non-unified subsidiaries under it (10 account owners), each owner with 3
unified children that have 2 unified children each. 80 % of the connections are one per owner (NA, EU or FE), the
rest a second region of NA owners. Statuses are dealt in fixed shares (mostly active), shuffled (seeded), and each
row is checked against the app's own rule (`derive_status`) as it is made; what the filter must answer is worked out
here from the same rows.

Import this module only after tests.benchmarks.env.configure(): importing app modules reads the settings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.amazon.status import AUTHORIZATION_LIFETIME, NEEDS_ACTION, ConnectionStatus, derive_status
from tests.benchmarks.dataset import CompanyRow, TreeBuilder
from tests.benchmarks.load import ConnectionRow

SEED = 20_261_201
SUBSIDIARIES = 9  # non-unified children of each root: with the root, 10 account owners per tree
CHILDREN, GRANDCHILDREN = 3, 2  # unified members of each owner: 3 children with 2 children each
# Shares of the connections in each status (the last one takes what rounding leaves).
MIX: tuple[tuple[ConnectionStatus, float], ...] = (
    (ConnectionStatus.EXPIRING, 0.06),
    (ConnectionStatus.EXPIRED, 0.02),
    (ConnectionStatus.REAUTHORIZATION_REQUIRED, 0.04),
    (ConnectionStatus.WRONG_REGION_OR_ROLE, 0.01),
    (ConnectionStatus.ERROR, 0.03),
    (ConnectionStatus.ACTIVE, 0.84),
)
COUNTED = [status for status in ConnectionStatus if status != ConnectionStatus.NOT_CONNECTED]


@dataclass
class FilterSet:
    """What was loaded: companies, roots, each owner's root, the connections and the status each was made in."""

    companies: list[CompanyRow]
    codes: dict[int, str]
    roots: list[int]
    root_of: dict[int, int]  # account owner → its tree's root
    connections: list[ConnectionRow] = field(default_factory=list)
    statuses: list[ConnectionStatus] = field(default_factory=list)
    load_seconds: float = 0.0

    @property
    def owners(self) -> int:
        return len(self.root_of)


def build_trees(trees: int) -> FilterSet:
    """`trees` trees of 100 companies, ids in insertion order (parents first)."""
    builder = TreeBuilder()
    roots: list[int] = []
    root_of: dict[int, int] = {}
    for _ in range(trees):
        root = builder.add(None, unified=False)
        roots.append(root)
        owners = [root] + [builder.add(root, unified=False) for _ in range(SUBSIDIARIES)]
        for owner in owners:
            root_of[owner] = root
            for _ in range(CHILDREN):
                child = builder.add(owner, unified=True)
                for _ in range(GRANDCHILDREN):
                    builder.add(child, unified=True)
    return FilterSet(builder.rows, {row.id: row.code for row in builder.rows}, roots, root_of)


def placements(owners: list[int], total: int, rng: random.Random) -> list[tuple[int, str]]:
    """`total` (owner, region) pairs: 80 % one per owner (NA 3/4, EU 3/16, FE 1/16), the rest second regions of NA
    owners (EU 3/4, FE 1/4)."""
    single = total * 8 // 10
    if single > len(owners):
        raise ValueError(f"{total:,} connections need {single:,} account owners; the trees have {len(owners):,}")
    chosen = rng.sample(owners, single)
    na, eu = single * 3 // 4, single * 3 // 16
    pairs = [(o, "NA") for o in chosen[:na]] + [(o, "EU") for o in chosen[na : na + eu]]
    pairs += [(o, "FE") for o in chosen[na + eu :]]
    extra = total - single
    if extra > na:
        raise ValueError(f"{extra:,} second regions need as many NA owners; there are {na:,}")
    second_eu = extra * 3 // 4
    pairs += [(o, "EU") for o in chosen[:second_eu]] + [(o, "FE") for o in chosen[second_eu:extra]]
    return pairs


def dealt_statuses(total: int, rng: random.Random) -> list[ConnectionStatus]:
    counts = {status: int(total * share) for status, share in MIX}
    counts[MIX[-1][0]] += total - sum(counts.values())
    statuses = [status for status, count in counts.items() for _ in range(count)]
    rng.shuffle(statuses)
    return statuses


def connection_in(
    status: ConnectionStatus, owner: int, region: str, now: datetime, token: str, rng: random.Random
) -> ConnectionRow:
    """A connection row whose columns make it `status` at `now` (with days of margin from every boundary)."""
    days = timedelta(days=1)
    expires = now + days * rng.uniform(35, 364)
    result: str | None = "ok"
    code: str | None = None
    streak = 0
    if status == ConnectionStatus.EXPIRING:
        expires = now + days * rng.uniform(2, 28)
    elif status == ConnectionStatus.EXPIRED:
        expires = now - days * rng.uniform(1, 90)
    elif status in (ConnectionStatus.REAUTHORIZATION_REQUIRED, ConnectionStatus.WRONG_REGION_OR_ROLE):
        result = code = status.value
    elif status == ConnectionStatus.ERROR:
        # Amazon failing three times or more in a row, or a failure that is never transient.
        persistent = rng.random() < 2 / 3
        result, code, streak = "error", "amazon_unavailable" if persistent else "app_credentials_invalid", 3
    elif rng.random() < 0.02:
        result, code, streak = "error", "amazon_unavailable", 1  # one failure of Amazon's: still active
    row = ConnectionRow(
        company=owner,
        region=region,
        selling_partner_id=f"A{owner:010d}{region}",
        refresh_token=token,
        authorized_at=expires - AUTHORIZATION_LIFETIME,
        authorization_expires_at=expires,
        last_checked_at=now - timedelta(hours=rng.uniform(1, 6)),
        last_check_result=result,
        last_error_code=code,
        last_error_message=None if code is None else f"The last check failed: {code}",
        error_streak=streak,
        health_state=status.value if status not in (ConnectionStatus.ACTIVE, ConnectionStatus.EXPIRING) else None,
    )
    made = derive_status(row.__dict__, now)
    if made != status:
        raise AssertionError(f"generated a {made} connection for {status}")
    return row


def build_filter_set(trees: int, total: int, now: datetime, token: str) -> FilterSet:
    """The trees and `total` connections; `token` is the (encrypted) refresh token every row carries."""
    rng = random.Random(SEED)
    data = build_trees(trees)
    pairs = placements(sorted(data.root_of), total, rng)
    data.statuses = dealt_statuses(total, rng)
    data.connections = [
        connection_in(status, owner, region, now, token, rng)
        for (owner, region), status in zip(pairs, data.statuses, strict=True)
    ]
    return data


def expected_answer(
    data: FilterSet, wanted: str, region: str | None, roots: list[int] | None
) -> tuple[int, dict[str, int]]:
    """The companies the filter must find and the counts per status it must report, for a user of `roots`."""
    statuses = {s.value for s in NEEDS_ACTION} if wanted == "needs_action" else {wanted}
    in_scope = set(roots) if roots is not None else None
    owners: set[int] = set()
    counts = dict.fromkeys((status.value for status in COUNTED), 0)
    for row, status in zip(data.connections, data.statuses, strict=True):
        if in_scope is not None and data.root_of[row.company] not in in_scope:
            continue
        if region is not None and row.region != region:
            continue
        counts[status.value] += 1
        if status.value in statuses:
            owners.add(row.company)
    counts["needs_action"] = sum(counts[s.value] for s in NEEDS_ACTION)
    return len(owners), counts
