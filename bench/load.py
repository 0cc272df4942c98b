"""Load benchmark (issue 8, item 10): gunicorn on loopback, 600 bases, 6,000 students, N users.

    .venv/bin/python bench/load.py [--minutes 5] [--users 50] [--restart-db-at SECONDS]
                                   [--think 2.0] [--pages]

1. Starts a throwaway PostgreSQL 15 cluster on loopback (as .ci/run does: its own temp dir and
   a free port), migrates, runs ``seed_demo`` and bench/scale.py (600 bases, 6,000 students).
2. collectstatic into a temp DJANGO_STATIC_ROOT, then gunicorn with 2 x cores + 1 workers and
   production settings (DJANGO_DEBUG=0, a random secret key, DJANGO_ALLOWED_HOSTS=127.0.0.1,
   DJANGO_SECURE_SSL_REDIRECT=0). Cookies are Secure; the client sends them back anyway.
3. ``--users`` threads, each logged in as a demo account (or a scaled one), for ``--minutes``:
   browse lists, open details found on them, download a PDF linked from a detail page, and
   submit a form (a supervisor contact, Art 20; the college secretary's approval of an Annex 2,
   a real state transition). Think time between requests: uniform 0.5-1.5 x ``--think`` s.
   Every request is recorded (kind, status, latency); the report gives the totals, errors
   (5xx, connection errors, unexpected 4xx, a form that did not go through), and p50/p95/p99
   per kind and overall.
4. ``--restart-db-at N``: at second N, ``pg_ctl restart -m fast``; reports the seconds from the
   restart to the last error. After every run: each object with a TransitionLog row must be in
   the state its latest row names (no half-done transition), checked in the database.
5. Stops gunicorn and the cluster and removes the temp dirs, also on Ctrl-C or an error.

Not run by CI; figures go in bench/README.md.
"""

import argparse
import collections
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
PASSWORD = "xcu-demo-2025"
# Who the simulated users are, in turn (several sessions may share an account).
ACCOUNTS = [
    "office", "secretary", "tutor", "mentor", "student", "head", "expert", "secretary2",
    "tutor2", "student2", "legal", "head2", "expert2", "office", "bt0001", "bt0002",
    "bs000002", "bs000004", "bt0003", "bt0004",
]  # fmt: skip
LISTS = ["/", "/agreements/", "/applications/", "/practice/requests/", "/students/",
         "/evaluation/"]  # fmt: skip
DETAIL = re.compile(
    r'href="(/(?:agreements/\d+|applications/\d+|practice/requests/\d+|practice/supervisors/\d+'
    r'|practice/assessments/\d+|students/\d+|evaluation/(?:rounds|evaluations)/\d+)/)"'
)
PDF = re.compile(r'href="(/[^"]+\.pdf)"')
CONTACT = re.compile(r'href="(/practice/requests/\d+/contacts/new/)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REFUSED = re.compile(
    r'class="[^"]*(?:alert-danger|invalid-feedback|errorlist)[^"]*"[^>]*>(.*?)</', re.S
)
PERIOD = re.compile(r"实践期间（(\d{4}-\d\d-\d\d) 至 (\d{4}-\d\d-\d\d)）")
HIDDEN = re.compile(r'<input type="hidden" name="(seen_state|seen_round)" value="([^"]*)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the cluster -----------------------------------------------------------------------------


class Cluster:
    """A throwaway PostgreSQL 15 cluster on loopback, as .ci/run makes one."""

    def __init__(self, tmp: Path):
        self.dir = tmp / "pg"
        self.dir.mkdir()
        self.port = free_port()
        self.url = f"postgres://xcu@127.0.0.1:{self.port}/xcu_bases"
        self.os_user = None
        if os.getuid() == 0:  # initdb refuses root
            self.os_user = "postgres"
            if subprocess.run(["id", "postgres"], capture_output=True).returncode:
                self.os_user = "xcuci"
                if subprocess.run(["id", "xcuci"], capture_output=True).returncode:
                    subprocess.run(
                        ["useradd", "--system", "--no-create-home", "xcuci"], check=True
                    )
            os.chmod(tmp, 0o755)
            shutil.chown(self.dir, self.os_user)

    def _run(self, *args, check=True):
        cmd = [str(PGBIN / args[0]), *args[1:]]
        if self.os_user:
            cmd = ["runuser", "-u", self.os_user, "--", *cmd]
        # Never a pipe: the server pg_ctl starts would keep it open, and we would wait forever.
        with open(self.dir / "pg_ctl.log", "ab") as out:
            return subprocess.run(cmd, check=check, stdout=out, stderr=out, timeout=120)

    def start(self):
        self._run("initdb", "-D", f"{self.dir}/data", "-U", "xcu", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8")  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c max_connections=200"
        )
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/server.log", "-w",
                  "-o", options, "start")  # fmt: skip
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "xcu", "xcu_bases")

    def restart(self):
        return self._run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/server.log",
                         "-m", "fast", "-w", "restart", check=False)  # fmt: skip

    def stop(self):
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop", check=False)


