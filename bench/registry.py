"""How long the registry page (基地名录) takes with 600 bases, and how many queries.

    .venv/bin/python bench/registry.py [runs] [--bases N]

Builds N bases (default 600) as bench/bases_export.py does, in its own throwaway
SQLite database (/tmp/xcu-bench-registry.sqlite3), then GETs
``agreements:base_list`` ``runs`` times (default 20) with Django's test Client
logged in as the graduate office: the first page unfiltered, then the same page
filtered by college. Prints the median and max in ms and the number of queries
of one request. Not run by CI; figures go in bench/README.md.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("XCU_BENCH_DB", "/tmp/xcu-bench-registry.sqlite3")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bases_export import build
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xcu_bases.models import College


def measure(client: Client, url: str, params: dict, runs: int) -> tuple[list[float], int, int]:
    response = client.get(url, params)  # warm-up: templates, caches
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    return times, len(queries), len(response.content)


def main(runs: int = 20, n: int = 600):
    office = build(n)
    client = Client()
    client.force_login(office)
    url = reverse("agreements:base_list")
    college = College.objects.order_by("code").first()
    for label, params in (("all bases", {}), ("one college", {"college": college.pk})):
        times, queries, size = measure(client, url, params, runs)
        print(
            f"{label}: {runs} GETs of {n} bases: median {statistics.median(times):.0f} ms, "
            f"max {max(times):.0f} ms, {queries} queries, {size / 1024:.0f} KiB of HTML"
        )


if __name__ == "__main__":
    args = sys.argv[1:]
    n = int(args[args.index("--bases") + 1]) if "--bases" in args else 600
    numbers = [a for a in args if a.isdigit() and a != str(n)]
    main(int(numbers[0]) if numbers else 20, n=n)
