"""Backups: one consistent database dump, a copy of MEDIA_ROOT and a manifest of sha256 sums.

A backup is one directory (mode 0700; it holds personal data), written under a hidden
``.partial`` name and renamed when complete, so a half-written backup never looks finished::

    var/backups/xcu-20261129-073000/
        manifest.json       created_at, versions, vendor, sha256 + size of every file, row counts
        db.sqlite3          SQLite: a copy made with the online backup API
        db.pgdump           PostgreSQL: ``pg_dump -Fc``
        media/...           MEDIA_ROOT, same relative paths

Consistency while the application keeps writing:

- SQLite: ``sqlite3.Connection.backup()`` in one step copies the database inside a single read
  transaction, i.e. one snapshot (in WAL mode writers are not blocked). The row counts are read
  from the copy itself.
- PostgreSQL: one REPEATABLE READ transaction exports its snapshot (``pg_export_snapshot()``),
  counts every table, and stays open while ``pg_dump --snapshot`` dumps that same snapshot.

The database is dumped before the media are copied: an upload is saved before its row commits,
so every file the dump refers to is in the copy (newer, unreferenced files may be too).
"""

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import time
from contextlib import closing
from importlib import metadata
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
DUMP_FILES = {"sqlite": "db.sqlite3", "postgresql": "db.pgdump"}

