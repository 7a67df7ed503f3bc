"""The clearing engine on random trade networks with heavy-tailed degrees (a few co-operatives trade with very
many, most with a few; debtor and creditor drawn with Pareto weights, amounts log-normal, median about 600.00):

(a) `engine.clear` at full size (default 100,000 co-operatives, 1,000,000 invoices): time and peak memory, in a
    process of its own (peak RSS read from the kernel: ru_maxrss), against the bare OR-Tools call on the same
    arrays (SimpleMinCostFlow on every invoice as an arc, supplies the net positions, unit cost 1: what anyone
    would hand the solver first), also in a process of its own;
(b) the total cleared against independent optima: networkx's network simplex and scipy's linear programming
    (HiGHS, sparse) on instances of --check-invoices (default 10,000), and linear programming on many small ones;
(c) a simple cycle-cancelling heuristic (find a cycle by depth-first search, cancel its smallest debt, repeat)
    on the same instances, for contrast;
(e) `cicopa clearing solve` on a CSV file of the full-size network, the whole process (start, read, clear,
    write), against the bare OR-Tools call;
(f) long shapes, where cost scaling is slow: a chain of debts and a ring with one small debt, engine against
    the bare call.
(d), end to end on the database, comes with the clearing house.
Usage: python bench/clearing_engine.py [--cooperatives 100000] [--invoices 1000000] [--check-invoices 10000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from _setup import RESULTS, say

CICOPA = Path(sys.executable).parent / "cicopa"
GiB = 1024**3


def network(cooperatives: int, invoices: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(debtor, creditor, amount in cents) of `invoices` invoices between `cooperatives` co-operatives. Each
    co-operative has a Pareto weight (shape 1.2) by which it is drawn as buyer and as seller alike."""
    rng = np.random.default_rng(seed)
    weight = rng.pareto(1.2, cooperatives) + 1
    weight /= weight.sum()
    debtor = rng.choice(cooperatives, invoices, p=weight)
    creditor = rng.choice(cooperatives, invoices, p=weight)
    while (same := debtor == creditor).any():
        creditor[same] = rng.choice(cooperatives, int(same.sum()), p=weight)
    amount = np.maximum(np.round(rng.lognormal(11, 1.5, invoices)), 1).astype(np.int64)
    return debtor, creditor, amount


def names(cooperatives: int) -> list[str]:
    return [f"co-op {i:06d}" for i in range(cooperatives)]


# --------------------------------------------------------------------------------------------------
# In a process of its own: the engine, the bare solver
# --------------------------------------------------------------------------------------------------


def child(what: str, cooperatives: int, invoices: int, seed: int) -> None:
    debtor, creditor, amount = network(cooperatives, invoices, seed)
    participants = names(cooperatives)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if what == "engine":
        from cicopa.clearing import engine

        obligations = engine.Obligations(participants=participants, debtor=debtor, creditor=creditor, amount=amount)
        start = time.perf_counter()
        result = engine.clear(obligations)
        seconds = time.perf_counter() - start
        figures = {"cleared": int(result.setoff.sum()), "phases": result.phases}
    else:
        from ortools.graph.python import min_cost_flow

        supply = np.zeros(cooperatives, dtype=np.int64)  # what each owes net: its arcs carry it away
        np.add.at(supply, debtor, amount)
        np.subtract.at(supply, creditor, amount)
        tails, heads = debtor.astype(np.int32), creditor.astype(np.int32)
        nodes, costs = np.arange(cooperatives, dtype=np.int32), np.ones(len(amount), dtype=np.int64)
        start = time.perf_counter()
        solver = min_cost_flow.SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(tails, heads, amount, costs)
        solver.set_nodes_supplies(nodes, supply)
        status = solver.solve()
        remaining = solver.flows(np.arange(len(amount), dtype=np.int32))
        seconds = time.perf_counter() - start
        assert status == solver.OPTIMAL, status
        figures = {"cleared": int(amount.sum() - remaining.sum())}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "peak": peak, "input_peak": before, **figures}))


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[str, float, int]:
    """(output, wall seconds, peak RSS in bytes) of a process, read from the kernel when it ends."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, output
    return output, wall, usage.ru_maxrss * 1024


def in_child(what: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--child", what, "--cooperatives", str(args.cooperatives)]
    command += ["--invoices", str(args.invoices), "--seed", str(args.seed)]
    output, _, _ = run(command)
    return json.loads(output.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------------
# Independent optima, and a heuristic for contrast
# --------------------------------------------------------------------------------------------------


def network_simplex(debtor, creditor, amount) -> int:
    """The most that can be cleared, by networkx: the least remaining debt with the same net positions, every
    invoice an arc of its own."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    position: dict[int, int] = {}
    for d, c, a in zip(debtor.tolist(), creditor.tolist(), amount.tolist(), strict=True):
        graph.add_edge(d, c, capacity=a, weight=1)
        position[d] = position.get(d, 0) - a
        position[c] = position.get(c, 0) + a
    for node, net in position.items():
        graph.nodes[node]["demand"] = net
    remaining, _ = nx.network_simplex(graph)
    return int(amount.sum()) - remaining


