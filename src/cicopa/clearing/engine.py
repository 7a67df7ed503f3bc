"""The clearing engine: multilateral set-off of obligations between participants, exact and checked (no Django
here, so it is tested and benchmarked alone).

An obligation is a debt: its debtor owes its creditor an amount, a whole number of minor units of a currency.
Clearing sets off part of each obligation against others so that every participant ends where it stood (what it
is owed minus what it owes, in each currency, does not change) while as much debt as possible disappears.

The problem, exactly. Each currency is a separate network: one node per participant, one arc per obligation from
debtor to creditor with capacity its amount a_e. A set-off s (s_e on obligation e) keeps every net position if
and only if, at every node, what is set off on the obligations owed to it equals what is set off on those it owes:
s is a *circulation*. So clearing is

    maximise  sum_e s_e   subject to   s a circulation,  0 <= s_e <= a_e,

the same as finding the remaining debt r = a - s with the same net positions and the least total: a minimum-cost
flow with unit cost per arc. Its constraint matrix is a network's node-arc incidence matrix, totally unimodular,
and the capacities are integers, so an optimum exists in whole minor units. It is solved with OR-Tools'
`SimpleMinCostFlow` (cost scaling push-relabel, exact integer arithmetic) as a minimum-cost circulation: every
arc costs -1, no node has a supply. Before the solver:

- obligations of the same currency between the same debtor and creditor are added into one arc (the solver sees
  one arc per pair; the pair's set-off is then given to its obligations in input order, so that at most one of
  them is set off in part);
- arcs that no cycle can pass through are left out: a circulation is a sum of cycles, so an arc from or to a
  participant that only owes or is only owed (among the arcs still in) carries none. This is repeated while it
  removes much; it only makes the solver's graph smaller, the checks below do not rely on it.

Nodes are numbered by (currency, participant name) and arcs sorted by (debtor, creditor), so the solver receives
the same arrays whatever the order of the rows: the totals (per pair, per participant and overall) do not depend
on the order, and the same rows in the same order give the same set-off on each obligation.

Every result is checked before it is returned (`check_result`); a failed check raises `GuaranteeViolated`, a
result is never returned unchecked:

1. set-offs are integers with 0 <= s_e <= a_e;
2. every participant's net position in every currency is unchanged (s is a circulation on the network of each
   currency; currencies never mix, since a participant is a different node in each currency);
3. the total set off is the largest possible, proved by a certificate of LP duality. The checker finds an integer
   *level* h_i for every node (participant in a currency) such that, for every obligation e from u to v,

       debt left on it   (r_e > 0)  =>  h_u >= h_v + 1   (what remains runs down by at least one level),
       anything set off  (s_e > 0)  =>  h_u <= h_v + 1.

   Given such levels, no set-off s' can clear more: for any circulation s', sum_e s'_e (h_u - h_v) = 0 (each
   node's levels cancel), so sum_e s'_e = sum_e s'_e (1 - h_u + h_v) <= sum_e a_e max(0, 1 - h_u + h_v); and the
   result attains that bound term by term (where h_u <= h_v it must have r_e = 0; where h_u >= h_v + 2 it must have
   s_e = 0). The conditions are checked on every obligation in one vectorised pass, with no trust in the solver.
   The levels are minus the shortest distances from a virtual root in the residual graph (an arc u->v of cost +1
   where something was set off, v->u of cost -1 where debt remains), found by Bellman-Ford relaxing only from the
   nodes that changed in the previous round; such levels exist exactly when no residual cycle has negative cost,
   i.e. when no other set-off clears more. (That the remaining debt has no directed cycle is necessary but not
   enough: A->B, B->C, A->C and C->A, 1 each, clearing A->C against C->A leaves A->B->C, acyclic, 2 left; clearing
   the cycle A->B->C->A leaves 1.)

The summary's figures, per currency:

- gross debt G: the sum of all amounts;
- net internal debt N: the sum of the positive net positions (what the participants who are owed more than they
  owe are owed net; equally, what those who owe more owe net). No set-off can leave less debt than N, since every
  such participant must still be owed its net position: N is the floor of the remaining debt;
- cleared C, the total set off; its share of gross debt C / G, and its share of the debt above the net positions,
  C / (G - N): of what any set-off could at most remove, how much this one removed (less than all when the
  network's shape keeps debts from meeting in cycles: along a chain A->B->C nothing clears).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# The sum of all amounts stays below this, so that every sum the engine and the solver make fits in 64 bits.
MAX_TOTAL = 2**62
# Leaving out arcs that no cycle passes through is repeated while a round removes at least this share of the arcs.
_TRIM_WORTHWHILE = 0.002


class ClearingInputError(ValueError):
    """Malformed obligations (a debtor that is its own creditor, a negative amount, ...): refused, not guessed at."""


class GuaranteeViolated(RuntimeError):
    """A result failed one of the engine's checks: it is never returned."""


