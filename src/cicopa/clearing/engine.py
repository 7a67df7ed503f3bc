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
- only arcs inside a strongly connected component go to the solver: a circulation is a sum of cycles, and a
  cycle never leaves its component, so no other debt can be set off in any clearing (a chain of debts, a
  participant that only owes). This is exact, and it keeps from the solver the long acyclic paths on which its
  cost scaling is slow; the checks below do not rely on it.

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
   The levels come from distances in the residual graph (an arc u->v of cost +1 where something was set off,
   v->u of cost -1 where debt remains): such levels exist exactly when no residual cycle has negative cost, i.e.
   when no other set-off clears more. They are found within each strongly connected part of it as shortest
   distances from a virtual root (Bellman-Ford relaxing only from the nodes that changed in the round before; past
   a budget of work, a shortest-path tree from the same solver), and the parts are set apart in their topological
   order, so that an arc between two parts always runs down. How they are found does not matter to the proof:
   the conditions are checked as they stand. (That the remaining debt has no directed cycle is necessary but not
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
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from cicopa.clearing.network import MAX_TOTAL as MAX_TOTAL
from cicopa.clearing.network import BoolArray as BoolArray
from cicopa.clearing.network import ClearingInputError as ClearingInputError
from cicopa.clearing.network import GuaranteeViolated as GuaranteeViolated
from cicopa.clearing.network import IntArray as IntArray
from cicopa.clearing.network import Obligation as Obligation
from cicopa.clearing.network import Obligations as Obligations
from cicopa.clearing.network import _Network as _Network
from cicopa.clearing.network import _network as _network

# The proof's levels are sought by relaxing arcs up to this many times the residual arcs, then by the solver.
_RELAX_BUDGET = 30


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

    owed = pair_amount > 0
    part = _strong_components(net.nodes, pair_tail[owed], pair_head[owed])
    arcs = np.flatnonzero(owed & (part[pair_tail] == part[pair_head]))  # on some cycle: none other can be set off
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


def _strong_components(nodes: int, tail: IntArray, head: IntArray) -> IntArray:
    """Each node's strongly connected component of the graph of arcs `tail` -> `head` (distinct pairs). scipy
    numbers them so that every arc between two components goes from a higher number to a lower one (a reverse
    topological order; `_levels` checks it before relying on it)."""
    graph = csr_matrix((np.ones(tail.size, dtype=np.float64), (tail, head)), shape=(nodes, nodes))
    _, labels = connected_components(graph, directed=True, connection="strong")
    return labels.astype(np.int64)


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
    """Levels for the proof of optimality (module docstring): minus distances d with d_y <= d_x + cost on every
    residual arc x -> y, found part by part (strongly connected) as shortest distances from a virtual root (an arc
    of cost 0 to every node), the parts then set apart in their topological order; None if the search fails, which
    only a negative cycle can make it do. Whatever finds them, `_check` verifies them on every obligation."""
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
    # Within each strongly connected part of the residual graph, the distances from the root; then the parts are
    # stacked so that every arc between two parts goes down by more than any distance within them spans.
    part = _strong_components(net.nodes, src, dst)
    inside = part[src] == part[dst]
    if not np.all(part[src][~inside] > part[dst][~inside]):
        part, inside = np.zeros(net.nodes, dtype=np.int64), np.ones(src.size, dtype=bool)  # no order: one part
    src, dst, cost = src[inside], dst[inside], cost[inside]
    distance = _relaxed(net.nodes, src, dst, cost, budget=_RELAX_BUDGET * src.size + 100_000)
    if distance is None:
        distance = _shortest_path_tree(net.nodes, src, dst, cost)
    if distance is None:
        return None
    span = int(distance.max() - distance.min()) + 2 if distance.size else 0
    return -(distance + span * part)


def _relaxed(nodes: int, src: IntArray, dst: IntArray, cost: IntArray, budget: int) -> IntArray | None:
    """Shortest distances by Bellman-Ford, each round relaxing only the arcs out of the nodes whose distance
    changed in the round before: fast where shortest paths have few arcs (a few dozen rounds on a million random
    obligations), but rounds x arcs on a long chain. None once `budget` arcs were relaxed, or after `nodes` rounds
    (every shortest path has fewer arcs: a negative cycle)."""
    if src.size and np.any(src[1:] < src[:-1]):  # each node's arcs must stand together
        order = np.argsort(src, kind="stable")
        src, dst, cost = src[order], dst[order], cost[order]
    out_start = np.zeros(nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=nodes), out=out_start[1:])
    distance = np.zeros(nodes, dtype=np.int64)
    frontier = np.arange(nodes)
    for _ in range(nodes + 1):
        counts = out_start[frontier + 1] - out_start[frontier]
        total = int(counts.sum())
        budget -= total
        if total == 0:
            return distance
        if budget < 0:
            return None
        # The arcs out of the frontier: each node's range of the arcs sorted by source.
        arcs = np.repeat(out_start[frontier] - np.cumsum(counts) + counts, counts) + np.arange(total)
        candidate = distance[src[arcs]] + cost[arcs]
        better = candidate < distance[dst[arcs]]
        if not better.any():
            return distance
        targets = dst[arcs][better]
        np.minimum.at(distance, targets, candidate[better])
        frontier = np.unique(targets)
    return None


