import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from xcu_bases.env import database_from_url, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3y-for-tests-only-" + "x7Qp2Lm9Zr4Tv8Wb1Nc6Hd3Js5Fg0Ky" * 2,
    "DJANGO_ALLOWED_HOSTS": "bases.xcc.edu.cn",
}


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    full_env.update(env, DJANGO_SETTINGS_MODULE="xcu_bases.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True
    )


def run_manage(*args: str, **env) -> subprocess.CompletedProcess:
    code = f"import sys; sys.argv = ['manage.py', *{list(args)!r}]; import runpy; runpy.run_path('manage.py', run_name='__main__')"
    return run_python(code, **env)


def test_sqlite_url_relative_to_project(tmp_path):
    db = database_from_url("sqlite:///var/db.sqlite3", base_dir=tmp_path)
    assert db == {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "var/db.sqlite3"}


def test_sqlite_url_absolute(tmp_path):
    db = database_from_url("sqlite:////srv/xcu/db.sqlite3", base_dir=tmp_path)
    assert db["NAME"] == Path("/srv/xcu/db.sqlite3")


def test_postgres_url_parts(tmp_path):
    db = database_from_url(
        "postgres://xcu:p%40ss%2Fword@db.internal:5433/xcu_bases?sslmode=require",
        base_dir=tmp_path,
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("xcu_bases", "xcu", "p@ss/word")
    assert (db["HOST"], db["PORT"]) == ("db.internal", "5433")
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u:p@h/db",
        "postgres://u:p@h:5432/",
        "postgres://u:p@h:notaport/db",
        "sqlite://",
        "",
    ],
)
def test_bad_database_url_is_improperly_configured(url, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url, base_dir=tmp_path)


def test_bad_database_url_error_does_not_leak_the_password(tmp_path):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        database_from_url("postgres://u:s3cret@h:bad/db", base_dir=tmp_path)
    assert "s3cret" not in str(excinfo.value)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("TRUE", True), ("off", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", default=not expected) is expected


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", default=False)


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env_int("X_NUM", 1) == 12
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)


def test_locale_time_zone_sessions_and_password_rules():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert len(settings.AUTH_PASSWORD_VALIDATORS) >= 4
    assert settings.AUTH_USER_MODEL == "xcu_bases.User"


def test_settings_read_database_url_from_environment():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'])",
        DATABASE_URL="postgres://xcu:pw@db.example:5433/xcu_prod",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.example",
        "5433",
        "xcu_prod",
    ]


def test_default_is_development_on_sqlite_under_var():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['NAME'])"
    )
    assert result.returncode == 0, result.stderr
    debug, name = result.stdout.split()
    assert debug == "True"
    assert Path(name) == ROOT / "var" / "db.sqlite3"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DATABASE_URL": "mysql://u:p@h/db"}, "DATABASE_URL"),
        ({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "x.example"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 60}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_bad_environment_stops_start_up(env, message):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_check_deploy_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_messages_are_not_stored_in_cookies():
    assert settings.MESSAGE_STORAGE.endswith("session.SessionStorage")