@dataclass(frozen=True, slots=True)
class Obligation:
    """`debtor` owes `creditor` `amount` minor units of `currency` ("" when all are in one unnamed currency)."""

    id: str
    debtor: str
    creditor: str
    amount: int
    currency: str = ""


class Obligations:
    """Obligations in columns, as the engine works on them: `debtor` and `creditor` are positions in
    `participants` (distinct names), `currency` in `currencies` (distinct codes; None: all in `currencies[0]`).
    `ids` name the obligations in statements (default: their position from 1)."""

    def __init__(
        self,
        *,
        participants: Sequence[str],
        debtor: Any,
        creditor: Any,
        amount: Any,
        currencies: Sequence[str] = ("",),
        currency: Any = None,
        ids: Sequence[str] | None = None,
    ) -> None:
        self.participants = list(participants)
        self.currencies = list(currencies)
        self.debtor = _index_array(debtor, len(self.participants), "debtor")
        self.creditor = _index_array(creditor, len(self.participants), "creditor")
        self.amount = _amount_array(amount)
        n = len(self.amount)
        if len(self.debtor) != n or len(self.creditor) != n:
            raise ClearingInputError("debtor, creditor and amount must have one entry per obligation")
        if currency is None:
            if len(self.currencies) != 1:
                raise ClearingInputError("without a currency per obligation, give exactly one currency")
            self.currency = np.zeros(n, dtype=np.int64)
        else:
            self.currency = _index_array(currency, len(self.currencies), "currency")
            if len(self.currency) != n:
                raise ClearingInputError("currency must have one entry per obligation")
        if ids is not None and len(ids) != n:
            raise ClearingInputError("ids must have one entry per obligation")
        self.ids = ids
        for what, names in (("participant", self.participants), ("currency", self.currencies)):
            if len(set(names)) != len(names):
                raise ClearingInputError(f"each {what} must be named once")
        if any(not isinstance(name, str) or not name for name in self.participants):
            raise ClearingInputError("participants must be non-empty strings")
        if any(not isinstance(code, str) for code in self.currencies):
            raise ClearingInputError("currencies must be strings")
        loops = np.flatnonzero(self.debtor == self.creditor)
        if loops.size:
            raise ClearingInputError(f"obligation {self.id_of(int(loops[0]))}: the debtor is also the creditor")
        negative = np.flatnonzero(self.amount < 0)
        if negative.size:
            raise ClearingInputError(f"obligation {self.id_of(int(negative[0]))}: the amount is negative")
        # An estimate first: the exact sum in 64 bits could wrap round.
        if float(self.amount.sum(dtype=np.float64)) >= MAX_TOTAL * 0.99 or (n and int(self.amount.sum()) >= MAX_TOTAL):
            raise ClearingInputError(f"the amounts add up to more than {MAX_TOTAL:,} minor units")

    @classmethod
    def from_list(cls, obligations: Iterable[Obligation]) -> Obligations:
        rows = list(obligations)
        participants: dict[str, int] = {}
        currencies: dict[str, int] = {}
        debtor = [participants.setdefault(o.debtor, len(participants)) for o in rows]
        creditor = [participants.setdefault(o.creditor, len(participants)) for o in rows]
        currency = [currencies.setdefault(o.currency, len(currencies)) for o in rows]
        amounts = [o.amount for o in rows]
        if any(type(a) is not int for a in amounts):  # bool and float are not amounts
            raise ClearingInputError("amounts must be whole numbers of minor units")
        return cls(
            participants=list(participants),
            debtor=debtor,
            creditor=creditor,
            amount=amounts,
            currencies=list(currencies) or [""],
            currency=currency if currencies else None,
            ids=[o.id for o in rows],
        )

    def __len__(self) -> int:
        return len(self.amount)

    def id_of(self, i: int) -> str:
        return self.ids[i] if self.ids is not None else str(i + 1)

    def __getitem__(self, i: int) -> Obligation:
        return Obligation(
            id=self.id_of(i),
            debtor=self.participants[int(self.debtor[i])],
            creditor=self.participants[int(self.creditor[i])],
            amount=int(self.amount[i]),
            currency=self.currencies[int(self.currency[i])],
        )


