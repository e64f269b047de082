"""Benchmark: every page of every role at 10 and at 10,000 applications, on PostgreSQL.

Not a test (pytest collects only ``tests/``). Run from the project root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smallgrants_bench .venv/bin/python bench/pages.py

The pages are the GET routes of the permission matrix (tests/test_permissions.py ``MATRIX``), each
opened by every role allowed to (anonymous, applicant, reviewer, mentor, staff), against the
matrix's world padded to each size (bench/pages_data.py). One database per size, made from one
migrated template next to the database named in DATABASE_URL (never that one), dropped at the end.

Server time is ``django.test.Client`` in-process (the whole stack, no network), the median of
``--repeats`` rounds. Each round takes the pages in a shuffled order and opens each at every size
one right after the other (one warm connection per database), so both sizes see the same machine.
A page fails when at the largest size its median exceeds ``--ratio`` (1.2) times its median at the
smallest (and by more than ``--slack-ms``, the timer's noise on a page of a few ms), or when it
runs more queries. Exits 1 when a page fails. With a size between the two (``--sizes 10 1000
10000``) the table also says whether a page grows between the two largest, where lists show full
pages. See bench/README.md.
"""

import argparse
import gc
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from common import git_describe, require_postgres

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("SMALLGRANTS_PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="smallgrants-pages-"))

ROLES = ("anonymous", "member", "reviewer", "mentor", "staff")  # one actor per role of the matrix


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 10_000], help="smallest first")
    parser.add_argument("--repeats", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first (default 2)")
    parser.add_argument("--ratio", type=float, default=1.2, help="largest / smallest median allowed")
    parser.add_argument("--slack-ms", type=float, default=3.0, help="differences below this always pass")
    parser.add_argument(
        "--only", default="", help="only routes whose name contains this (or one of these, comma-separated)"
    )
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of each page at each size")
    parser.add_argument("--sort", default="tottime", help="the profile's pstats sort key (default tottime)")
    parser.add_argument("--top", type=int, default=25, help="rows of each profile (default 25)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the databases (<name>_pages_<size>) for EXPLAIN ANALYZE afterwards"
    )
    parser.add_argument("--profile-dir", help="also write each profile there (<route>-<role>-<size>.pstats)")
    return parser.parse_args()


def pages(world, only=""):
    """``[(route name, role, path)]``: every GET route, for every role allowed to open it."""
    from django.urls import reverse

    from tests.test_permissions import MATRIX

    found = []
    for name, route in sorted(MATRIX.items()):
        if route.post is not None or not any(part in name for part in only.split(",")):
            continue
        path = reverse(name, kwargs={key: value(world) for key, value in route.kwargs.items()})
        found += [(name, role, path) for role in ROLES if role in route.ok]
    return found


WRAPPERS = {}


def switch(name):
    """Make ``name`` the default database: one open connection per database, kept warm, so that
    switching between the sizes costs nothing and can happen before every request."""
    from django.db import connections
    from django.db.utils import load_backend

    if name not in WRAPPERS:
        settings_dict = {**connections["default"].settings_dict, "NAME": name}
        WRAPPERS[name] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = WRAPPERS[name]
    WRAPPERS[name].ensure_connection()


def close_all():
    for wrapper in WRAPPERS.values():
        wrapper.close()


def get(client, path):
    response = client.get(path)
    if response.status_code not in (200, 302):
        raise RuntimeError(f"{path}: {response.status_code}")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def load(size):
    """Build the world and pad it (e-mail is not handed to the broker while loading)."""
    from django.test import Client
    from pages_data import build_world, pad

    import notifications.services

    real = notifications.services.publish_send
    notifications.services.publish_send = lambda *message_ids: None
    try:
        world = build_world()
        data = pad(world, size)
    finally:
        notifications.services.publish_send = real
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if world.people[role] is not None:
            clients[role].force_login(world.people[role])
    return world, data, clients


def main():
    args = parse_args()
    require_postgres("pages.py", "smallgrants_bench")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    old_name = connection.settings_dict["NAME"]
    base = f"{old_name}_pages"
    names = {size: f"{base}_{size}" for size in args.sizes}
    connection.settings_dict["TEST"]["NAME"] = names[args.sizes[0]]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    connection.close()
    with connection._nodb_cursor() as cursor:
        for size in args.sizes[1:]:
            cursor.execute(f'DROP DATABASE IF EXISTS "{names[size]}"')
            cursor.execute(f'CREATE DATABASE "{names[size]}" TEMPLATE "{names[args.sizes[0]]}"')
    state, samples, queries, table_rows = {}, {}, {}, {}
    try:
        for size in args.sizes:
            switch(names[size])
            start = time.perf_counter()
            world, data, clients = load(size)
            state[size] = (pages(world, args.only), clients)
            print(f"size {size:,}: loaded in {time.perf_counter() - start:.1f} s: {data}")
        for size in args.sizes:  # queries once per page, after a first request warmed the caches
            switch(names[size])
            listed, clients = state[size]
            for name, role, path in listed:
                get(clients[role], path)
                with CaptureQueriesContext(connection) as captured:
                    response = get(clients[role], path)
                queries[(name, role, size)] = len(captured.captured_queries)
                table_rows[(name, role, size)] = table_rows_of(response)
            # What the first requests stored (the ranking is built on its first read) gets the
            # statistics autovacuum gives it in a live database a minute later.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        pairs = [(page, number) for number, page in enumerate(state[args.sizes[0]][0])]
        for round_number in range(args.warmup + args.repeats):
            random.Random(round_number).shuffle(pairs)  # no page always follows the same one
            for (name, role, _path), number in pairs:
                # Every page at every size, one right after the other, the order alternating.
                for size in args.sizes if round_number % 2 == 0 else reversed(args.sizes):
                    switch(names[size])
                    listed, clients = state[size]
                    path = listed[number][2]
                    gc.collect()  # the garbage of the page before is not this page's cost
                    begin = time.perf_counter()
                    get(clients[role], path)
                    elapsed = (time.perf_counter() - begin) * 1000
                    if round_number >= args.warmup:
                        samples.setdefault((name, role, size), []).append(elapsed)
        if args.profile:
            profile(args, names, state)
    finally:
        close_all()
        connection.close()
        connection.settings_dict["NAME"] = old_name
        if args.keep:
            print(f"kept: {', '.join(names.values())}")
        else:
            with connection._nodb_cursor() as cursor:
                for name in names.values():
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    report(args, state, samples, queries, table_rows)


def profile(args, names, state):
    """The queries of each page at each size with their times (by ``EXPLAIN ANALYZE``), and one
    request at each size under cProfile (what grows is what differs between the two)."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for size in args.sizes:
        switch(names[size])
        listed, clients = state[size]
        for name, role, path in listed:
            with CaptureQueriesContext(connection) as captured:
                get(clients[role], path)
            print(f"\n--- {name} ({role}) at {size:,}: queries (ms)")
            for query in captured.captured_queries:
                print(f"{explained_ms(connection, query['sql']):8.2f}  {query['sql'][:150]}")
            profiler = cProfile.Profile()
            profiler.enable()
            get(clients[role], path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
            if args.profile_dir:
                os.makedirs(args.profile_dir, exist_ok=True)
                profiler.dump_stats(f"{args.profile_dir}/{name.replace(':', '-')}-{role}-{size}.pstats")


def explained_ms(connection, sql):
    """The query's execution time in ms by ``EXPLAIN ANALYZE`` (the captured time has a resolution of
    1 ms); a cursor's ``DECLARE … FOR`` is explained as its ``SELECT``."""
    select = re.sub(r"^DECLARE .*? CURSOR WITH HOLD FOR ", "", sql.strip())
    if not select.startswith(("SELECT", "WITH")):
        return float("nan")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {select}")
        return cursor.fetchone()[0][0]["Execution Time"]