def linear_programming(debtor, creditor, amount) -> int:
    """The most that can be cleared, by scipy's HiGHS: maximise the set-offs, a circulation within 0..amount."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    nodes = int(max(debtor.max(), creditor.max())) + 1
    n = len(amount)
    columns = np.concatenate([np.arange(n), np.arange(n)])
    incidence = coo_matrix(
        (np.concatenate([np.ones(n), -np.ones(n)]), (np.concatenate([creditor, debtor]), columns)), shape=(nodes, n)
    ).tocsr()
    done = linprog(
        -np.ones(n), A_eq=incidence, b_eq=np.zeros(nodes), bounds=np.column_stack([np.zeros(n), amount]), method="highs"
    )
    assert done.status == 0, done.message
    return round(-done.fun)


def cycle_cancelling(debtor, creditor, amount) -> int:
    """Cleared by repeatedly finding a cycle of unpaid debts (depth-first search) and cancelling its smallest.
    Cancelling only removes debts, so a co-operative from which no cycle was found stays so: one search does it."""
    remaining = amount.tolist()
    heads = creditor.tolist()
    nodes = int(max(debtor.max(), creditor.max())) + 1
    out: list[list[int]] = [[] for _ in range(nodes)]
    for arc, tail in enumerate(debtor.tolist()):
        out[tail].append(arc)
    next_arc = [0] * nodes
    state = [0] * nodes  # 0 not seen, 1 on the path, 2 explored: no cycle from it
    at = [0] * nodes  # position on the path
    cleared = 0
    for root in range(nodes):
        if state[root]:
            continue
        path, arcs = [root], []
        state[root], at[root] = 1, 0
        while path:
            u = path[-1]
            moved = False
            while next_arc[u] < len(out[u]):
                arc = out[u][next_arc[u]]
                v = heads[arc]
                if remaining[arc] == 0 or state[v] == 2:
                    next_arc[u] += 1
                    continue
                if state[v] == 0:
                    state[v], at[v] = 1, len(path)
                    path.append(v)
                    arcs.append(arc)
                else:  # back to the path: a cycle
                    cycle = [*arcs[at[v] :], arc]
                    least = min(remaining[a] for a in cycle)
                    for a in cycle:
                        remaining[a] -= least
                    cleared += least * len(cycle)
                    first = next(i for i, a in enumerate(cycle) if remaining[a] == 0)
                    for w in path[at[v] + first + 1 :]:  # back to the tail of the first debt cancelled
                        state[w] = 0
                    del path[at[v] + first + 1 :]
                    del arcs[at[v] + first :]
                moved = True
                break
            if not moved:
                state[u] = 2
                path.pop()
                if arcs:
                    arcs.pop()
    return cleared


def engine_cleared(debtor, creditor, amount, cooperatives: int) -> tuple[int, float]:
    from cicopa.clearing import engine

    obligations = engine.Obligations(participants=names(cooperatives), debtor=debtor, creditor=creditor, amount=amount)
    start = time.perf_counter()
    result = engine.clear(obligations)
    return int(result.setoff.sum()), time.perf_counter() - start


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - start


def optima(args: argparse.Namespace) -> None:
    cooperatives = max(args.check_invoices // 10, 10)
    say(f"(b, c) {args.check_invoices:,} invoices between {cooperatives:,} co-operatives, three networks:")
    say("   seed    engine   network simplex   linear programming   cycle-cancelling (share of the optimum)")
    for seed in range(args.seed + 1, args.seed + 4):
        d, c, a = network(cooperatives, args.check_invoices, seed)
        ours, t_ours = engine_cleared(d, c, a, cooperatives)
        simplex, t_simplex = timed(network_simplex, d, c, a)
        lp, t_lp = timed(linear_programming, d, c, a)
        greedy, t_greedy = timed(cycle_cancelling, d, c, a)
        assert ours == simplex == lp, (ours, simplex, lp)
        say(
            f"   {seed:>4}  {ours:>14,} ({t_ours:.2f} s)  {simplex:>14,} ({t_simplex:.2f} s)  "
            f"{lp:>14,} ({t_lp:.2f} s)  {greedy:>14,} ({greedy / ours:.1%}, {t_greedy:.2f} s)"
        )
    small = 200
    rng = np.random.default_rng(args.seed)
    equal, greedy_short = 0, []
    for _ in range(small):
        n = int(rng.integers(3, 30))
        d, c, a = network(n, int(rng.integers(1, 120)), int(rng.integers(1 << 30)))
        ours, _ = engine_cleared(d, c, a, n)
        equal += ours == linear_programming(d, c, a)
        if ours:
            greedy_short.append(cycle_cancelling(d, c, a) / ours)
    say(f"   {small} small networks (3-29 co-operatives, 1-119 invoices): engine = linear programming in {equal}")
    say(
        f"   cycle-cancelling on them: {np.mean(greedy_short):.1%} of the optimum on average, "
        f"{min(greedy_short):.1%} at worst"
    )
    assert equal == small


# --------------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------------


def write_csv(path: Path, cooperatives: int, invoices: int, seed: int) -> None:
    debtor, creditor, amount = network(cooperatives, invoices, seed)
    label = names(cooperatives)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "debtor", "creditor", "amount", "currency"])
        for i, (d, c, a) in enumerate(zip(debtor.tolist(), creditor.tolist(), amount.tolist(), strict=True), 1):
            writer.writerow([f"F-{i:07d}", label[d], label[c], a, "EUR"])


def command_line(args: argparse.Namespace) -> tuple[float, int, str]:
    path = RESULTS / f"clearing-{args.cooperatives}-{args.invoices}-{args.seed}.csv"
    RESULTS.mkdir(exist_ok=True)
    if not path.exists():
        write_csv(path, args.cooperatives, args.invoices, args.seed)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CICOPA_") and k != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "CICOPA_SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnop",
        "CICOPA_DATA_DIR": str(RESULTS),
    }
    output, wall, peak = run([str(CICOPA), "clearing", "solve", str(path)], env=env)
    return wall, peak, output


def shapes() -> None:
    from ortools.graph.python import min_cost_flow

    from cicopa.clearing import engine

    def bare(debtor, creditor, amount, nodes: int) -> float:
        supply = np.zeros(nodes, dtype=np.int64)
        np.add.at(supply, debtor, amount)
        np.subtract.at(supply, creditor, amount)
        start = time.perf_counter()
        solver = min_cost_flow.SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(
            debtor.astype(np.int32), creditor.astype(np.int32), amount, np.ones(len(amount), dtype=np.int64)
        )
        solver.set_nodes_supplies(np.arange(nodes, dtype=np.int32), supply)
        assert solver.solve() == solver.OPTIMAL
        return time.perf_counter() - start

    say("(f) long shapes (the bare call as in (a)):")
    for label, n, ring in (
        ("chain", 8_000, False),
        ("chain", 100_000, False),
        ("ring, one debt of 1 among 5s", 8_000, True),
    ):
        debtor = np.arange(n if ring else n - 1)
        creditor = (debtor + 1) % n
        amount = np.full(len(debtor), 5, dtype=np.int64)
        amount[0] = 1
        obligations = engine.Obligations(participants=names(n), debtor=debtor, creditor=creditor, amount=amount)
        start = time.perf_counter()
        result = engine.clear(obligations)
        ours = time.perf_counter() - start
        phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.phases.items())
        theirs = f"{bare(debtor, creditor, amount, n):.2f} s" if n <= 10_000 else "not run (quadratic)"
        say(f"    {label} of {n:,}: engine {ours:.2f} s ({phases}); bare OR-Tools {theirs}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cooperatives", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--check-invoices", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", choices=["engine", "bare"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.cooperatives, args.invoices, args.seed)
        return

    say(f"network: {args.invoices:,} invoices between {args.cooperatives:,} co-operatives (seed {args.seed})")
    engine = in_child("engine", args)
    bare = in_child("bare", args)
    assert engine["cleared"] == bare["cleared"], (engine["cleared"], bare["cleared"])
    phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in engine["phases"].items())
    say(f"(a) engine.clear:         {engine['seconds']:6.2f} s  ({phases})")
    say(
        f"    peak RSS of its process: {engine['peak'] / GiB:.2f} GiB "
        f"({(engine['peak'] - engine['input_peak']) / GiB:.2f} GiB above the input's)"
    )
    say(f"    bare OR-Tools call:    {bare['seconds']:6.2f} s  (peak RSS {bare['peak'] / GiB:.2f} GiB)")
    say(f"    cleared: {engine['cleared']:,} by both")
    say(f"    engine / bare OR-Tools: {engine['seconds'] / bare['seconds']:.2f}x  (target <= 2x; <= 15 s, <= 1 GiB)")
    optima(args)
    wall, peak, output = command_line(args)
    say("(e) cicopa clearing solve, the whole process:")
    for line in output.strip().splitlines():
        say(f"    | {line}")
    say(f"    wall time {wall:.2f} s, peak RSS {peak / GiB:.2f} GiB")
    say(f"    command / bare OR-Tools call: {wall / bare['seconds']:.2f}x")
    shapes()


if __name__ == "__main__":
    main()
