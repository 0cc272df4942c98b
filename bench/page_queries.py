"""Queries and server time of each page the load benchmark visits, one user at a time.

    DATABASE_URL=postgres://... .venv/bin/python bench/page_queries.py [runs]

Run by bench/load.py after its run, on the same scaled database (600 bases, 6,000 students);
also usable on its own. For each account, GETs the lists and the first detail of each kind
linked from them ``runs`` times (default 5) with Django's test Client (no network, no
gunicorn), and prints the median time, the number of queries and the size of the page, the
slowest first. Not run by CI.
"""

import os
import re
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xcu_bases.settings")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from xcu_bases.models import User  # noqa: E402

SLOW_SQL = {}  # path: its three slowest statements (last measured user)
ACCOUNTS = ["office", "secretary", "tutor", "mentor", "student", "expert", "bt0001"]
LISTS = ["/", "/agreements/", "/applications/", "/practice/requests/", "/students/",
         "/evaluation/"]  # fmt: skip
DETAIL = re.compile(
    r'href="(/(?:agreements/\d+|applications/\d+|practice/requests/\d+|practice/supervisors/\d+'
    r'|students/\d+|evaluation/(?:rounds|evaluations)/\d+)/)"'
)


def measure(client, path, runs):
    response = client.get(path)  # warm-up
    if response.status_code != 200:
        return None
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    captured = queries.captured_queries
    sql_ms = sum(float(q["time"]) for q in captured) * 1000
    SLOW_SQL[path] = sorted(captured, key=lambda q: -float(q["time"]))[:3]
    return statistics.median(times), len(queries), sql_ms, len(response.content), response


def main(runs=5):
    rows = []
    for username in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        seen = set()
        for path in LISTS:
            result = measure(client, path, runs)
            if result is None:
                continue
            *figures, response = result
            rows.append((username, path, *figures))
            for detail in DETAIL.findall(response.content.decode()):
                kind = re.sub(r"\d+", "<id>", detail)
                if kind in seen:
                    continue
                seen.add(kind)
                result = measure(client, detail, runs)
                if result is not None:
                    rows.append((username, detail, *result[:-1]))
    rows.sort(key=lambda row: -row[2])
    print(f"{'user':<10} {'page':<40} {'median ms':>9} {'queries':>7} {'SQL ms':>7} {'KiB':>5}")
    for username, path, median, queries, sql_ms, size in rows:
        print(
            f"{username:<10} {path:<40} {median:>9.0f} {queries:>7} {sql_ms:>7.0f} "
            f"{size / 1024:>5.0f}"
        )
    print("\nthe slowest statements of the three slowest pages:")
    for _, path, *_ in rows[:3]:
        print(f"  {path}")
        for query in SLOW_SQL.get(path, []):
            sql = " ".join(query["sql"].split())
            print(f"    {float(query['time']) * 1000:6.1f} ms  {sql[:300]}")


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(numbers[0]) if numbers else 5)