def table_rows_of(response) -> int | None:
    """How many table rows an HTML page shows (``None`` for a file): a list's cost grows with its
    rows, so a short first page at the small size is told apart from a page that grows."""
    if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
        return None
    return response.content.count(b"<tr")


def report(args, state, samples, queries, table_rows):
    """The rule compares the smallest size with the largest. With a size between them (``--sizes
    10 1000 10000``), the last columns also compare the two largest, where every list shows full
    pages: what grows there grows with the data, not with the rows a short first page lacks."""
    small, large = args.sizes[0], args.sizes[-1]
    middle = args.sizes[-2] if len(args.sizes) > 2 else None
    load = os.getloadavg()
    print(f"\nmedian server time of {args.repeats} interleaved rounds (ms); {os.cpu_count()} CPUs, load {load[0]:.2f}")
    also = f"{middle:>9,}{'ratio':>7}  grows?" if middle else ""
    print(f"{'page':<42}{'role':<10}{small:>9,}{large:>9,}{'ratio':>7}{'queries':>12}{'<tr>s':>12}  verdict{also}")
    rows, failed = [], []
    for name, role, _path in state[small][0]:
        medians = {size: statistics.median(samples[(name, role, size)]) for size in args.sizes}
        counts = {size: queries[(name, role, size)] for size in args.sizes}
        shown = {size: table_rows[(name, role, size)] for size in args.sizes}
        ratio = medians[large] / medians[small]
        slow = ratio > args.ratio and medians[large] - medians[small] > args.slack_ms
        more_queries = counts[large] > counts[small]
        verdict = "FAIL" if slow or more_queries else "ok"
        if verdict == "FAIL":
            failed.append(f"{name} ({role})")
        also = ""
        if middle:
            grows = medians[large] / medians[middle]
            flat = grows <= args.ratio or medians[large] - medians[middle] <= args.slack_ms
            also = f"   {medians[middle]:>9.1f}{grows:>7.2f}  {'no' if flat else 'YES'}"
        print(
            f"{name:<42}{role:<10}{medians[small]:>9.1f}{medians[large]:>9.1f}{ratio:>7.2f}"
            f"{counts[small]:>6}{counts[large]:>6}{shown[small] if shown[small] is not None else '-':>6}"
            f"{shown[large] if shown[large] is not None else '-':>6}  {verdict:<7}{also}"
        )
        rows.append(
            {
                "page": name, "role": role, "median_ms": medians, "queries": counts, "table_rows": shown,
                "ratio": ratio, "ok": verdict == "ok",
            }
        )  # fmt: skip
    print(
        f"\n{len(rows) - len(failed)} of {len(rows)} pages pass" + (f"; failing: {', '.join(failed)}" if failed else "")
    )
    row_costs(args, [row for row in rows if not row["ok"]])
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results / f"pages-{stamp}.json"
    payload = {
        "benchmark": "pages",
        "timestamp": stamp,
        "git": git_describe(),
        "sizes": args.sizes,
        "repeats": args.repeats,
        "ratio": args.ratio,
        "slack_ms": args.slack_ms,
        "load_average": load,
        "pages": rows,
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print(f"results: {path.relative_to(ROOT)}")
    sys.exit(1 if failed else 0)


def row_costs(args, failing):
    """For a failing page that shows more rows at the largest size: what each extra row costs, and
    what a row could cost at most for the rule to hold (``ratio - 1`` times the small page, shared
    among the extra rows). Tells a page whose extra time is its rows from one that grows."""
    small, large = args.sizes[0], args.sizes[-1]
    shown = [row for row in failing if (row["table_rows"][large] or 0) > (row["table_rows"][small] or 0)]
    if not shown:
        return
    print(f"\nfailing pages that show more rows at {large:,} than at {small:,} (µs per extra row):")
    print(f"{'page':<42}{'role':<10}{'extra rows':>11}{'cost':>8}{'budget':>8}")
    for row in shown:
        extra = row["table_rows"][large] - row["table_rows"][small]
        cost = (row["median_ms"][large] - row["median_ms"][small]) * 1000 / extra
        budget = (args.ratio - 1) * row["median_ms"][small] * 1000 / extra
        row["row_cost_us"], row["row_budget_us"] = cost, budget
        print(f"{row['page']:<42}{row['role']:<10}{extra:>11}{cost:>8.0f}{budget:>8.0f}")


if __name__ == "__main__":
    main()
