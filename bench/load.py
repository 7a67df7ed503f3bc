"""The platform under a crowd: `cicopa serve` (gunicorn, production settings) on loopback, driven by closed-loop
clients, each a Python thread on its own http.client connection (gunicorn's sync workers close it after each
answer), through a bounded mix of anonymous reads and an editor's writes.

Reads (seeded, the same sequence every run): directory searches with varied words and filters (35 %),
organisation profiles (30 %), API searches `/api/v1/organisations?q=...` (20 %), the statistics dashboard with
varied filters (15 %); 80 % in English, 12 % in French, 8 % in Spanish. Within each kind the URLs are drawn
with Zipf weights (the n-th most asked for, 1/n): a few searches and pages are asked for often, most rarely.
Writes: the demo's co-operative editor saves its profile through the API with a bearer token every
--write-every seconds, from a thread of its own.

For each number of clients: a warm-up (--warmup s, not counted), then --duration s counted: requests/s, p50,
p95 and p99 latency, errors (any answer but 200, or no answer), the writes apart, and the CPU time of the
server (gunicorn's master and workers) and of this client process, as shares of the machine's cores: the
client runs on the same machine and takes some of what the server could have.

Usage: python bench/load.py [--size 1000000] [--clients 1,50] [--duration 60] [--warmup 10]
       [--workers N] [--write-every 10] [--redis] [--env NAME=VALUE ...] [--cicopa PATH] [--label TEXT]
--cicopa: another installation's `cicopa` (another version of the code) on the same database, for a baseline.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from _server import (
    Server,
    cicopa_command,
    demo_database,
    free_port,
    get,
    machine_cpu_seconds,
    serve,
    shell,
    wait_for_quiet,
)
from _setup import pct, say

SEED = 2026
WORDS = [
    "joinery",
    "bakery",
    "taxi",
    "cleaning",
    "software",
    "printing",
    "textiles",
    "home care",
    "harbour joinery",
    "valley builders",
    "pharmacy",
    "couriers",
    "architects",
    "potters",
    "recycling",
    "energy",
    "clinic",
    "catering",
    "childcare",
    "forestry",
    "metalworks",
    "roofing",
    "weavers",
    "consultancy",
    "nursing",
    "haulage",
    "glassworks",
    "translators",
    "cooperativa",
    "scop",
]
COUNTRIES = ["FR", "ES", "IT", "KE", "BR", "IN", "DE", "JP"]
SECTORS = ["construction", "transport", "health", "artisanal", "social_care", "industrial_production"]
STATISTICS = [
    "/statistics/",
    "/statistics/?measure=employees",
    "/statistics/?region=150",
    "/statistics/?sector=construction",
    "/statistics/countries/FR/",
    "/statistics/?measure=cooperatives",
    "/statistics/countries/ES/",
    "/statistics/?region=002",
    "/statistics/?membership_type=worker",
    "/statistics/countries/IT/",
]
KINDS = (("directory", 35), ("profile", 30), ("api", 20), ("statistics", 15))
LANGUAGES = (("en", 80), ("fr", 12), ("es", 8))
PAGE_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def searches(rng: random.Random) -> list[str]:
    """Query strings of directory searches: words alone, with a country or a sector, filters alone, page 2."""
    out = []
    for word in WORDS:
        out.append(urllib.parse.urlencode({"q": word}))
        out.append(urllib.parse.urlencode({"q": word, "country": rng.choice(COUNTRIES)}))
        out.append(urllib.parse.urlencode({"q": word, "sector": rng.choice(SECTORS)}))
        out.append(urllib.parse.urlencode({"q": word, "page": 2}))
    for country in COUNTRIES:
        out.append(urllib.parse.urlencode({"country": country, "sector": rng.choice(SECTORS)}))
    rng.shuffle(out)
    return out


def zipf(rng: random.Random, items: list[str]) -> str:
    return rng.choices(items, weights=[1 / n for n in range(1, len(items) + 1)])[0]


@dataclass
class Request:
    kind: str
    path: str
    headers: dict[str, str]


def plan(slugs: list[str], n: int) -> list[Request]:
    rng = random.Random(SEED)
    directory, api = searches(rng), searches(rng)
    kinds, kind_weights = zip(*KINDS, strict=True)
    languages, language_weights = zip(*LANGUAGES, strict=True)
    out = []
    for _ in range(n):
        kind = rng.choices(kinds, kind_weights)[0]
        lang = rng.choices(languages, language_weights)[0]
        prefix = "" if lang == "en" else f"/{lang}"
        headers = {"Accept-Language": f"{lang},en;q=0.5"}
        if kind == "api":
            path = "/api/v1/organisations?" + zipf(rng, api)
            headers["Accept"] = "application/json"
        else:
            headers["Accept"] = PAGE_ACCEPT
            if kind == "directory":
                path = f"{prefix}/?" + zipf(rng, directory)
            elif kind == "profile":
                path = f"{prefix}/organisations/{zipf(rng, slugs)}/"
            else:
                path = prefix + zipf(rng, STATISTICS)
        out.append(Request(kind, path, headers))
    return out


@dataclass
class Outcome:
    kind: str
    status: int  # 0: no answer
    ms: float


@dataclass
class Run:
    stop: threading.Event = field(default_factory=threading.Event)
    counting: threading.Event = field(default_factory=threading.Event)
    outcomes: list[list[Outcome]] = field(default_factory=list)
    writes: list[Outcome] = field(default_factory=list)


def client(port: int, requests: list[Request], counter: itertools.count[int], run: Run, out: list[Outcome]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while not run.stop.is_set():
        r = requests[next(counter) % len(requests)]
        start = time.perf_counter()
        try:
            conn.request("GET", r.path, headers=r.headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
        if run.counting.is_set():
            out.append(Outcome(r.kind, status, (time.perf_counter() - start) * 1000))


def editor(port: int, slug: str, key: str, every: float, run: Run) -> None:
    """Saves the editor's profile (its phone number, changed each time) every `every` seconds."""
    for n in itertools.count():
        if run.stop.wait(every):
            return
        body = json.dumps({"phone": f"+33 1 23 45 {n % 100:02d} {n % 97:02d}"})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start = time.perf_counter()
        try:
            conn.request(
                "PATCH",
                f"/api/v1/organisations/{slug}",
                body=body,
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
        finally:
            conn.close()
        if run.counting.is_set():
            run.writes.append(Outcome("write", status, (time.perf_counter() - start) * 1000))


def drive(
    server: Server, requests: list[Request], args: argparse.Namespace, clients: int, editor_login: tuple[str, str]
):
    run = Run()
    counter = itertools.count()
    threads = []
    for _ in range(clients):
        out: list[Outcome] = []
        run.outcomes.append(out)
        threads.append(threading.Thread(target=client, args=(server.port, requests, counter, run, out), daemon=True))
    threads.append(
        threading.Thread(target=editor, args=(server.port, *editor_login, args.write_every, run), daemon=True)
    )
    for t in threads:
        t.start()
    time.sleep(args.warmup)
    cpu_server, cpu_client, cpu_all = server.cpu_seconds(), sum(os.times()[:2]), machine_cpu_seconds()
    wall = time.perf_counter()
    run.counting.set()
    time.sleep(args.duration)
    run.counting.clear()
    elapsed = time.perf_counter() - wall
    cpu_server, cpu_client = server.cpu_seconds() - cpu_server, sum(os.times()[:2]) - cpu_client
    cpu_others = machine_cpu_seconds() - cpu_all - cpu_server - cpu_client
    run.stop.set()
    for t in threads:
        t.join(70)
    reads = [o for out in run.outcomes for o in out]
    cores = os.cpu_count() or 1
    ms = [o.ms for o in reads]
    errors = sum(1 for o in reads + run.writes if o.status != 200)
    say(
        f"{clients:>3} clients: {len(reads) / elapsed:7.1f} requests/s  p50 {pct(ms, 50):7.1f} ms  "
        f"p95 {pct(ms, 95):7.1f} ms  p99 {pct(ms, 99):7.1f} ms  errors {errors}  "
        f"({len(reads):,} reads in {elapsed:.0f} s; CPU: server {100 * cpu_server / elapsed / cores:.0f} %, "
        f"client {100 * cpu_client / elapsed / cores:.0f} %, other processes {100 * cpu_others / elapsed / cores:.0f} "
        f"% of {cores} cores)"
    )
    for kind, _weight in KINDS:
        t = [o.ms for o in reads if o.kind == kind]
        if t:
            say(f"      {kind:<10} {len(t):>6,}  p50 {pct(t, 50):7.1f} ms  p95 {pct(t, 95):7.1f} ms")
    w = [o.ms for o in run.writes]
    if w:
        failed = sum(1 for o in run.writes if o.status != 200)
        say(f"      {'writes':<10} {len(w):>6,}  p50 {pct(w, 50):7.1f} ms  max {max(w):7.1f} ms  errors {failed}")
    codes: dict[int, int] = {}
    for o in reads + run.writes:
        if o.status != 200:
            codes[o.status] = codes.get(o.status, 0) + 1
    if codes:
        say(f"      answers other than 200: {codes}")


def start_redis() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)
    return proc, f"redis://127.0.0.1:{port}/0"


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped: stop the server too (the finally blocks)
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000, help="generated co-operatives in the directory")
    parser.add_argument("--clients", default="1,50")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="as `cicopa serve`")
    parser.add_argument("--write-every", type=float, default=10)
    parser.add_argument("--redis", action="store_true", help="pages in a Redis server of this run's own")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    parser.add_argument("--cicopa", help="the cicopa command to serve with (another version of the code)")
    parser.add_argument("--label", default="")
    parser.add_argument("--quiet", type=float, help="wait until other processes use at most this %% of the cores")
    parser.add_argument("--patience", type=float, default=900, help="seconds to wait for --quiet at most")
    args = parser.parse_args()
    cicopa = cicopa_command(args.cicopa)
    data_dir = demo_database(args.size, cicopa_command())  # migrated by this version: a baseline ignores the rest
    env = dict(item.split("=", 1) for item in args.env)
    redis = None
    if args.redis:
        redis, env["CICOPA_CACHE_URL"] = start_redis()

    setup = shell(
        cicopa,
        data_dir,
        "from django.contrib.auth import get_user_model\n"
        "from cicopa.core import services\n"
        "from cicopa.registry.models import Organisation, OrganisationAccess\n"
        "import json, random\n"
        "user = get_user_model().objects.get(username='cooperative')\n"
        "slug = OrganisationAccess.objects.filter(user=user).values_list('organisation__slug', flat=True).first()\n"
        "_token, key = services.api_token_create(actor=user, user=user, name='load benchmark')\n"
        "top = Organisation.objects.exclude(kind='cooperative').order_by('id').values_list('id', flat=True)\n"
        "last = Organisation.objects.order_by('-id').values_list('id', flat=True).first()\n"
        f"rng = random.Random({SEED})\n"
        "ids = list(top) + [rng.randrange(1, last) for _ in range(200)]\n"
        "slugs = list(Organisation.objects.filter(id__in=ids).values_list('slug', flat=True))\n"
        "rng.shuffle(slugs)\n"
        "print(json.dumps({'slug': slug, 'key': key, 'slugs': slugs}))",
    )
    found = json.loads(setup.splitlines()[-1])
    requests = plan(found["slugs"], 200_000)
    say(
        f"load {args.label}: {args.size:,} co-operatives, {args.workers} gunicorn workers, "
        f"{len({r.path for r in requests}):,} distinct addresses in the plan, a write every {args.write_every:g} s"
        + (f", server env {env}" if env else "")
    )
    try:
        server = serve(data_dir, workers=args.workers, cicopa=cicopa, **env)
        try:
            status, _ = get(server.port, "/?q=joinery")
            if status != 200:
                raise RuntimeError(f"GET /?q=joinery answered {status}: see {server.log}")
            for clients in (int(c) for c in args.clients.split(",")):
                if args.quiet is not None:
                    wait_for_quiet(args.quiet / 100, args.patience)
                drive(server, requests, args, clients, (found["slug"], found["key"]))
        finally:
            server.stop()
    finally:
        if redis is not None:
            redis.terminate()
            redis.wait()


if __name__ == "__main__":
    main()
