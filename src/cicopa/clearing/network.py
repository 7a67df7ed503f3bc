"""The obligations the clearing engine takes, and the network it makes of them: one node per (currency,
participant), numbered by their names; the arcs are the debts. No Django here (clearing/engine.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# The sum of all amounts stays below this, so that every sum the engine and the solver make fits in 64 bits.
MAX_TOTAL = 2**62


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