# DATABASES OPTIONS handed to libpq as environment variables (never on a command line).
_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Chinese)."""


# --- backup ---------------------------------------------------------------------------------


def create_backup(output_dir=None, *, alias="default", on_snapshot=None) -> tuple[Path, dict]:
    """Write a new backup under output_dir (default BACKUP_DIR); return its path and manifest.

    on_snapshot() is called once the database snapshot is fixed and before it is copied; the
    drill test commits more rows there, which the dump must not contain.
    """
    on_snapshot = on_snapshot or (lambda: None)
    started = time.monotonic()
    db = connections[alias].settings_dict
    vendor = database_vendor(db)
    output = Path(output_dir or settings.BACKUP_DIR)
    output.mkdir(parents=True, exist_ok=True)
    now = timezone.localtime()
    final = _free_name(output, f"xcu-{now:%Y%m%d-%H%M%S}")
    partial = output / f".{final.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    try:
        dump = partial / DUMP_FILES[vendor]
        dump_database = _dump_sqlite if vendor == "sqlite" else _dump_postgres
        counts, server = dump_database(db, dump, on_snapshot)
        media = _copy_media(Path(settings.MEDIA_ROOT), partial / "media")
        manifest = _manifest(final.name, now, vendor, dump, counts, server, media)
        manifest["seconds"] = round(time.monotonic() - started, 3)
        (partial / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final, manifest


def _manifest(name, now, vendor, dump: Path, counts, server, media) -> dict:
    return {
        "format": FORMAT,
        "name": name,
        "created_at": now.isoformat(),
        "versions": _versions(server),
        "database": {
            "vendor": vendor,
            "file": dump.name,
            "sha256": sha256_file(dump),
            "size": dump.stat().st_size,
            "row_counts": counts,
        },
        "media": {
            "count": len(media),
            "size": sum(entry["size"] for entry in media),
            "files": media,
        },
    }


def _free_name(output: Path, name: str) -> Path:
    candidate, n = output / name, 1
    while candidate.exists():
        n += 1
        candidate = output / f"{name}-{n}"
    return candidate


def _versions(server: str) -> dict:
    try:
        app = metadata.version("xcu-bases")
    except metadata.PackageNotFoundError:
        app = "unknown"
    return {
        "app": app,
        "django": django.get_version(),
        "python": platform.python_version(),
        "database_server": server,
    }


def _dump_sqlite(db, target: Path, on_snapshot) -> tuple[dict, str]:
    if not Path(db["NAME"]).is_file():
        raise BackupError(f"数据库文件不存在：{db['NAME']}")
    source = sqlite3.connect(db["NAME"], timeout=20, isolation_level=None)
    with closing(source) as src, closing(sqlite3.connect(target)) as dst:
        # The first read fixes the snapshot (WAL: writers go on); backup() then copies every page
        # in one step inside this same read transaction.
        src.execute("BEGIN")
        src.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        on_snapshot()
        src.backup(dst)
        src.execute("ROLLBACK")
        # A single self-contained file, without -wal/-shm beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
    return count_rows({"ENGINE": db["ENGINE"], "NAME": target}), sqlite3.sqlite_version


def _dump_postgres(db, target: Path, on_snapshot) -> tuple[dict, str]:
    with closing(connect(db)) as conn:
        conn.isolation_level = _psycopg().IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _count_tables(conn, _pg_tables(conn))
        server = conn.execute("SHOW server_version").fetchone()[0]
        on_snapshot()
        # The transaction stays open until pg_dump has finished with its snapshot.
        _run_pg("pg_dump", pg_dump_args(target, snapshot), db)
        conn.rollback()
    return counts, server


def pg_dump_args(target: Path, snapshot: str) -> list[str]:
    """Connection parameters travel in the environment (pg_client_env), never here."""
    return ["--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={target}"]


def _copy_media(root: Path, target: Path) -> list[dict]:
    target.mkdir(mode=0o700)
    files = []
    for src in sorted(root.rglob("*")) if root.is_dir() else []:
        if not src.is_file():
            continue
        rel = src.relative_to(root).as_posix()
        dst = target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(src, dst)
        except FileNotFoundError:  # deleted while we were copying: not part of this backup
            continue
        # The sums describe the copy, which is what a restore will read.
        files.append({"path": rel, "sha256": sha256_file(dst), "size": dst.stat().st_size})
    return files


# --- verify and restore ---------------------------------------------------------------------


def verify_backup(path) -> dict:
    """Check every file against the manifest; return the manifest or raise BackupError."""
    path = Path(path)
    manifest = read_manifest(path)
    expected = {manifest["database"]["file"]: manifest["database"]}
    expected.update({f"media/{f['path']}": f for f in manifest["media"]["files"]})
    for rel, entry in expected.items():
        parts = PurePosixPath(rel).parts
        if PurePosixPath(rel).is_absolute() or ".." in parts:
            raise BackupError(f"清单中的路径不安全：{rel}，拒绝恢复。")
        file = path / rel
        if not file.is_file():
            raise BackupError(f"备份文件缺失：{rel}。未做任何更改。")
        if file.stat().st_size != entry["size"] or sha256_file(file) != entry["sha256"]:
            raise BackupError(
                f"备份文件校验失败（sha256 不符）：{rel}。备份可能已损坏或被篡改，未做任何更改。"
            )
    present = {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}
    extra = sorted(present - set(expected) - {MANIFEST})
    if extra:
        raise BackupError(f"备份中有清单未列出的文件：{extra[0]}。未做任何更改。")
    return manifest


def read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} 不是备份目录：缺少 {MANIFEST}。") from None
    except ValueError:
        raise BackupError(f"{MANIFEST} 无法解析，备份已损坏。") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不支持的备份格式：{manifest.get('format')!r}。")
    return manifest


def restore_backup(path, manifest: dict, *, alias="default", media_root=None) -> dict:
    """Replace the database and MEDIA_ROOT with a verified backup.

    Returns the row-count mismatches {table: (in manifest, after restore)}; empty means all equal.
    """
    db = connections[alias].settings_dict
    connections[alias].close()  # our own connection must not hold locks on what we replace
    restore_database(path, manifest, db)
    restore_media(path, manifest, Path(media_root or settings.MEDIA_ROOT))
    return compare_counts(manifest, count_rows(db))


def check_target(manifest: dict, db) -> None:
    vendor = database_vendor(db)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"备份来自 {manifest['database']['vendor']} 数据库，当前配置的是 {vendor}，无法恢复。"
        )


def restore_database(path, manifest: dict, db) -> None:
    check_target(manifest, db)
    vendor = database_vendor(db)
    dump = Path(path) / manifest["database"]["file"]
    if vendor == "sqlite":
        # The backup API writes the whole file in one transaction: other connections see the
        # old database or the restored one, never a mixture.
        live = sqlite3.connect(db["NAME"], timeout=20)
        copy = sqlite3.connect(f"{dump.absolute().as_uri()}?mode=ro", uri=True)
        with closing(copy) as src, closing(live) as dst:
            src.backup(dst)
    else:
        args = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password"]
        _run_pg("pg_restore", [*args, f"--dbname={db['NAME']}", str(dump)], db)


def restore_media(path, manifest: dict, root: Path) -> None:
    """Make MEDIA_ROOT hold exactly the backup's files (works when it is a mount point too)."""
    wanted = set()
    for entry in manifest["media"]["files"]:
        dst = root / entry["path"]
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(f".{dst.name}.restoring")
        shutil.copy2(Path(path) / "media" / entry["path"], tmp)
        os.replace(tmp, dst)
        wanted.add(entry["path"])
    # Uploads newer than the backup belong to rows that no longer exist.
    for item in sorted(root.rglob("*"), reverse=True) if root.is_dir() else []:
        if item.is_file() and item.relative_to(root).as_posix() not in wanted:
            item.unlink()
        elif item.is_dir() and not any(item.iterdir()):
            item.rmdir()