# --- the simulated users ---------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []  # (t since start, kind, status, ms, error text, path)
        self.t0 = time.monotonic()

    def add(self, kind, status, ms, error="", path=""):
        with self.lock:
            self.rows.append((time.monotonic() - self.t0, kind, status, ms, error, path))


class Session:
    """One browser: its own cookies (sent back although Secure), one request at a time."""

    def __init__(self, port: int, recorder: Recorder):
        self.port = port
        self.recorder = recorder
        self.cookies = {}

    def request(self, kind, method, path, form=None, expect=(200,), record=True):
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "xcu-bench-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        started = time.perf_counter()
        status, text, location, error = 0, "", "", ""
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
                location = response.getheader("Location", "")
                for name, value in response.getheaders():
                    if name.lower() == "set-cookie":
                        key, _, rest = value.partition("=")
                        self.cookies[key.strip()] = rest.split(";", 1)[0]
                if "html" in (response.getheader("Content-Type") or ""):
                    text = data.decode("utf-8", "replace")
                elif status == 200 and kind == "pdf" and not data.startswith(b"%PDF"):
                    error = "not a PDF"
            finally:
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        ms = (time.perf_counter() - started) * 1000
        if not error and status not in expect:
            error = f"HTTP {status} {path}"
        if record:
            self.recorder.add(kind, status, ms, error, path)
        return status, text, location, error


