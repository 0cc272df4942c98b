"""How long the registry's Excel export takes for 6,000 bases, and how much memory.

    .venv/bin/python bench/bases_export.py [runs] [--bases N] [--keep PATH]

Builds N bases (default 6,000) in a throwaway SQLite database
(/tmp/xcu-bench-bases.sqlite3), each with an agreement, a third with allocations,
a spending entry and a course, some shared with a second college; then exports
them ``runs`` times (default 5) exactly as GET /agreements/export.xlsx does
(registry selector -> agreements.excel.BaseExporter -> xcu_bases.exports.write_xlsx)
and prints the median time, the peak of Python allocations during one export
(tracemalloc, a separate run) and the process's peak RSS. Target: <= 2 s, <= 150 MB.
Not run by CI; figures go in bench/README.md.
"""

import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

import django

DB = Path(os.environ.get("XCU_BENCH_DB", "/tmp/xcu-bench-bases.sqlite3"))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xcu_bases.settings")
for suffix in ("", "-wal", "-shm"):
    Path(f"{DB}{suffix}").unlink(missing_ok=True)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from agreements import selectors  # noqa: E402
from agreements.choices import BaseLevel, BaseState, FundingKind  # noqa: E402
from agreements.excel import BaseExporter  # noqa: E402
from agreements.models import Agreement, Base, Course, FundingEntry, Partner  # noqa: E402
from xcu_bases.creditcode import check_character  # noqa: E402
from xcu_bases.exports import write_xlsx  # noqa: E402
from xcu_bases.models import College, Role, User  # noqa: E402

LEVELS = [BaseLevel.SCHOOL] * 8 + [BaseLevel.PROVINCIAL, BaseLevel.NATIONAL]


def build(n: int) -> User:
    call_command("migrate", verbosity=0)
    colleges = [College.objects.create(code=f"{i + 11}", name=f"第{i + 1}学院") for i in range(12)]
    office = User.objects.create_user(username="office", password="x", name="罗晓梅")
    office.roles.set(Role.objects.filter(code="graduate_office"))
    teachers = []  # Art 12(3): each college's inspector, a teacher account of that college
    for i, college in enumerate(colleges):
        teacher = User.objects.create_user(
            username=f"teacher{i}", password="x", name="王建华", phone="13908150000"
        )
        teacher.college = college
        teacher.save(update_fields=["college"])
        teacher.roles.set(Role.objects.filter(code="campus_supervisor"))
        teachers.append(teacher)
    partners = Partner.objects.bulk_create(
        Partner(
            name=f"凉山州第{i:05d}号农业科技有限公司",
            credit_code=(code := f"91513400MA{i:07d}") + check_character(code),
            address=f"四川省凉山彝族自治州西昌市航天大道{i}号",
        )
        for i in range(n)
    )
    bases = Base.objects.bulk_create(
        Base(
            name=f"西昌学院—凉山州第{i:05d}号农业科技有限公司研究生联合培养基地",
            partner=partner, college=colleges[i % 12], level=LEVELS[i % 10],
            state=BaseState.ACTIVE, plaque_date=date(2023, 6, 1), inspector=teachers[i % 12],
        )
        for i, partner in enumerate(partners)
    )  # fmt: skip
    Agreement.objects.bulk_create(
        Agreement(base=b, signed_on=date(2023, 5, 20), starts_on=date(2023 + i % 3, 6, 1),
                  ends_on=date(2028 + i % 3, 5, 31), scan_name="协议.pdf", recorded_by=office)
        for i, b in enumerate(bases)
    )  # fmt: skip
    third = bases[::3]
    FundingEntry.objects.bulk_create(
        [FundingEntry(base=b, kind=FundingKind.ALLOCATION, year_no=y, amount=10_000,
                      due_on=date(2022 + y, 6, 1), state="paid" if y < 3 else "planned",
                      paid_on=date(2022 + y, 6, 20) if y < 3 else None,
                      voucher_number=f"财拨〔{2022 + y}〕{y}号" if y < 3 else "",
                      description="拨款", recorded_by=office)
         for b in third for y in (1, 2, 3)]
        + [FundingEntry(base=b, kind=FundingKind.SPENDING, amount="2345.60",
                        entry_date=date(2024, 3, 1), description="实践耗材", recorded_by=office)
           for b in third]
    )  # fmt: skip
    Course.objects.bulk_create(
        Course(base=b, title="专业实践课程", starts_on=date(2024, 3, 1), people="李明华")
        for b in third
    )
    through = Base.participating_colleges.through
    through.objects.bulk_create(
        through(base_id=b.pk, college_id=colleges[(i + 1) % 12].pk)
        for i, b in enumerate(bases[::5])
    )
    return User.objects.get(pk=office.pk)


def export(office: User, target) -> None:
    today = timezone.localdate()
    bases = selectors.base_list(user=office, today=today)
    write_xlsx(BaseExporter(bases, today=today), target)


def main(runs: int = 5, n: int = 6000, keep: str | None = None):
    started = time.perf_counter()
    office = build(n)
    print(f"built {n} bases in {time.perf_counter() - started:.1f} s")
    with tempfile.TemporaryFile() as target:
        export(office, target)  # warm-up
        size = target.tell()
    times = []
    for _ in range(runs):
        with tempfile.TemporaryFile() as target:
            started = time.perf_counter()
            export(office, target)
            times.append(time.perf_counter() - started)
    tracemalloc.start()
    with tempfile.TemporaryFile() as target:
        export(office, target)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    if keep:
        with open(keep, "wb") as target:
            export(office, target)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"{runs} exports of {n} bases: median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s, {size / 1024:.0f} KiB; "
        f"peak Python allocations {peak / 2**20:.1f} MiB, process peak RSS {rss:.0f} MiB"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    keep = args[args.index("--keep") + 1] if "--keep" in args else None
    n = int(args[args.index("--bases") + 1]) if "--bases" in args else 6000
    numbers = [a for a in args if a.isdigit() and a != str(n)]
    main(int(numbers[0]) if numbers else 5, n=n, keep=keep)
