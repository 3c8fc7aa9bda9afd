"""The company trees the benchmarks run on, generated in memory with explicit ids (parents before children).

The read tree repeats one block until it holds the wanted number of companies. A block is a root owning chains of
unified children of every length from 1 to 20 (so members at every depth from 1 to 20), plus a non-unified company
halfway down the longest chain that starts a group of its own with shorter unified chains below it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

MAX_CHAIN = 20
SPIN_OFF_AT = 5
SPIN_OFF_CHAINS = 5


@dataclass(frozen=True)
class CompanyRow:
    """One company as it is inserted."""

    id: int
    code: str
    parent: int | None
    unified: bool


@dataclass
class TreeBuilder:
    """Hands out ids and collects rows; a unified row always has a parent added before it."""

    next_id: int = 1
    rows: list[CompanyRow] = field(default_factory=list)

    def add(self, parent: int | None, unified: bool) -> int:
        """Append one company and return its id."""
        company_id = self.next_id
        self.next_id += 1
        self.rows.append(CompanyRow(company_id, f"B{company_id:07d}", parent, unified and parent is not None))
        return company_id

    def chain(self, top: int, length: int) -> list[int]:
        """A chain of `length` unified companies below `top`, nearest first (index k is at depth k + 1)."""
        ids: list[int] = []
        parent = top
        for _ in range(length):
            parent = self.add(parent, unified=True)
            ids.append(parent)
        return ids


@dataclass
class ReadTree:
    """The read tree, with sample companies per unified depth and the owner each sample must resolve to."""

    size: int = 0
    roots: int = 0
    samples: dict[int, list[int]] = field(default_factory=dict)
    expected_owner: dict[int, int] = field(default_factory=dict)


def _block(builder: TreeBuilder, tree: ReadTree) -> None:
    """One root with chains of depth 1..20 and a spin-off group of its own; records depth-1 and depth-20 samples."""
    root = builder.add(None, unified=False)
    tree.roots += 1
    longest: list[int] = []
    for length in range(1, MAX_CHAIN + 1):
        ids = builder.chain(root, length)
        if length == 1:
            _sample(tree, 1, ids[0], root)
        if length == MAX_CHAIN:
            longest = ids
            _sample(tree, MAX_CHAIN, ids[-1], root)
    spin_off = builder.add(longest[SPIN_OFF_AT - 1], unified=False)
    for length in range(1, SPIN_OFF_CHAINS + 1):
        ids = builder.chain(spin_off, length)
        tree.expected_owner[ids[-1]] = spin_off


def _sample(tree: ReadTree, depth: int, company_id: int, owner: int) -> None:
    tree.samples.setdefault(depth, []).append(company_id)
    tree.expected_owner[company_id] = owner


def block_size() -> int:
    """How many companies one block holds."""
    return 1 + MAX_CHAIN * (MAX_CHAIN + 1) // 2 + 1 + SPIN_OFF_CHAINS * (SPIN_OFF_CHAINS + 1) // 2


def build_read_tree(builder: TreeBuilder, total: int) -> ReadTree:
    """Whole blocks, then short chains under extra roots to reach exactly `total` companies."""
    tree = ReadTree()
    start = len(builder.rows)
    while len(builder.rows) - start + block_size() <= total:
        _block(builder, tree)
    while (left := total - (len(builder.rows) - start)) > 0:
        root = builder.add(None, unified=False)
        tree.roots += 1
        builder.chain(root, min(MAX_CHAIN, left - 1))
    tree.size = len(builder.rows) - start
    return tree


def build_owner(builder: TreeBuilder, members: int, fanout: int = 10) -> int:
    """A root owner with `members` unified members: children, then their children, … (breadth first)."""
    owner = builder.add(None, unified=False)
    frontier = deque([owner])
    made = 0
    while made < members:
        parent = frontier.popleft()
        for _ in range(min(fanout, members - made)):
            frontier.append(builder.add(parent, unified=True))
            made += 1
    return owner