class User(threading.Thread):
    def __init__(self, n, username, port, recorder, stop, think, arrival=0.0):
        super().__init__(name=f"user-{n}", daemon=True)
        self.arrival = arrival
        self.username = username
        self.session = Session(port, recorder)
        self.recorder = recorder
        self.stop = stop
        self.think = think
        self.rng = __import__("random").Random(n)
        self.details = collections.OrderedDict()
        self.pdfs = set()
        self.contacts = set()
        self.logged_in = False

    def pause(self):
        self.stop.wait(self.think * self.rng.uniform(0.5, 1.5))

    def login(self):
        _, text, _, error = self.session.request("login", "GET", "/login/")
        token = CSRF.search(text or "")
        if error or not token:
            return False
        _, _, _, error = self.session.request(
            "login", "POST", "/login/",
            {"csrfmiddlewaretoken": token[1], "username": self.username, "password": PASSWORD},
            expect=(302,),
        )  # fmt: skip
        self.logged_in = not error
        return self.logged_in

    def learn(self, text):
        for path in DETAIL.findall(text):
            self.details[path] = None
            self.details.move_to_end(path)
        while len(self.details) > 300:
            self.details.popitem(last=False)
        self.pdfs.update(p for p in PDF.findall(text) if "/print/" not in p)
        self.contacts.update(CONTACT.findall(text))

    def get(self, kind, path, expect=(200,)):
        status, text, location, _ = self.session.request(kind, "GET", path, expect=expect)
        if status == 302 and "/login/" in location:
            self.logged_in = False
        if text:
            self.learn(text)
        return status, text

    def browse(self):
        path = self.rng.choice(LISTS)
        if path != "/" and self.rng.random() < 0.3:
            path += "?page=2"
        # A list a role may not see answers 404 (students, for one): expected, not an error.
        self.get("list", path, expect=(200, 404))

    def detail(self):
        if not self.details:
            return self.browse()
        self.get("detail", self.rng.choice(list(self.details)))

    def pdf(self):
        if self.pdfs:
            self.get("pdf", self.rng.choice(sorted(self.pdfs)))
        else:
            self.detail()

    def contact(self):
        if not self.contacts:
            return self.detail()
        path = self.rng.choice(sorted(self.contacts))
        status, text = self.get("form-get", path)
        token = CSRF.search(text or "")
        if status != 200 or not token:
            return
        self.pause()
        form = {
            "csrfmiddlewaretoken": token[1],
            "on": time.strftime("%Y-%m-%d"),
            "mode": self.rng.choice(["phone", "online", "face_to_face"]),
            "topic": "实践进展与论文数据采集安排（压测）",
            "notes": "双方交流了实践进展，商定下月完成数据采集。",
        }
        status, text, _, error = self.session.request(
            "form-post", "POST", path, form, expect=(302, 200)
        )
        if status == 200 and not error:  # form shown again: it did not go through
            period = PERIOD.search(text or "")
            if period and period[2] <= form["on"]:  # a practice already over: date it inside
                form["on"] = period[2]
                status, text, _, error = self.session.request(
                    "form-post", "POST", path, form, expect=(302, 200)
                )
        if status == 200 and not error:
            why = REFUSED.search(text or "")
            why = re.sub(r"<[^>]+>|\s+", " ", unescape(why[1])).strip()[:80] if why else "?"
            self.recorder.add("form-post", 200, 0, f"contact refused {path}: {why}")

    def approve(self):
        """The college secretary approves one Annex 2 waiting for the college (a transition)."""
        status, text = self.get("list", "/practice/requests/?state=college_review")
        waiting = re.findall(r'href="/practice/requests/(\d+)/"', text or "")
        if not waiting:
            return self.detail()
        path = f"/practice/requests/{self.rng.choice(waiting)}/college-approve/"
        status, text = self.get("form-get", path, expect=(200, 302))  # 302: approved meanwhile
        token = CSRF.search(text or "")
        if status != 200 or not token:
            return
        self.pause()
        form = {"csrfmiddlewaretoken": token[1], "comment": "学院同意（压测）。"}
        form.update(dict(HIDDEN.findall(text)))
        self.session.request("form-post", "POST", path, form, expect=(302,))

    def run(self):
        actions = [self.browse] * 45 + [self.detail] * 40 + [self.pdf] * 3
        if self.username.startswith(("tutor", "mentor", "bt")):
            actions += [self.contact] * 12
        elif self.username.startswith("secretary"):
            actions += [self.approve] * 12
        self.stop.wait(self.arrival)  # users arrive one by one over the ramp-up
        while not self.stop.is_set():
            if not self.logged_in and not self.login():
                self.pause()
                continue
            self.rng.choice(actions)()
            self.pause()


# --- the report ------------------------------------------------------------------------------