def _index_array(values: Any, size: int, what: str) -> IntArray:
    array = np.asarray(values)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise ClearingInputError(f"{what} must be positions (whole numbers)")
    array = array.astype(np.int64, copy=False)
    if array.min() < 0 or array.max() >= size:
        raise ClearingInputError(f"{what} refers to no name")
    return array


def _amount_array(values: Any) -> IntArray:
    if isinstance(values, np.ndarray):
        if values.ndim != 1 or (values.size and values.dtype.kind not in "iu"):
            raise ClearingInputError("amounts must be whole numbers of minor units")
        if values.dtype.kind == "u" and values.size and int(values.max()) >= MAX_TOTAL:
            raise ClearingInputError(f"the amounts add up to more than {MAX_TOTAL:,} minor units")
        return values.astype(np.int64, copy=False)
    values = list(values)
    if any(type(v) is not int and not isinstance(v, np.integer) for v in values):
        raise ClearingInputError("amounts must be whole numbers of minor units")
    try:
        return np.array(values, dtype=np.int64)
    except OverflowError:
        raise ClearingInputError(f"the amounts add up to more than {MAX_TOTAL:,} minor units") from None


# --------------------------------------------------------------------------------------------------
# The network: one node per (currency, participant), numbered by their names
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Network:
    tail: IntArray  # the debtor's node, per obligation
    head: IntArray  # the creditor's node
    amount: IntArray
    node_currency: IntArray  # per node, a position in Obligations.currencies
    node_participant: IntArray  # per node, a position in Obligations.participants

    @property
    def nodes(self) -> int:
        return len(self.node_currency)


def _network(obligations: Obligations) -> _Network:
    """Nodes numbered in the order of (currency code, participant name), so that the numbering depends on the
    obligations only, never on their order or on the order of the name lists."""
    p_rank = _ranks(obligations.participants)
    c_rank = _ranks(obligations.currencies)
    width = max(len(obligations.participants), 1)
    currency_rank = c_rank[obligations.currency]
    tail_key = currency_rank * width + p_rank[obligations.debtor]
    head_key = currency_rank * width + p_rank[obligations.creditor]
    keys, inverse = np.unique(np.concatenate([tail_key, head_key]), return_inverse=True)
    n = len(obligations)
    p_by_rank = np.argsort(p_rank)
    c_by_rank = np.argsort(c_rank)
    return _Network(
        tail=inverse[:n].astype(np.int64),
        head=inverse[n:].astype(np.int64),
        amount=obligations.amount,
        node_currency=c_by_rank[keys // width],
        node_participant=p_by_rank[keys % width],
    )


def _ranks(names: Sequence[str]) -> IntArray:
    ranks = np.empty(len(names), dtype=np.int64)
    ranks[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    return ranks


# --------------------------------------------------------------------------------------------------
# Solving
# --------------------------------------------------------------------------------------------------


def _solve(net: _Network) -> IntArray:
    """The set-off of each obligation: a maximum circulation (module docstring)."""
    n = len(net.amount)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    # One arc per (debtor, creditor) pair of nodes, in the order of the pair: the same arcs whatever the rows' order.
    key = net.tail * net.nodes + net.head
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.flatnonzero(np.concatenate([[True], sorted_key[1:] != sorted_key[:-1]]))
    pair_tail = net.tail[order[starts]]
    pair_head = net.head[order[starts]]
    pair_amount = np.add.reduceat(net.amount[order], starts)

    on_cycles = _maybe_on_a_cycle(pair_tail, pair_head, pair_amount > 0, net.nodes)
    arcs = np.flatnonzero(on_cycles)
    pair_setoff = np.zeros(len(starts), dtype=np.int64)
    if arcs.size:
        solver = min_cost_flow.SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(
            pair_tail[arcs].astype(np.int32),
            pair_head[arcs].astype(np.int32),
            pair_amount[arcs],
            np.full(arcs.size, -1, dtype=np.int64),
        )
        status = solver.solve()
        if status != solver.OPTIMAL:
            raise GuaranteeViolated(f"the solver found no optimal circulation ({status.name})")
        pair_setoff[arcs] = np.asarray(solver.flows(np.arange(arcs.size, dtype=np.int32)), dtype=np.int64)

    # A pair's set-off goes to its obligations in input order: earlier ones in full, at most one in part.
    group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, n)))
    amounts = net.amount[order]
    before = np.cumsum(amounts) - amounts  # sum of the amounts sorted before this one
    before -= before[starts][group]  # ... within its pair
    setoff = np.empty(n, dtype=np.int64)
    setoff[order] = np.clip(pair_setoff[group] - before, 0, amounts)
    return setoff


