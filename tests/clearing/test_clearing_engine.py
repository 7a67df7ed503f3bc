"""The clearing engine on networks small enough to check by hand, and its checker refusing wrong results."""

from __future__ import annotations

import random

import numpy as np
import pytest

from cicopa.clearing.engine import (
    ClearingInputError,
    GuaranteeViolated,
    Obligation,
    Obligations,
    check_result,
    clear,
)


def network(*edges: tuple[str, str, int] | tuple[str, str, int, str]) -> list[Obligation]:
    return [Obligation(str(i), *edge) for i, edge in enumerate(edges, 1)]


def setoffs(obligations: list[Obligation]) -> list[int]:
    return clear(obligations).setoff.tolist()


def test_a_triangle_clears_in_full():
    result = clear(network(("A", "B", 10), ("B", "C", 10), ("C", "A", 10)))
    assert result.setoff.tolist() == [10, 10, 10]
    assert result.remaining.tolist() == [0, 0, 0]
    (eur,) = result.summary.currencies
    assert (eur.gross_debt, eur.net_internal_debt, eur.cleared) == (30, 0, 30)
    assert eur.share_of_gross == 1.0 and eur.share_of_clearable == 1.0


def test_a_triangle_clears_as_far_as_its_smallest_debt():
    assert setoffs(network(("A", "B", 10), ("B", "C", 7), ("C", "A", 5))) == [5, 5, 5]


def test_a_chain_without_a_cycle_clears_nothing():
    result = clear(network(("A", "B", 10), ("B", "C", 5)))
    assert result.setoff.tolist() == [0, 0]
    (figures,) = result.summary.currencies
    # A owes 10 net, B and C are owed 5 each: 10 must remain whatever is done; 5 more could only go by a cycle.
    assert (figures.gross_debt, figures.net_internal_debt, figures.clearable) == (15, 10, 5)
    assert figures.cleared == 0 and figures.share_of_clearable == 0.0


def test_currencies_are_cleared_apart():
    assert setoffs(network(("A", "B", 10, "EUR"), ("B", "A", 10, "USD"))) == [0, 0]
    result = clear(network(("A", "B", 10, "EUR"), ("B", "A", 10, "USD"), ("B", "A", 4, "EUR")))
    assert result.setoff.tolist() == [4, 0, 4]
    assert [(c.currency, c.cleared, c.gross_debt) for c in result.summary.currencies] == [
        ("EUR", 8, 14),
        ("USD", 0, 10),
    ]
    assert result.summary.participants == 2
    assert result.statement("A", "USD").owed_before == 10
    assert result.statement("A", "EUR").owing_after == 6


def test_a_participant_that_only_owes_keeps_its_debt():
    result = clear(network(("A", "B", 10), ("B", "C", 10), ("C", "A", 10), ("D", "A", 7)))
    assert result.setoff.tolist() == [10, 10, 10, 0]
    d = result.statement("D")
    assert (d.owed_before, d.owing_before, d.owed_after, d.owing_after, d.reduced) == (0, 7, 0, 7, ())
    assert result.statement("A").net == 7 - 0  # owed 10 + 7, owes 10


def test_parallel_invoices_between_the_same_pair_are_set_off_in_input_order():
    result = clear(network(("A", "B", 3), ("A", "B", 4), ("B", "A", 5), ("A", "B", 6)))
    # A owes B 13 in three invoices, B owes A 5: 5 of A's goes, the first invoice whole, 2 of the second.
    assert result.setoff.tolist() == [3, 2, 5, 0]


def test_zero_amounts_are_obligations_of_nothing():
    result = clear(network(("A", "B", 0), ("B", "A", 0), ("A", "B", 5), ("B", "A", 5), ("C", "D", 0)))
    assert result.setoff.tolist() == [0, 0, 5, 5, 0]
    assert result.summary.participants == 4
    assert result.statement("C").owing_before == 0


def test_the_best_clearing_is_found_where_clearing_a_short_cycle_first_leaves_no_cycle_but_more_debt():
    # Clearing A->C against C->A leaves A->B->C: no cycle, 2 remaining. Clearing A->B->C->A leaves 1.
    assert setoffs(network(("A", "B", 1), ("B", "C", 1), ("A", "C", 1), ("C", "A", 1))) == [1, 1, 0, 1]


def test_setting_off_a_two_way_debt_first_is_not_always_best():
    # u->v 10 and v->u 5: netting them first would clear 10 in all; the cycle u->v->w->u clears 30.
    assert setoffs(network(("u", "v", 10), ("v", "u", 5), ("v", "w", 10), ("w", "u", 10))) == [10, 0, 10, 10]


def test_statements_add_up_by_hand():
    obligations = network(("A", "B", 100), ("B", "C", 60), ("C", "A", 40), ("B", "A", 10))
    result = clear(obligations)
    assert result.setoff.tolist() == [50, 40, 40, 10]
    statements = {s.participant: s for s in result.statements()}
    a = statements["A"]
    assert (a.owed_before, a.owing_before, a.owed_after, a.owing_after) == (50, 100, 0, 50)
    assert a.cleared == 50 and a.net == -50 and a.reduced == (0, 2, 3)
    for s in statements.values():
        assert s.owed_after - s.owing_after == s.owed_before - s.owing_before == s.net
        assert s.owing_before - s.owing_after == s.cleared
        assert all(s.participant in (obligations[i].debtor, obligations[i].creditor) for i in s.reduced)
    with pytest.raises(KeyError):
        result.statement("Z")


