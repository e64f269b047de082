"""Benchmark: deadline day. N applicants autosave three times, then submit, all at once, against
gunicorn (deploy/gunicorn.conf.py, two workers per core) and PostgreSQL, with a Celery worker sending the
e-mails; compared, in the same run, with a bare one-INSERT view on the same stack.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smallgrants_bench \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/rush.py --applicants 100

The servers run as deployed: sessions in the shared cache (Redis: ``--cache-url``, by default the
broker's), the Celery worker at ``nice 10`` (deploy/systemd/smallgrants-worker.service). A warm-up
(two applicants per gunicorn worker: a bare POST, 3 autosaves and a submit) loads what each worker
loads lazily. Phases: the baseline (N clients, 4 POSTs each to the bare view), the floor (N clients,
4 signed-in POSTs each that lock their draft and write one column: the least a checked autosave
does), the rush (N clients:
3 autosaves and a submit each), the baseline again; the two baselines are averaged. Throughput is requests per
second from the start signal to the last answer. Then it waits for the outbox to drain and counts
the e-mails the worker printed (console back-end): each member of each group exactly once. Last,
the RSS of each gunicorn worker. Goals (2 cores, 100 applicants): throughput at least 0.5 x the
bare view, submit p95 under 2 s, 0 errors, every e-mail once. Exits 1 when one is missed.
"""

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from common import git_describe, require_postgres

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
HOST = "127.0.0.1"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=100)
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2 * os.cpu_count(), 4),
        help="gunicorn workers (default: as deploy/gunicorn.conf.py, two per core, at most 4)",
    )
    parser.add_argument("--port", type=int, default=8712)
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("SMALLGRANTS_CACHE_URL") or os.environ.get("CELERY_BROKER_URL", ""),
        help="the shared cache (sessions), Redis as in deploy/smallgrants.env.example; default "
        "SMALLGRANTS_CACHE_URL, else the broker's Redis; 'db' for the database cache",
    )
    return parser.parse_args()


def request(method, path, body=None, cookies="", headers=None):
    connection = http.client.HTTPConnection(HOST, ARGS.port, timeout=120)
    sent = {"Cookie": cookies, **(headers or {})}
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    start = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or "", time.perf_counter() - start
    finally:
        connection.close()


def crowd(jobs):
    """Run each job (a list of requests) in its own thread, all released at once."""
    barrier = threading.Barrier(len(jobs) + 1)
    results = [[] for _ in jobs]

    def run(number, job):
        barrier.wait()
        for kind, method, path, body, cookies, headers, ok in job:
            try:
                status, location, seconds = request(method, path, body, cookies, headers)
                results[number].append((kind, seconds, ok(status, location)))
            except OSError as error:
                results[number].append((kind, 0.0, False))
                print(f"{kind} {path}: {error}", file=sys.stderr)

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    flat = [row for rows in results for row in rows]
    return {"wall_s": wall, "requests": len(flat), "rps": len(flat) / wall, "rows": flat}


def baseline(n):
    ok = lambda status, location: status == 200  # noqa: E731
    return crowd([[("bare", "POST", "/bench/insert/", "", "", {}, ok)] * 4 for _ in range(n)])


def rush(applicants):
    jobs = []
    for a in applicants:
        cookies = f"sessionid={a['session']}; csrftoken={CSRF_SECRET}"
        body = urlencode(a["form"])
        detail = f"/applications/{a['pk']}/"
        saved = lambda status, location: status == 200  # noqa: E731
        submitted = lambda status, location, detail=detail: status == 302 and location.endswith(detail)  # noqa: E731
        autosave = ("autosave", "POST", f"{detail}autosave/", body, cookies, {"HX-Request": "true"}, saved)
        jobs.append([autosave] * 3 + [("submit", "POST", f"{detail}submit/", body, cookies, {}, submitted)])
    return crowd(jobs)


