"""manage.py backup / restore, and the drill: a backup taken while a writer keeps writing.

Every test runs with transaction=True: the backup reads the database through its own
connection, which cannot see rows inside a test's open transaction. The same tests run on
PostgreSQL when DATABASE_URL points at one (see .ci/run).
"""

import hashlib
import io
import json
import re
import shutil
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, connections

from xcu_bases import backup
from xcu_bases.models import College

transactional = pytest.mark.django_db(transaction=True)


def live_db():
    return connections["default"].settings_dict


def make_media(root: Path):
    """Uploads of several kinds: nested folders, a Chinese name, an empty and a binary file."""
    files = {
        "agreements/协议书扫描件.pdf": b"%PDF-1.7 scan",
        "practice/supervisors/cv.docx": b"PK\x03\x04 cv",
        "bases/evidence/empty.txt": b"",
        "evaluation/evidence/blob.bin": bytes(range(256)) * 64,
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


def media_sums(root: Path) -> dict:
    root = Path(root)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def table_hashes() -> dict:
    """sha256 of every table's rows ordered by pk, read through the ORM."""
    hashes = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        rows = list(model._default_manager.order_by("pk").values_list())
        hashes[model._meta.db_table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return hashes


def table_rows(db, table) -> list:
    with closing(backup.connect(db)) as conn:
        return [tuple(row) for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1')]


def state(settings) -> tuple:
    """Everything a restore could change: row counts, row contents, uploaded files."""
    return backup.count_rows(live_db()), table_hashes(), media_sums(settings.MEDIA_ROOT)


def take_backup(tmp_path) -> tuple[Path, dict]:
    return backup.create_backup(tmp_path / "backups")


@pytest.fixture
def fresh_db(transactional_db, tmp_path):
    """An empty database of the configured kind, outside Django's connections."""
    live = live_db()
    if backup.database_vendor(live) == "sqlite":
        yield {"ENGINE": live["ENGINE"], "NAME": tmp_path / "fresh.sqlite3"}
        return
    name = f"{live['NAME']}_drill"
    admin = backup.connect(live)
    admin.autocommit = True
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    yield {**live, "NAME": name}
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@transactional
def test_backup_manifest_lists_every_media_file_and_row_count(settings, tmp_path, college_a):
    make_media(settings.MEDIA_ROOT)
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)

    [path] = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"xcu-\d{8}-\d{6}", path.name)
    assert f"备份完成：{path}" in out.getvalue()
    assert path.stat().st_mode & 0o777 == 0o700
    manifest = backup.read_manifest(path)
    assert manifest["versions"]["django"].startswith("5.2")
    assert manifest["versions"]["app"] == "0.1.0"
    assert manifest["database"]["vendor"] == connection.vendor
    listed = {f["path"]: f["sha256"] for f in manifest["media"]["files"]}
    assert listed == media_sums(settings.MEDIA_ROOT)
    assert media_sums(path / "media") == listed
    assert manifest["database"]["row_counts"] == backup.count_rows(live_db())
    assert manifest["database"]["row_counts"]["xcu_bases_college"] == 1
    dump = path / manifest["database"]["file"]
    assert hashlib.sha256(dump.read_bytes()).hexdigest() == manifest["database"]["sha256"]


@transactional
def test_round_trip_restores_every_row_and_file(demo, settings, tmp_path):
    make_media(settings.MEDIA_ROOT)
    before = state(settings)
    path, _ = take_backup(tmp_path)

    call_command("flush", "--noinput")
    shutil.rmtree(settings.MEDIA_ROOT)
    (settings.MEDIA_ROOT / "later").mkdir(parents=True)
    (settings.MEDIA_ROOT / "later" / "upload.pdf").write_bytes(b"not in the backup")
    assert state(settings) != before

    out = io.StringIO()
    call_command("restore", str(path), "--yes", stdout=out)

    assert "行数与清单一致" in out.getvalue()
    counts, hashes, media = state(settings)
    assert counts == before[0]
    assert hashes == before[1]
    assert media == before[2]


@transactional
def test_drill_backup_while_a_writer_keeps_writing(settings, tmp_path, fresh_db):
    make_media(settings.MEDIA_ROOT)
    written, errors, stop = [], [], threading.Event()

    def writer():  # its own connection (Django's are per thread), each row committed
        try:
            while not stop.is_set():
                n = len(written) + 1
                College.objects.create(code=f"W{n}", name=f"演练学院{n}")
                written.append(n)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    def wait_for(rows):
        deadline = time.monotonic() + 30
        while len(written) < rows and not errors and time.monotonic() < deadline:
            time.sleep(0.005)

    def commit_more_after_the_snapshot():
        at_snapshot.append(len(written))
        wait_for(len(written) + 20)
        before_copy.append(len(written))

    at_snapshot, before_copy = [], []
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        wait_for(20)
        before_backup = len(written)
        path, manifest = backup.create_backup(
            tmp_path / "backups", on_snapshot=commit_more_after_the_snapshot
        )
        wait_for(len(written) + 20)  # and the live database moves on after the backup
    finally:
        stop.set()
        thread.join()
    assert not errors
    # 20 rows were committed after the snapshot was fixed and before it was copied: the dump
    # must not hold them (the writer may be one commit ahead of its list).
    snapshot = manifest["database"]["row_counts"]["xcu_bases_college"]
    assert before_backup <= snapshot <= at_snapshot[0] + 1
    assert before_copy[0] >= at_snapshot[0] + 20

    backup.verify_backup(path)
    backup.restore_database(path, manifest, fresh_db)
    restored, live = backup.count_rows(fresh_db), backup.count_rows(live_db())
    assert restored == manifest["database"]["row_counts"]
    assert all(restored[t] <= live[t] for t in restored)
    assert restored["xcu_bases_college"] == snapshot < live["xcu_bases_college"]
    for table in restored:
        fresh_rows, live_rows = table_rows(fresh_db, table), table_rows(live_db(), table)
        # A snapshot: the first rows of the live table, exactly as they are, nothing half-written.
        assert fresh_rows == live_rows[: len(fresh_rows)], table
        if table != "xcu_bases_college":
            assert fresh_rows == live_rows, table
    backup.restore_media(path, manifest, tmp_path / "restored-media")
    assert media_sums(tmp_path / "restored-media") == media_sums(settings.MEDIA_ROOT)


@transactional
@pytest.mark.parametrize("damage", ["dump", "media", "missing", "extra"])
def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    damage, settings, tmp_path, college_a
):
    make_media(settings.MEDIA_ROOT)
    path, manifest = take_backup(tmp_path)
    # What a restore would undo: a row and an upload added after the backup.
    College.objects.create(code="93", name="备份后新增学院")
    (settings.MEDIA_ROOT / "late.pdf").write_bytes(b"after the backup")
    before = state(settings)

    media = "media/" + manifest["media"]["files"][-1]["path"]
    bad = {
        "dump": manifest["database"]["file"],
        "media": media,
        "missing": media,
        "extra": "media/intruder.sh",
    }[damage]
    target = path / bad
    if damage == "missing":
        target.unlink()
    elif damage == "extra":
        target.write_text("echo hi")
    else:  # same size, one bit flipped: only the sha256 can tell
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 1
        target.write_bytes(bytes(data))

    with pytest.raises(CommandError, match=re.escape(bad)):
        call_command("restore", str(path), "--yes", stdout=io.StringIO())

    assert state(settings) == before


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@transactional
def test_restore_asks_first_and_refuses_without_a_terminal(settings, tmp_path, college_a):
    path, _ = take_backup(tmp_path)
    College.objects.create(code="93", name="备份后新增学院")
    out = io.StringIO()

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path), stdin=io.StringIO("yes\n"), stdout=out)
    with pytest.raises(CommandError, match="已取消"):
        call_command("restore", str(path), stdin=FakeTerminal("no\n"), stdout=out)
    assert College.objects.count() == 2

    call_command("restore", str(path), stdin=FakeTerminal("yes\n"), stdout=out)
    assert list(College.objects.values_list("code", flat=True)) == ["91"]