def pct(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def _is(kind, row):
    """``pages``: every request but the log-in (one password hash each, 1,000,000 rounds)."""
    return kind == "all" or kind == row[1] or (kind == "pages" and row[1] != "login")


def report(rows, seconds, restart_at=None):
    print()
    print(f"{'kind':<10} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'max ms':>8}")  # fmt: skip
    kinds = sorted({r[1] for r in rows})
    for kind in [*kinds, "pages", "all"]:
        sel = [r for r in rows if _is(kind, r) and r[3] > 0]
        errs = [r for r in rows if _is(kind, r) and r[4]]
        ms = [r[3] for r in sel]
        print(f"{kind:<10} {len(sel):>8} {len(errs):>6} {pct(ms, 50):>8.0f} {pct(ms, 95):>8.0f} "
              f"{pct(ms, 99):>8.0f} {max(ms, default=0):>8.0f}")  # fmt: skip
    total = len([r for r in rows if r[3] > 0])
    errors = [r for r in rows if r[4]]
    print(f"\n{total} requests in {seconds:.0f} s = {total / seconds:.1f} req/s, "
          f"{len(errors)} errors")  # fmt: skip
    for text, n in collections.Counter(r[4] for r in errors).most_common(12):
        print(f"  {n:>5} x {text[:110]}")
    if restart_at is not None:
        # What a restart causes: 5xx, 400 (a session lost mid-request) and connection errors.
        down = [r for r in errors if r[2] >= 500 or r[2] in (0, 400)]
        after = [r for r in down if r[0] >= restart_at]
        if after:
            last = max(r[0] for r in after) - restart_at
            verdict = "OK" if last < 30 else "TOO LONG"
            print(
                f"DB restart at {restart_at:.0f} s: {len(after)} failed requests after it, the "
                f"last {last:.1f} s after the restart ({verdict}, target < 30 s); "
                f"{len(down) - len(after)} before it"
            )
            seconds = collections.Counter(int(r[0] - restart_at) for r in after)
            print("  failures by second after the restart: " + ", ".join(
                f"+{s}s: {n}" for s, n in sorted(seconds.items())))  # fmt: skip
        else:
            print(f"DB restart at {restart_at:.0f} s: no failed request after it")


def slowest(rows, n=10):
    """The pages with the highest p95, ids replaced by <id>."""
    pages = collections.defaultdict(list)
    for row in rows:
        if row[3] > 0:
            page = re.sub(r"/\d+/", "/<id>/", row[5].split("?")[0])
            pages[(row[1], page)].append(row[3])
    ranked = sorted(pages.items(), key=lambda item: -pct(item[1], 95))
    print("\nslowest pages (p95 over at least 5 requests):")
    for (kind, page), ms in [item for item in ranked if len(item[1]) >= 5][:n]:
        print(
            f"  {kind:<10} {page:<45} n={len(ms):>5}  p50 {pct(ms, 50):>5.0f}  "
            f"p95 {pct(ms, 95):>5.0f}  max {max(ms):>5.0f} ms"
        )


def cpu_seconds(pids) -> float:
    """User + system CPU of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postmaster_cpu(datadir: Path) -> float:
    """The postmaster's CPU with its exited children (each request's backend)."""
    try:
        pid = int((datadir / "postmaster.pid").read_text().split()[0])
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, ValueError, IndexError):
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [master, *map(int, children.read_text().split())] if children.exists() else [master]


def check_transitions(env, since_iso):
    """bench/transitions_check.py on the run's database."""
    out = subprocess.run(
        [PY, "bench/transitions_check.py", since_iso], cwd=ROOT, env=env, capture_output=True,
        text=True,
    )  # fmt: skip
    print(out.stdout.strip())
    if out.returncode not in (0, 1):
        print(out.stderr[-3000:])


# --- main ------------------------------------------------------------------------------------


def manage(env, *args):
    started = time.perf_counter()
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    log(f"manage.py {' '.join(args)}: {time.perf_counter() - started:.0f} s")