def floor(applicants):
    """What any checked autosave must do at the least, on the same crowd: each client four
    signed-in POSTs that lock its draft and write one column (``bench/rush_urls.py``)."""
    jobs = []
    for a in applicants:
        cookies = f"sessionid={a['session']}; csrftoken={CSRF_SECRET}"
        body = urlencode({"csrfmiddlewaretoken": CSRF_SECRET})
        ok = lambda status, location: status == 204  # noqa: E731
        jobs.append([("floor", "POST", f"/bench/locked-write/{a['pk']}/", body, cookies, {}, ok)] * 4)
    return crowd(jobs)


def warm_up(warming):
    """Every worker's first requests load what they load lazily (modules, templates, the content
    type): a few applicants, two per worker, each a bare POST, an autosave and a submit at once,
    so that neither phase measured pays a cold start."""
    ok = lambda status, location: True  # noqa: E731
    bare = ("bare", "POST", "/bench/insert/", "", "", {}, ok)
    for job in rush(warming)["rows"]:
        if not job[2]:
            raise SystemExit(f"the warm-up failed: {job}")
    crowd([[bare] * 4 for _ in warming])


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)] if ordered else float("nan")


def worker_rss_mb(master_pid):
    sizes = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            rss = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
            sizes[int(status.parent.name)] = round(int(rss.group(1)) / 1024, 1) if rss else None
    return sizes