@transactional
def test_restore_refuses_a_backup_of_another_database_kind(settings, tmp_path, college_a):
    path, manifest = take_backup(tmp_path)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest["database"]["vendor"] = other
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    College.objects.create(code="93", name="备份后新增学院")
    before = state(settings)

    with pytest.raises(CommandError, match=f"备份来自 {other}"):
        call_command("restore", str(path), "--yes", stdout=io.StringIO())

    assert state(settings) == before


def test_postgres_password_only_in_the_environment(monkeypatch, tmp_path):
    db = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "xcu",
        "USER": "xcu",
        "PASSWORD": "s3cret-pw",
        "HOST": "db.example",
        "PORT": "5432",
        "OPTIONS": {"sslmode": "require"},
    }
    calls = []
    monkeypatch.setattr(backup, "pg_tool", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(
        backup.subprocess,
        "run",
        lambda args, env, **kw: calls.append((args, env)) or type("R", (), {"returncode": 0}),
    )
    manifest = {"database": {"vendor": "postgresql", "file": "db.pgdump"}}

    backup.restore_database(tmp_path, manifest, db)

    [(args, env)] = calls
    assert "s3cret-pw" not in " ".join(args + backup.pg_dump_args(tmp_path / "d", "00-1"))
    assert env["PGPASSWORD"] == "s3cret-pw"
    assert (env["PGHOST"], env["PGUSER"], env["PGSSLMODE"]) == ("db.example", "xcu", "require")
    assert args[1:5] == ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