def compare_counts(manifest: dict, counts: dict) -> dict:
    expected = manifest["database"]["row_counts"]
    return {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}


# --- databases ------------------------------------------------------------------------------


def database_vendor(db) -> str:
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"不支持备份此数据库：{engine}")


def connect(db):
    """A plain DB-API connection of our own (sqlite3 or psycopg), outside Django's."""
    if database_vendor(db) == "sqlite":
        return sqlite3.connect(db["NAME"], timeout=20)
    params = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    params.update({k: v for k, v in (db.get("OPTIONS") or {}).items() if k in _PG_OPTION_ENV})
    return _psycopg().connect(**{k: v for k, v in params.items() if v is not None})


def count_rows(db) -> dict:
    """Rows per table, read in one transaction."""
    with closing(connect(db)) as conn:
        if database_vendor(db) == "sqlite":
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
                )
            ]
            conn.execute("BEGIN")
            return _count_tables(conn, tables)
        conn.isolation_level = _psycopg().IsolationLevel.REPEATABLE_READ
        return _count_tables(conn, _pg_tables(conn))


def _pg_tables(conn) -> list[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [row[0] for row in rows]


def _count_tables(conn, tables) -> dict:
    # Table names come from the catalogue; double quotes work in both SQLite and PostgreSQL.
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def pg_client_env(db) -> dict:
    """libpq environment for pg_dump/pg_restore: the password goes only in PGPASSWORD."""
    env = dict(os.environ)
    for key, var in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")]:  # fmt: skip
        if db.get(key):
            env[var] = str(db[key])
    for key, value in (db.get("OPTIONS") or {}).items():
        if key in _PG_OPTION_ENV:
            env[_PG_OPTION_ENV[key]] = str(value)
    return env


def pg_tool(name: str) -> str:
    """The newest Debian-packaged client (it must not be older than the server), else PATH."""
    packaged = [
        p for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}") if p.parts[-3].isdigit()
    ]
    if packaged:
        return str(max(packaged, key=lambda p: int(p.parts[-3])))
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（postgresql-client）。")
    return found


def _run_pg(name: str, args: list[str], db) -> None:
    result = subprocess.run(
        [pg_tool(name), *args], env=pg_client_env(db), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{name} 失败（退出码 {result.returncode}）：{result.stderr.strip()}")


def _psycopg():
    import psycopg  # only needed on PostgreSQL

    return psycopg


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
