"""The clearing engine's guarantees on random networks (hypothesis), and its optimum against two independent
solvers: scipy's linear programming (HiGHS) and networkx's network simplex."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from cicopa.clearing.engine import GuaranteeViolated, Obligation, check_result, clear

NAMES = ["Alfa", "Bravo", "Coopérative Émile", "Кооператив", "協同組合", "Delta", "Echo", "Foxtrot"]
CURRENCIES = ["EUR", "USD", "KES"]
CHECKS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def networks(draw, max_names: int = 8, max_obligations: int = 40) -> list[Obligation]:
    """Random participants and currencies, with parallel obligations, two-way debts and zero amounts."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=max_names, unique=True))
    currencies = draw(st.lists(st.sampled_from(CURRENCIES), min_size=1, max_size=3, unique=True))
    pair = st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(lambda p: p[0] != p[1])
    amount = st.one_of(st.just(0), st.integers(1, 20), st.integers(1, 10**9))
    rows = draw(st.lists(st.tuples(pair, amount, st.sampled_from(currencies)), max_size=max_obligations))
    return [Obligation(str(i), d, c, a, cur) for i, ((d, c), a, cur) in enumerate(rows, 1)]


def net_positions(obligations, amounts) -> Counter:
    net: Counter = Counter()
    for o, amount in zip(obligations, amounts, strict=True):
        net[o.creditor, o.currency] += amount
        net[o.debtor, o.currency] -= amount
    return +net + (-net)  # zeros left out, negatives kept


def lp_optimum(obligations, currency: str) -> int:
    """The most that can be set off in `currency`, by linear programming: maximise the sum of set-offs, a
    circulation within 0..amount."""
    mine = [o for o in obligations if o.currency == currency]
    nodes = sorted({o.debtor for o in mine} | {o.creditor for o in mine})
    if not mine:
        return 0
    at = {name: i for i, name in enumerate(nodes)}
    incidence = np.zeros((len(nodes), len(mine)))
    for j, o in enumerate(mine):
        incidence[at[o.creditor], j] += 1
        incidence[at[o.debtor], j] -= 1
    done = linprog(
        c=-np.ones(len(mine)),
        A_eq=incidence,
        b_eq=np.zeros(len(nodes)),
        bounds=[(0, o.amount) for o in mine],
        method="highs",
    )
    assert done.status == 0, done.message
    return round(-done.fun)


def network_simplex_optimum(obligations, currency: str) -> int:
    """The same by networkx's network simplex: the least remaining debt with the same net positions."""
    graph = nx.MultiDiGraph()
    for o in obligations:
        if o.currency == currency:
            graph.add_edge(o.debtor, o.creditor, capacity=o.amount, weight=1)
    gross = sum(o.amount for o in obligations if o.currency == currency)
    for node in graph.nodes:
        owed = sum(d["capacity"] for _, _, d in graph.in_edges(node, data=True))
        owing = sum(d["capacity"] for _, _, d in graph.out_edges(node, data=True))
        graph.nodes[node]["demand"] = owed - owing
    remaining, _ = nx.network_simplex(graph)
    return gross - remaining


@CHECKS
@given(networks())
def test_every_guarantee_holds_on_random_networks(obligations):
    result = clear(obligations)
    setoff, remaining = result.setoff.tolist(), result.remaining.tolist()
    assert all(type(s) is int for s in setoff)
    for o, s, r in zip(obligations, setoff, remaining, strict=True):
        assert 0 <= s <= o.amount and s + r == o.amount
    # Every participant's net position, per currency, unchanged: the set-offs cancel at every participant.
    assert net_positions(obligations, setoff) == Counter()
    assert net_positions(obligations, remaining) == net_positions(obligations, [o.amount for o in obligations])
    for figures in result.summary.currencies:
        assert figures.cleared == lp_optimum(obligations, figures.currency)
        assert figures.net_internal_debt <= figures.remaining  # no clearing goes below the net positions
    for s in result.statements():
        assert s.owed_after - s.owing_after == s.net


@settings(max_examples=40, deadline=None)
@given(networks(max_names=6, max_obligations=25))
def test_the_optimum_is_that_of_linear_programming_and_of_the_network_simplex(obligations):
    result = clear(obligations)
    cleared = {c.currency: c.cleared for c in result.summary.currencies}
    for currency in {o.currency for o in obligations}:
        assert cleared[currency] == lp_optimum(obligations, currency) == network_simplex_optimum(obligations, currency)


@CHECKS
@given(networks(), st.randoms(use_true_random=False))
def test_row_order_changes_no_total_and_the_same_order_gives_the_same_setoffs(obligations, rng):
    first = clear(obligations)
    assert clear(list(obligations)).setoff.tolist() == first.setoff.tolist()
    shuffled = obligations[:]
    rng.shuffle(shuffled)
    again = clear(shuffled)
    assert again.summary == first.summary
    pairs_first: Counter = Counter()
    pairs_again: Counter = Counter()
    for rows, result, pairs in ((obligations, first, pairs_first), (shuffled, again, pairs_again)):
        for o, s in zip(rows, result.setoff.tolist(), strict=True):
            pairs[o.debtor, o.creditor, o.currency] += s
    assert pairs_first == pairs_again


@CHECKS
@given(networks())
def test_the_checker_refuses_setting_off_nothing_exactly_when_something_could_be(obligations):
    cleared = int(clear(obligations).setoff.sum())
    if cleared:
        with pytest.raises(GuaranteeViolated, match="not the largest"):
            check_result(obligations, [0] * len(obligations))
    else:
        check_result(obligations, [0] * len(obligations))


@CHECKS
@given(networks(), st.data())
def test_the_checker_refuses_any_set_off_moved_off_the_best(obligations, data):
    setoff = clear(obligations).setoff.tolist()
    if not obligations:
        return
    i = data.draw(st.integers(0, len(obligations) - 1))
    step = data.draw(st.sampled_from([-1, 1]))
    setoff[i] += step  # one obligation more or less set off: a net position moves, or the range is left
    with pytest.raises(GuaranteeViolated):
        check_result(obligations, setoff)
