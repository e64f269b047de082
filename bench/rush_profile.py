"""Profile the rush's two requests in-process: one autosave and one submit of bench/rush.py's
data, through the whole Django stack (``django.test.Client``, the rush's settings and URLconf),
with their queries (``CaptureQueriesContext``) and a cProfile of each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smallgrants_bench .venv/bin/python bench/rush_profile.py

Options: ``--repeat N`` (time N autosaves and N submits, each of another applicant, and print the
median), ``--top N`` (rows of each profile), ``--sql`` (print each query).
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
os.environ["DJANGO_SETTINGS_MODULE"] = "rush_app"
if os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):  # sessions in Redis, as rush.py runs
    os.environ.setdefault("SMALLGRANTS_CACHE_URL", os.environ["CELERY_BROKER_URL"])

from common import require_postgres  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (default tottime)")
    return parser.parse_args()


def main(args):
    require_postgres("rush_profile.py", "smallgrants_bench")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rush_data import CSRF_SECRET, load

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{old_name}_rushprof"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        applicants = load(2 * args.repeat + 2)
        client = Client(enforce_csrf_checks=True)

        def post(applicant, what):
            client.cookies.load({"sessionid": applicant["session"], "csrftoken": CSRF_SECRET})
            path = {
                "signed-in": "/bench/signed-in/",
                "locked-write": f"/bench/locked-write/{applicant['pk']}/",
            }.get(what, f"/applications/{applicant['pk']}/{what}/")
            headers = {"HX-Request": "true"} if what == "autosave" else {}
            response = client.post(
                path, urlencode(applicant["form"]), content_type="application/x-www-form-urlencoded", headers=headers
            )
            expected = {"autosave": 200, "submit": 302}.get(what, 204)
            assert response.status_code == expected, (what, response.status_code)
            return response

        client.post("/bench/insert/")  # what a process loads lazily
        post(applicants[-1], "autosave")
        post(applicants[-1], "submit")
        from django.conf import settings

        print(f"sessions: {settings.SESSION_ENGINE}, cache: {settings.CACHES['default']['BACKEND']}")
        for what, applicant in (("autosave", applicants[0]), ("submit", applicants[0])):
            with CaptureQueriesContext(connection) as queries:
                post(applicant, what)
            print(f"\n=== {what}: {len(queries)} queries")
            for query in queries.captured_queries:
                print("  ", query["sql"][: 2000 if args.sql else 110])
        profiles = {"autosave": cProfile.Profile(), "submit": cProfile.Profile()}
        for applicant in applicants[1 : 1 + 2 * args.repeat : 2]:
            for what in ("autosave", "submit"):
                profiles[what].enable()
                post(applicant, what)
                profiles[what].disable()
        for what, profile in profiles.items():
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(f"\n=== profile of {args.repeat} {what}s\n{out.getvalue()}")
        kinds = ("bare", "signed-in", "locked-write", "autosave", "submit")
        wall = {kind: [] for kind in kinds}
        cpu = {kind: [] for kind in kinds}
        for applicant in applicants[2 : 2 + 2 * args.repeat : 2]:
            for what in ("bare", "signed-in", "locked-write", "autosave", "autosave", "autosave", "submit"):
                start, start_cpu = time.perf_counter(), time.process_time()
                client.post("/bench/insert/") if what == "bare" else post(applicant, what)
                wall[what].append(time.perf_counter() - start)
                cpu[what].append(time.process_time() - start_cpu)
        for name, samples in (("wall", wall), ("CPU of this process", cpu)):
            medians = {k: statistics.median(v) * 1000 for k, v in samples.items()}
            rush = (3 * medians["autosave"] + medians["submit"]) / 4
            print(
                f"\nmedian ms, {name}: "
                + ", ".join(f"{k} {v:.2f}" for k, v in medians.items())
                + f"; bare / mean of the rush's requests (3 autosaves, a submit) = {medians['bare'] / rush:.2f}"
                + f"; bare / signed-in = {medians['bare'] / medians['signed-in']:.2f}"
                + f"; bare / locked-write = {medians['bare'] / medians['locked-write']:.2f}"
            )
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(parse_args())