def start_servers(database_url, log_dir):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "rush_app",
        "PYTHONPATH": f"{BENCH}{os.pathsep}{ROOT}",
        "WEB_CONCURRENCY": str(ARGS.workers),
        "GUNICORN_BIND": f"{HOST}:{ARGS.port}",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT, env=env, stdout=open(log_dir / "gunicorn.log", "w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker = subprocess.Popen(
        ["nice", "-n", "10", sys.executable, "-m", "celery", "-A", "config", "worker",
         "--concurrency", "1", "--pool", "solo", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=open(log_dir / "worker.log", "w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(120):
        try:
            if request("GET", "/healthz")[0] == 200:
                return web, worker
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer /healthz; see {log_dir / 'gunicorn.log'}")


def main():
    require_postgres("rush.py", "smallgrants_bench")
    if ARGS.cache_url.startswith("redis://"):  # before settings are read, here and in the servers
        os.environ["SMALLGRANTS_CACHE_URL"] = ARGS.cache_url
    else:
        os.environ.pop("SMALLGRANTS_CACHE_URL", None)
    import django

    django.setup()
    from django.db import connection
    from rush_data import load

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{old_name}_rush"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    log_dir = Path(tempfile.mkdtemp(prefix="smallgrants-rush-"))
    web = worker = None
    try:
        everyone = load(ARGS.applicants + 2 * ARGS.workers)
        applicants, warming = everyone[: ARGS.applicants], everyone[ARGS.applicants :]
        name = connection.settings_dict["NAME"]
        base_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        connection.close()
        web, worker = start_servers(f"{base_url}/{name}", log_dir)
        warm_up(warming)
        first = baseline(ARGS.applicants)
        floored = floor(applicants)
        rushed = rush(applicants)
        second = baseline(ARGS.applicants)
        rss = worker_rss_mb(web.pid)
        outcome = drain_and_count(everyone, log_dir)
    finally:
        for process in (web, worker):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    report(first, rushed, second, rss, outcome, log_dir, floored)


def drain_and_count(applicants, log_dir):
    """Wait (up to 2 minutes) for every submission e-mail to be sent, then count them."""
    from notifications.models import OutboxMessage

    expected = sum(a["members"] for a in applicants)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        sent = OutboxMessage.objects.filter(kind="application_submitted", status=OutboxMessage.Status.SENT).count()
        if sent >= expected:
            break
        time.sleep(1)
    rows = OutboxMessage.objects.filter(kind="application_submitted").count()
    time.sleep(2)  # the console back-end's last lines
    recipients = Counter(re.findall(r"^To: (.+)$", (log_dir / "worker.log").read_text(), re.M))
    return {"expected": expected, "outbox_rows": rows, "sent": sent, "printed": recipients}


def report(first, rushed, second, rss, outcome, log_dir, floored):
    bare_rps = (first["rps"] + second["rps"]) / 2
    submits = [s for kind, s, _ok in rushed["rows"] if kind == "submit"]
    errors = sum(1 for _k, _s, ok in rushed["rows"] if not ok) + sum(
        1 for run in (first, second, floored) for _k, _s, ok in run["rows"] if not ok
    )
    printed = outcome["printed"]
    once = (
        len(printed) == outcome["expected"] and set(printed.values()) == {1} and outcome["sent"] == outcome["expected"]
    )
    ratio = rushed["rps"] / bare_rps
    p50, p95 = statistics.median(submits), percentile(submits, 0.95)
    goals = {
        "throughput >= 0.5 x bare": ratio >= 0.5,
        "submit p95 < 2 s": p95 < 2.0,
        "0 errors": errors == 0,
        "every e-mail exactly once": once,
        "worker RSS <= 130 MB": all(v is not None and v <= 130 for v in rss.values()),
    }
    load = os.getloadavg()
    print(f"\n{ARGS.applicants} applicants, {ARGS.workers} gunicorn workers, {os.cpu_count()} CPUs, load {load[0]:.2f}")
    from django.conf import settings

    cache = settings.CACHES["default"]["BACKEND"]
    print(f"sessions: {settings.SESSION_ENGINE} (cache {cache}); the Celery worker at nice 10")
    print(f"bare one-INSERT view: {first['rps']:.1f} and {second['rps']:.1f} requests/s (mean {bare_rps:.1f})")
    print(
        f"rush: {rushed['requests']} requests in {rushed['wall_s']:.1f} s = {rushed['rps']:.1f} requests/s "
        f"({ratio:.2f} x bare); {len(submits) / rushed['wall_s']:.1f} submits/s"
    )
    print(
        f"floor (signed in, the draft locked, one column written): {floored['rps']:.1f} requests/s "
        f"({floored['rps'] / bare_rps:.2f} x bare): the most any checked autosave could reach"
    )
    print(f"submit latency: p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(submits):.2f} s; errors: {errors}")
    autosaves = [s for kind, s, _ok in rushed["rows"] if kind == "autosave"]
    print(
        f"autosave latency: p50 {statistics.median(autosaves):.2f} s, p95 {percentile(autosaves, 0.95):.2f} s, "
        f"max {max(autosaves):.2f} s"
    )
    print(
        f"e-mails: {outcome['expected']} expected, {outcome['outbox_rows']} outbox rows, {outcome['sent']} sent, "
        f"{sum(printed.values())} printed to {len(printed)} recipients"
    )
    print(f"gunicorn worker RSS after the rush (MB): {sorted(rss.values())}")
    for goal, met in goals.items():
        print(f"{'PASS' if met else 'FAIL'}: {goal}")
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results / f"rush-{stamp}.json"
    summary = {
        "benchmark": "rush", "timestamp": stamp, "git": git_describe(), "applicants": ARGS.applicants,
        "workers": ARGS.workers, "load_average": load, "session_engine": settings.SESSION_ENGINE,
        "cache": cache, "bare_rps": [first["rps"], second["rps"]],
        "floor_rps": floored["rps"], "floor_ratio": floored["rps"] / bare_rps,
        "rush_rps": rushed["rps"], "ratio": ratio, "submit_p50_s": p50, "submit_p95_s": p95, "errors": errors,
        "emails": {**outcome, "printed": dict(printed)}, "worker_rss_mb": rss, "goals": goals, "logs": str(log_dir),
    }  # fmt: skip
    path.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"results: {path.relative_to(ROOT)}; server logs: {log_dir}")
    sys.exit(0 if all(goals.values()) else 1)


if __name__ == "__main__":
    from rush_data import CSRF_SECRET

    ARGS = parse_args()
    main()