def _shortest_path_tree(nodes: int, src: IntArray, dst: IntArray, cost: IntArray) -> IntArray | None:
    """Shortest distances in any case, in the solver's time: a minimum-cost flow sends one unit from the virtual
    root to every node (arcs wide enough never to fill), so each unit follows a shortest path; the distances are
    then read along the arcs that carry flow, which all lie on shortest paths, in one breadth-first pass from the
    root. With a negative cycle the flow runs round it instead and the distances read are wrong: the check says so.
    """
    root = nodes
    solver = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([src, np.full(nodes, root)])
    heads = np.concatenate([dst, np.arange(nodes)])
    costs = np.concatenate([cost, np.zeros(nodes, dtype=np.int64)])
    solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), np.full(tails.size, nodes + 1, dtype=np.int64), costs
    )
    supplies = np.full(nodes + 1, -1, dtype=np.int64)
    supplies[root] = nodes
    solver.set_nodes_supplies(np.arange(nodes + 1, dtype=np.int32), supplies)
    if solver.solve() != solver.OPTIMAL:
        return None
    carrying = np.flatnonzero(np.asarray(solver.flows(np.arange(tails.size, dtype=np.int32))) > 0)
    order = carrying[np.argsort(tails[carrying], kind="stable")]
    out_start = np.zeros(nodes + 2, dtype=np.int64)
    np.cumsum(np.bincount(tails[order], minlength=nodes + 1), out=out_start[1:])
    starts, to, step = out_start.tolist(), heads[order].tolist(), costs[order].tolist()
    distance = [0] * (nodes + 1)
    seen = [False] * (nodes + 1)
    seen[root] = True
    queue = [root]
    for u in queue:  # the list grows as it is walked: breadth first
        for k in range(starts[u], starts[u + 1]):
            v = to[k]
            if not seen[v]:
                seen[v] = True
                distance[v] = distance[u] + step[k]
                queue.append(v)
    return np.array(distance[:nodes], dtype=np.int64)


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

    def __init__(self, obligations: Obligations, net: _Network, setoff: IntArray, phases: dict[str, float]) -> None:
        self.obligations = obligations
        self._net = net
        self.setoff = setoff
        # Seconds spent numbering the network, solving (pairs added up, arcs off every cycle left out, the solver,
        # the pairs' set-offs shared out) and checking.
        self.phases = phases
        self.seconds = sum(phases.values())

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
    marks = [time.perf_counter()]
    if not isinstance(obligations, Obligations):
        obligations = Obligations.from_list(obligations)
    net = _network(obligations)
    marks.append(time.perf_counter())
    setoff = _solve(net)
    marks.append(time.perf_counter())
    _check(net, setoff, obligations)
    marks.append(time.perf_counter())
    phases = dict(zip(("network", "solve", "check"), np.diff(marks).tolist(), strict=True))
    return Clearing(obligations, net, setoff, phases)