def wait_for(port, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--restart-db-at", type=float, default=None)
    parser.add_argument("--think", type=float, default=2.0, help="mean think time, seconds")
    parser.add_argument("--pages", action="store_true", help="then run bench/page_queries.py")
    parser.add_argument(
        "--pages-only", action="store_true", help="build the data, run bench/page_queries.py, stop"
    )
    parser.add_argument("--ramp", type=float, default=30, help="users arrive over this, s")
    parser.add_argument("--bases", type=int, default=600)
    parser.add_argument("--students", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=2 * os.cpu_count() + 1)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="xcu-load."))
    cluster, gunicorn = None, None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        cluster = Cluster(tmp)
        cluster.start()
        log(f"PostgreSQL 15 on 127.0.0.1:{cluster.port} ({tmp})")
        env = {**os.environ, "DATABASE_URL": cluster.url, "XCU_NOTIFY_EMAIL_IN_BACKGROUND": "0",
               "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}  # fmt: skip
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        started = time.perf_counter()
        subprocess.run([PY, "bench/scale.py", "--bases", str(args.bases), "--students",
                        str(args.students)], cwd=ROOT, env=env, check=True)  # fmt: skip
        log(f"bench/scale.py: {time.perf_counter() - started:.0f} s")
        if args.pages_only:
            subprocess.run([PY, "bench/page_queries.py"], cwd=ROOT, env=env, check=True)
            return
        env.update(
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_STATIC_ROOT=str(tmp / "static"),
            DJANGO_MEDIA_ROOT=str(tmp / "media"),
        )
        manage(env, "collectstatic", "--noinput")
        subprocess.run([PY, "manage.py", "shell", "-c", "from django.db import connection; "
                        "connection.cursor().execute('ANALYZE')"], cwd=ROOT, env=env, check=True)  # fmt: skip
        port = free_port()
        app_log = open(tmp / "app.log", "wb")  # noqa: SIM115 (closed with the run)
        gunicorn = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "xcu_bases.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--log-level", "warning",
             "--error-logfile", str(tmp / "gunicorn.log")],
            cwd=ROOT, env=env, start_new_session=True, stdout=app_log, stderr=app_log,
        )  # fmt: skip
        wait_for(port, gunicorn)
        warm = Session(port, Recorder())
        for _ in range(args.workers * 3):  # every worker imports the app before the clock starts
            warm.request("warm", "GET", "/login/", record=False)
        log(f"gunicorn on 127.0.0.1:{port}, {args.workers} workers; {args.users} users for "
            f"{args.minutes:g} min, think time ~{args.think:g} s, ramp-up {args.ramp:g} s; "
            f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip

        since = subprocess.run([PY, "-c", "import datetime; print(datetime.datetime.now("
                                "datetime.timezone.utc).isoformat())"], capture_output=True,
                               text=True).stdout.strip()  # fmt: skip
        pids = workers(gunicorn.pid)
        cpu_before = cpu_seconds(pids)
        pg_before = postmaster_cpu(cluster.dir / "data")
        recorder = Recorder()
        stop = threading.Event()
        users = [
            User(
                i,
                ACCOUNTS[i % len(ACCOUNTS)],
                port,
                recorder,
                stop,
                args.think,
                arrival=args.ramp * i / args.users,
            )
            for i in range(args.users)
        ]
        for user in users:
            user.start()
        duration = args.minutes * 60
        restarted = None
        while (elapsed := time.monotonic() - recorder.t0) < duration:
            if (
                args.restart_db_at is not None
                and restarted is None
                and elapsed >= args.restart_db_at
            ):
                restarted = elapsed
                log("pg_ctl restart -m fast")
                result = cluster.restart()
                back = time.monotonic() - recorder.t0 - restarted
                log(f"PostgreSQL back (pg_ctl exit {result.returncode}) after {back:.1f} s")
            time.sleep(0.5)
            if int(elapsed) % 30 == 0 and elapsed - int(elapsed) < 0.5:
                log(f"{int(elapsed)} s: {len(recorder.rows)} requests, "
                    f"{sum(1 for r in recorder.rows if r[4])} errors")  # fmt: skip
        stop.set()
        for user in users:
            user.join(timeout=70)
        seconds = time.monotonic() - recorder.t0
        cpu = cpu_seconds(pids) - cpu_before
        pg_cpu = postmaster_cpu(cluster.dir / "data") - pg_before
        report(list(recorder.rows), seconds, restarted)
        served = sum(1 for r in recorder.rows if r[3] > 0)
        print(
            f"gunicorn CPU: {cpu:.0f} s over {seconds:.0f} s ({cpu / seconds:.2f} cores), "
            f"{cpu / max(served, 1) * 1000:.0f} ms a request on average "
            f"(workers restarted: {sorted(set(workers(gunicorn.pid)) - set(pids)) or 'none'})"
        )
        if restarted is None:
            print(f"PostgreSQL CPU (backends included): {pg_cpu:.0f} s")
        slowest(list(recorder.rows))
        check_transitions(env, since)
        if args.pages:
            print(
                "\nserver time and queries per page, one user at a time (bench/page_queries.py):"
            )
            subprocess.run([PY, "bench/page_queries.py"], cwd=ROOT, env=env, check=False)
        lines = (tmp / "app.log").read_text(errors="replace").splitlines()
        lines += (tmp / "gunicorn.log").read_text(errors="replace").splitlines()
        bad = [line for line in lines if " ERROR " in line or "Traceback" in line]
        print(f"app log: {len(lines)} lines, {len(bad)} ERROR/Traceback")
        for text, n in collections.Counter(line[24:140] for line in bad).most_common(8):
            print(f"  {n:>5} x {text}")
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if gunicorn and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        if cluster:
            cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        log("cleaned up")


if __name__ == "__main__":
    main()