def test_an_empty_list_clears_nothing():
    result = clear([])
    assert result.setoff.tolist() == [] and result.summary.obligations == 0 and result.summary.currencies == ()


def test_amounts_up_to_the_engines_limit_stay_exact():
    big = 10**18
    result = clear(network(("A", "B", big), ("B", "C", big + 1), ("C", "A", big + 3)))
    assert result.setoff.tolist() == [big, big, big]
    assert result.summary.currencies[0].remaining == 4


@pytest.mark.parametrize(
    ("edges", "says"),
    [
        ((("A", "A", 5),), "debtor is also the creditor"),
        ((("A", "B", -1),), "negative"),
        ((("A", "B", 1.5),), "whole numbers"),
        ((("A", "B", True),), "whole numbers"),
        ((("", "B", 1),), "non-empty"),
        ((("A", "B", 2**62), ("B", "A", 1)), "add up"),
    ],
)
def test_malformed_obligations_are_refused(edges, says):
    with pytest.raises(ClearingInputError, match=says):
        clear(network(*edges))


def test_columns_must_name_each_participant_once():
    with pytest.raises(ClearingInputError, match="once"):
        Obligations(participants=["A", "A"], debtor=[0], creditor=[1], amount=[1])


def test_the_same_rows_in_another_order_clear_the_same_totals_and_the_same_order_the_same_setoffs():
    rng = random.Random(5)
    names = [f"co-op {i}" for i in range(12)]
    rows = []
    for i in range(300):
        debtor, creditor = rng.sample(names, 2)
        rows.append(Obligation(str(i), debtor, creditor, rng.choice([0, rng.randint(1, 10_000)]), rng.choice("EU")))
    first = clear(rows)
    assert clear(list(rows)).setoff.tolist() == first.setoff.tolist()

    def by_pair(result, obligations):
        totals: dict[tuple[str, str, str], int] = {}
        for o, s in zip(obligations, result.setoff.tolist(), strict=True):
            key = (o.debtor, o.creditor, o.currency)
            totals[key] = totals.get(key, 0) + s
        return totals

    for _ in range(3):
        shuffled = rows[:]
        rng.shuffle(shuffled)
        again = clear(shuffled)
        assert again.summary == first.summary
        assert by_pair(again, shuffled) == by_pair(first, rows)
        assert {s.participant + s.currency: s for s in again.statements()}.keys() == {
            s.participant + s.currency for s in first.statements()
        }


# --------------------------------------------------------------------------------------------------
# The checker refuses what is wrong
# --------------------------------------------------------------------------------------------------

TRIANGLE = network(("A", "B", 10), ("B", "C", 10), ("C", "A", 10))


def test_the_checker_accepts_the_best_clearing():
    check_result(TRIANGLE, [10, 10, 10])
    check_result(network(("A", "B", 10), ("B", "C", 5)), [0, 0])


@pytest.mark.parametrize(
    ("setoff", "says"),
    [
        ([10, 10, 5], "net position of A would change by -5"),  # C pays A less than A's debt went down
        ([11, 11, 11], "11 set off out of 10"),  # more than owed
        ([-1, -1, -1], "-1 set off out of 10"),
        ([0, 0, 0], "not the largest clearing"),  # valid, but the triangle could go
        ([5, 5, 5], "not the largest clearing"),
        ([10.0, 10.0, 10.0], "whole numbers"),
        ([10, 10], "2 set-offs for 3 obligations"),
    ],
)
def test_the_checker_refuses_a_wrong_result(setoff, says):
    with pytest.raises(GuaranteeViolated, match=says):
        check_result(TRIANGLE, setoff)


def test_the_checker_refuses_a_clearing_that_leaves_no_cycle_yet_is_not_the_largest():
    obligations = network(("A", "B", 1), ("B", "C", 1), ("A", "C", 1), ("C", "A", 1))
    with pytest.raises(GuaranteeViolated, match="not the largest"):
        check_result(obligations, [0, 0, 1, 1])
    check_result(obligations, [1, 1, 0, 1])


def test_the_checker_refuses_a_set_off_across_currencies():
    obligations = network(("A", "B", 10, "EUR"), ("B", "A", 10, "USD"))
    with pytest.raises(GuaranteeViolated, match="net position of A EUR"):
        check_result(obligations, [10, 10])


def test_the_checker_works_on_columns_too():
    columns = Obligations(
        participants=["A", "B", "C"], debtor=np.array([0, 1, 2]), creditor=np.array([1, 2, 0]), amount=[3, 4, 5]
    )
    check_result(columns, np.array([3, 3, 3]))
    with pytest.raises(GuaranteeViolated):
        check_result(columns, np.array([2, 2, 2]))