def _maybe_on_a_cycle(tail: IntArray, head: IntArray, alive: BoolArray, nodes: int) -> BoolArray:
    """`alive` less arcs that no cycle passes through: those from a node with no arc in or to a node with no arc
    out, repeated while a round removes a worthwhile share (each round is a pass over all arcs)."""
    alive = alive.copy()
    while True:
        count = int(alive.sum())
        if count == 0:
            return alive
        has_out = np.bincount(tail[alive], minlength=nodes) > 0
        has_in = np.bincount(head[alive], minlength=nodes) > 0
        dead = alive & ~(has_in[tail] & has_out[head])
        removed = int(dead.sum())
        alive &= ~dead
        if removed < max(1, count * _TRIM_WORTHWHILE):
            return alive


# --------------------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------------------


def check_result(obligations: Obligations | Sequence[Obligation], setoffs: Any) -> None:
    """Raise GuaranteeViolated unless `setoffs` (one per obligation, in order) is a valid and largest clearing of
    `obligations`: whole numbers within 0..amount, every net position unchanged per currency, and the most that can
    be set off (module docstring: the levels that prove it)."""
    if not isinstance(obligations, Obligations):
        obligations = Obligations.from_list(obligations)
    _check(_network(obligations), _setoff_array(setoffs, len(obligations)), obligations)


def _setoff_array(values: Any, n: int) -> IntArray:
    array = np.asarray(values)
    if array.dtype.kind == "O" and all(type(v) is int for v in array.tolist()):
        array = array.astype(np.int64)
    if array.shape != (n,):
        raise GuaranteeViolated(f"{array.size} set-offs for {n} obligations")
    if n and array.dtype.kind not in "iu":
        raise GuaranteeViolated("set-offs must be whole numbers of minor units")
    return array.astype(np.int64, copy=False)


def _check(net: _Network, setoff: IntArray, obligations: Obligations) -> None:
    if setoff.dtype != np.int64 or setoff.shape != net.amount.shape:
        raise GuaranteeViolated("set-offs must be whole numbers of minor units, one per obligation")
    outside = np.flatnonzero((setoff < 0) | (setoff > net.amount))
    if outside.size:
        i = int(outside[0])
        raise GuaranteeViolated(
            f"obligation {obligations.id_of(i)}: {int(setoff[i])} set off out of {int(net.amount[i])}"
        )
    balance = np.zeros(net.nodes, dtype=np.int64)
    np.add.at(balance, net.head, setoff)
    np.subtract.at(balance, net.tail, setoff)
    moved = np.flatnonzero(balance)
    if moved.size:
        node = int(moved[0])
        name = obligations.participants[int(net.node_participant[node])]
        currency = obligations.currencies[int(net.node_currency[node])]
        raise GuaranteeViolated(
            f"the net position of {name} {currency}".rstrip() + f" would change by {int(balance[node])}"
        )
    levels = _levels(net, setoff)
    if levels is None:
        raise GuaranteeViolated("not the largest clearing: more can be set off along a cycle")
    remaining = net.amount - setoff
    h_u, h_v = levels[net.tail], levels[net.head]
    wrong = np.flatnonzero(((remaining > 0) & (h_u < h_v + 1)) | ((setoff > 0) & (h_u > h_v + 1)))
    if wrong.size:
        raise GuaranteeViolated(
            f"not the largest clearing: the levels fail at obligation {obligations.id_of(int(wrong[0]))}"
        )


