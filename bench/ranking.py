"""Benchmark: the staff ranking page at 5,000 applications and 15,000 reviews on PostgreSQL.

Not a test (pytest collects only ``tests/``). Run from the project root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smallgrants_bench .venv/bin/python bench/ranking.py

It never touches the database named in DATABASE_URL: Django's test-database machinery creates
``<name>_ranking`` next to it, migrates it, loads the data, measures, and drops it again (keep it,
and reuse it on the next run, with ``--keep``). See bench/README.md.
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from common import git_describe, require_postgres
from ranking_data import APPLICATIONS, CALL_SLUG, load_data

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

TARGET_MS = 300.0
TIMED = ("page", "selector", "last", "sql", "rebuild")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed requests (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the benchmark database afterwards and reuse it if it exists"
    )
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one page request")
    parser.add_argument("--explain", action="store_true", help="also print EXPLAIN ANALYZE of the ranking SQL")
    return parser.parse_args()


def ms_stats(samples):
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank
    return {
        "min": round(ordered[0], 2),
        "median": round(statistics.median(ordered), 2),
        "p95": round(p95, 2),
        "max": round(ordered[-1], 2),
    }


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def data_sizes(call):
    from applications.models import Application
    from reviews.models import Assignment, CriterionScore, PoolMembership, Review

    return {
        "applications": Application.objects.filter(competition=call).count(),
        "criteria": call.criteria.count(),
        "reviewers_in_pool": PoolMembership.objects.filter(competition=call).count(),
        "assignments": Assignment.objects.filter(application__competition=call).count(),
        "submitted_reviews": Review.objects.filter(
            assignment__application__competition=call, status=Review.Status.SUBMITTED
        ).count(),
        "criterion_scores": CriterionScore.objects.filter(review__assignment__application__competition=call).count(),
    }


def measure(call, args):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from grants.models import Competition
    from reviews.ranking import ranking_changed, ranking_fresh
    from reviews.selectors import ranking, review_statistics

    url = reverse("projects:staff_ranking", kwargs={"pk": call.pk})
    client = Client()
    client.force_login(User.objects.get(username="bench-staff"))

    def get_page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    for _ in range(args.warmup):
        response = get_page()
    html = response.content.decode()
    # Table rows, less the header row and the funding line.
    rows_on_page = html.count("<tr") - html.count("<thead><tr") - html.count('<tr class="table-danger">')
    from projects.views_ranking import RANKING_PAGE_SIZE

    # The page shows the first RANKING_PAGE_SIZE rows of the full ranking (computed for all of them).
    if rows_on_page != min(APPLICATIONS, RANKING_PAGE_SIZE):
        print(f"warning: {rows_on_page} rows on the page, expected {min(APPLICATIONS, RANKING_PAGE_SIZE)}")

    with CaptureQueriesContext(connection) as captured:
        get_page()
    queries = [q["sql"] for q in captured.captured_queries]

    # The view loads the call with its programme; so does the selector measurement.
    fresh_call = Competition.objects.select_related("programme").get(pk=call.pk)

    def one_page():  # what the page asks of the selector: the count and the first page
        rows = ranking(fresh_call)
        rows.count()
        return rows[:RANKING_PAGE_SIZE]

    def last_page():  # the stored ranks make the last page cost what the first costs
        rows = ranking(fresh_call, sort="normalised")
        start = (rows.count() - 1) // RANKING_PAGE_SIZE * RANKING_PAGE_SIZE
        return rows[start : start + RANKING_PAGE_SIZE]

    def rebuild():  # what the first read after a review submitted pays once
        ranking_changed(competition_id=fresh_call.pk)
        ranking_fresh(fresh_call)

    for _ in range(args.warmup):
        one_page()
        review_statistics(fresh_call)
    # Interleaved, so that they see the same machine (a shared box's load comes and goes).
    page, selector, last, sql, rebuilt = [], [], [], [], []
    for _ in range(args.runs):
        page += timed(get_page, 1)
        selector += timed(one_page, 1)
        last += timed(last_page, 1)
        sql += timed(lambda: review_statistics(fresh_call), 1)
        rebuilt += timed(rebuild, 1)

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        get_page()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    if args.explain:
        sql, params = ranking(fresh_call).query(limit=RANKING_PAGE_SIZE)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(row[0] for row in cursor.fetchall()))

    return {
        "url": url,
        "response_bytes": len(html.encode()),
        "rows_on_page": rows_on_page,
        "queries_per_page": len(queries),
        "queries": queries,
        "page_ms": page,
        "selector_ms": selector,
        "last_ms": last,
        "sql_ms": sql,
        "rebuild_ms": rebuilt,
    }


def main():
    args = parse_args()
    require_postgres("ranking.py", "smallgrants_bench")

    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/ranking.py measures PostgreSQL only; DATABASE_URL does not point at PostgreSQL.")

    # setup_test_environment() is deliberately not called: it swaps in an instrumented template
    # renderer (a signal and a context copy per template) that a real server does not pay for.
    # Our own name, so that we never drop the test_<name> database of a pytest run next door.
    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_ranking"
    test_name = connection.creation._get_test_db_name()
    reuse = False
    if args.keep:
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [test_name])
            reuse = cursor.fetchone() is not None
    print(
        f"Benchmark database: {test_name} ({'reusing it' if reuse else 'creating it'}; "
        f"{'kept' if args.keep else 'dropped'} at the end)"
    )
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=args.keep)
    try:
        from grants.models import Competition

        call = Competition.objects.filter(slug=CALL_SLUG).first()
        if call is None:
            start = time.perf_counter()
            call = load_data()
            print(f"Loaded the data in {time.perf_counter() - start:.1f} s")
        sizes = data_sizes(call)
        result = measure(call, args)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
    finally:
        if args.keep:
            connection.close()
            connection.settings_dict["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)

    stats = {key: ms_stats(result[f"{key}_ms"]) for key in TIMED}
    passed = stats["page"]["median"] < TARGET_MS

    print()
    print(
        f"Staff ranking page, {sizes['applications']:,} applications, {sizes['submitted_reviews']:,} reviews "
        f"({sizes['criterion_scores']:,} criterion scores, {sizes['criteria']} criteria, "
        f"{sizes['reviewers_in_pool']} reviewers), PostgreSQL {pg_version}"
    )
    load = os.getloadavg()
    print(
        f"{args.runs} timed runs after {args.warmup} warm-up runs; times in ms; "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
    )
    print()
    print(f"{'':<34}{'min':>9}{'median':>9}{'p95':>9}")
    labels = {
        "page": "page (client.get, whole stack)",
        "selector": "selector ranking(call), first page",
        "last": "selector, last page (normalised)",
        "sql": "SQL review_statistics(call)",
        "rebuild": "rebuild after a change (once)",
    }
    for key, label in labels.items():
        s = stats[key]
        print(f"{label:<34}{s['min']:>9.1f}{s['median']:>9.1f}{s['p95']:>9.1f}")
    print()
    print(
        f"queries per page: {result['queries_per_page']}; response: {result['response_bytes'] / 1024:,.0f} KiB, "
        f"{result['rows_on_page']:,} rows"
    )
    verdict = "PASS" if passed else "FAIL"
    print(f"{verdict}: page median {stats['page']['median']:.1f} ms (target < {TARGET_MS:.0f} ms)")

    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"ranking-{stamp}.json"
    import django as dj

    payload = {
        "benchmark": "staff ranking page",
        "timestamp": stamp,
        "git": git_describe(),
        "python": platform.python_version(),
        "django": dj.get_version(),
        "postgresql": pg_version,
        "database": test_name,
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in load],
        "runs": args.runs,
        "warmup": args.warmup,
        "data": sizes,
        "target_ms": TARGET_MS,
        "passed": passed,
        "stats_ms": stats,
        **{key: result[key] for key in ("url", "response_bytes", "rows_on_page", "queries_per_page", "queries")},
        "samples_ms": {key: [round(v, 3) for v in result[f"{key}_ms"]] for key in TIMED},
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"results: {path.relative_to(ROOT)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