def _levels(net: _Network, setoff: IntArray) -> IntArray | None:
    """Levels proving the set-off optimal (module docstring), or None when there are none: minus the
    shortest distances from a virtual root in the residual graph, by Bellman-Ford relaxing only from the nodes
    whose distance changed in the previous round. Distances exist iff no cycle has negative cost; then every
    shortest path has fewer than `nodes` arcs, so more rounds than nodes mean there is such a cycle."""
    remaining = net.amount - setoff
    forward = setoff > 0  # more debt could remain on it: u -> v, cost +1
    backward = remaining > 0  # less could: v -> u, cost -1
    src = np.concatenate([net.tail[forward], net.head[backward]])
    dst = np.concatenate([net.head[forward], net.tail[backward]])
    cost = np.concatenate([np.ones(int(forward.sum()), np.int64), np.full(int(backward.sum()), -1, np.int64)])
    # Of parallel residual arcs, the cheapest is enough.
    order = np.lexsort((cost, dst, src))
    src, dst, cost = src[order], dst[order], cost[order]
    first = np.concatenate([[True], (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])]) if src.size else src.astype(bool)
    src, dst, cost = src[first], dst[first], cost[first]
    out_start = np.zeros(net.nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=net.nodes), out=out_start[1:])

    distance = np.zeros(net.nodes, dtype=np.int64)
    frontier = np.arange(net.nodes)
    for _ in range(net.nodes + 1):
        counts = out_start[frontier + 1] - out_start[frontier]
        total = int(counts.sum())
        if total == 0:
            return -distance
        # The arcs out of the frontier: each node's range of the arcs sorted by source.
        arcs = np.repeat(out_start[frontier] - np.cumsum(counts) + counts, counts) + np.arange(total)
        candidate = distance[src[arcs]] + cost[arcs]
        better = candidate < distance[dst[arcs]]
        if not better.any():
            return -distance
        targets = dst[arcs][better]
        np.minimum.at(distance, targets, candidate[better])
        frontier = np.unique(targets)
    return None  # still shortening after `nodes` rounds: a negative cycle


# --------------------------------------------------------------------------------------------------
# The result, and how it explains itself
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencySummary:
    """The figures of one currency (module docstring: their definitions)."""

    currency: str
    obligations: int
    participants: int
    gross_debt: int
    net_internal_debt: int
    cleared: int

    @property
    def remaining(self) -> int:
        return self.gross_debt - self.cleared

    @property
    def clearable(self) -> int:
        """The debt above the net positions, G - N: the most any set-off could remove."""
        return self.gross_debt - self.net_internal_debt

    @property
    def share_of_gross(self) -> float | None:
        return self.cleared / self.gross_debt if self.gross_debt else None

    @property
    def share_of_clearable(self) -> float | None:
        return self.cleared / self.clearable if self.clearable else None


@dataclass(frozen=True)
class Summary:
    obligations: int
    participants: int  # distinct participants, whatever the currency
    currencies: tuple[CurrencySummary, ...]  # in the order of their codes


@dataclass(frozen=True)
class Statement:
    """One participant's position in one currency, before and after, for a treasurer to check by hand:
    owed_after - owing_after == owed_before - owing_before == net, and cleared is taken off both sides."""

    participant: str
    currency: str
    owed_before: int  # what the others owe it
    owing_before: int  # what it owes the others
    owed_after: int
    owing_after: int
    reduced: tuple[int, ...]  # positions of its obligations (either side) that were set off, in part or in full

    @property
    def net(self) -> int:
        return self.owed_before - self.owing_before

    @property
    def cleared(self) -> int:
        return self.owed_before - self.owed_after


class Clearing:
    """A checked clearing of `obligations`: `setoff[i]` of obligation i is set off, `remaining[i]` is still owed."""

    def __init__(self, obligations: Obligations, net: _Network, setoff: IntArray, seconds: float) -> None:
        self.obligations = obligations
        self._net = net
        self.setoff = setoff
        self.seconds = seconds

    @cached_property
    def remaining(self) -> IntArray:
        return self.obligations.amount - self.setoff

    @cached_property
    def _by_node(self) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        net = self._net
        owed, owing, owed_after, owing_after = (np.zeros(net.nodes, dtype=np.int64) for _ in range(4))
        np.add.at(owed, net.head, net.amount)
        np.add.at(owing, net.tail, net.amount)
        np.add.at(owed_after, net.head, self.remaining)
        np.add.at(owing_after, net.tail, self.remaining)
        return owed, owing, owed_after, owing_after

    @cached_property
    def summary(self) -> Summary:
        net, obligations = self._net, self.obligations
        owed, owing, _, _ = self._by_node
        positive = np.maximum(owed - owing, 0)
        per_currency = []
        for c in sorted(set(net.node_currency.tolist()), key=obligations.currencies.__getitem__):
            mine = obligations.currency == c
            per_currency.append(
                CurrencySummary(
                    currency=obligations.currencies[c],
                    obligations=int(mine.sum()),
                    participants=int((net.node_currency == c).sum()),
                    gross_debt=int(obligations.amount[mine].sum()),
                    net_internal_debt=int(positive[net.node_currency == c].sum()),
                    cleared=int(self.setoff[mine].sum()),
                )
            )
        return Summary(
            obligations=len(obligations),
            participants=len(np.unique(net.node_participant)),
            currencies=tuple(per_currency),
        )

    @cached_property
    def _reduced(self) -> tuple[IntArray, IntArray]:
        """The positions of the obligations set off, grouped by node (each under its debtor and its creditor), and
        where each node's group starts."""
        net = self._net
        positions = np.flatnonzero(self.setoff > 0)
        nodes = np.concatenate([net.tail[positions], net.head[positions]])
        both = np.concatenate([positions, positions])
        order = np.lexsort((both, nodes))
        starts = np.zeros(net.nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(nodes, minlength=net.nodes), out=starts[1:])
        return both[order], starts

    def statements(self) -> list[Statement]:
        """Every participant's statement, by currency code then name."""
        return [self._statement(node) for node in range(self._net.nodes)]

    def statement(self, participant: str, currency: str = "") -> Statement:
        obligations = self.obligations
        try:
            p, c = obligations.participants.index(participant), obligations.currencies.index(currency)
        except ValueError:
            raise KeyError((participant, currency)) from None
        found = np.flatnonzero((self._net.node_participant == p) & (self._net.node_currency == c))
        if not found.size:
            raise KeyError((participant, currency))
        return self._statement(int(found[0]))

    def _statement(self, node: int) -> Statement:
        net, obligations = self._net, self.obligations
        owed, owing, owed_after, owing_after = self._by_node
        positions, starts = self._reduced
        reduced = positions[starts[node] : starts[node + 1]]
        return Statement(
            participant=obligations.participants[int(net.node_participant[node])],
            currency=obligations.currencies[int(net.node_currency[node])],
            owed_before=int(owed[node]),
            owing_before=int(owing[node]),
            owed_after=int(owed_after[node]),
            owing_after=int(owing_after[node]),
            reduced=tuple(int(i) for i in reduced),
        )


def clear(obligations: Obligations | Iterable[Obligation]) -> Clearing:
    """The largest multilateral set-off of `obligations`, per currency, checked (module docstring)."""
    start = time.perf_counter()
    if not isinstance(obligations, Obligations):
        obligations = Obligations.from_list(obligations)
    net = _network(obligations)
    setoff = _solve(net)
    _check(net, setoff, obligations)
    return Clearing(obligations, net, setoff, time.perf_counter() - start)
