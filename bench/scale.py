"""Scale the demo data up to N bases and M students, for the load benchmark.

    DATABASE_URL=postgres://... .venv/bin/python bench/scale.py [--bases 600] [--students 6000]

Runs on top of ``manage.py seed_demo`` (in the database DATABASE_URL names) and adds, with
bulk_create in batches: partners, bases (mostly active, some preparing, expired or revoked) each
with a signed agreement in force and one certified base supervisor; campus supervisors
(``bt0001``…, one per ~20 students); students (``bs000001``…, user + StudentProfile, coursework
confirmed for most) up to M; and one practice request for every second new student, spread over
the states (draft, the three reviews, approved, rejected), each with its plan, its submitted
snapshot and the TransitionLog rows of the path that led to its state, so that every list and
detail page renders as for real data. Every new account has the demo password. Used by
bench/load.py; not run by CI.
"""

import os
import random
import sys
import time
from datetime import date, timedelta

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xcu_bases.settings")
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from agreements.choices import BaseLevel, BaseState  # noqa: E402
from agreements.models import Agreement, Base, Partner  # noqa: E402
from practice import snapshot  # noqa: E402
from practice.choices import RequestState, SupervisorState  # noqa: E402
from practice.models import BaseSupervisor, PlanTask, PracticeRequest, PracticeSnapshot  # noqa: E402
from practice.services import TRANSITION_LABELS  # noqa: E402
from xcu_bases.choices import Gender, RoleCode  # noqa: E402
from xcu_bases.creditcode import check_character  # noqa: E402
from xcu_bases.demo import DEMO_PASSWORD  # noqa: E402
from xcu_bases.models import College, StudentProfile, TransitionLog, User  # noqa: E402

BATCH = 1000
S = RequestState
# The path to each state: (transition, source, target, role), as the services write them.
PATHS = {
    S.DRAFT: [],
    S.SUPERVISOR_REVIEW: [("submit", S.DRAFT, S.SUPERVISOR_REVIEW, RoleCode.STUDENT)],
}
PATHS[S.PLAN_REVIEW] = PATHS[S.SUPERVISOR_REVIEW] + [
    ("supervisor_approve", S.SUPERVISOR_REVIEW, S.PLAN_REVIEW, RoleCode.CAMPUS_SUPERVISOR)
]
PATHS[S.COLLEGE_REVIEW] = PATHS[S.PLAN_REVIEW] + [
    ("plan_confirm", S.PLAN_REVIEW, S.COLLEGE_REVIEW, RoleCode.BASE_SUPERVISOR)
]
PATHS[S.OFFICE_REVIEW] = PATHS[S.COLLEGE_REVIEW] + [
    ("college_approve", S.COLLEGE_REVIEW, S.OFFICE_REVIEW, RoleCode.COLLEGE_HEAD)
]
PATHS[S.APPROVED] = PATHS[S.OFFICE_REVIEW] + [
    ("office_approve", S.OFFICE_REVIEW, S.APPROVED, RoleCode.GRADUATE_OFFICE)
]
PATHS[S.REJECTED] = PATHS[S.COLLEGE_REVIEW] + [
    ("reject", S.COLLEGE_REVIEW, S.REJECTED, RoleCode.COLLEGE_HEAD)
]
# One request for every second new student, in these proportions.
STATES = (
    [S.DRAFT] * 4 + [S.SUPERVISOR_REVIEW] * 2 + [S.COLLEGE_REVIEW] * 4 + [S.OFFICE_REVIEW] * 2
    + [S.APPROVED] * 7 + [S.REJECTED]
)  # fmt: skip
MAJORS = ["农业硕士（农艺与种业）", "农业硕士（资源利用与植物保护）", "兽医硕士", "工程硕士"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "雨浩思佳子欣俊杰文斌诗琪可明华建国丽正祥永红晓梅海波德荣雪志强婷阿依木呷"


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13) % len(GIVEN)]


def _bulk(model, objs):
    return model.objects.bulk_create(objs, batch_size=BATCH)


def scale_bases(n: int, office: User, colleges: list[College], today: date) -> list[Base]:
    have = Base.objects.count()
    start = Partner.objects.count() + 1
    todo = max(0, n - have)
    partners = _bulk(
        Partner,
        [
            Partner(
                name=f"凉山州第{i:05d}号农业科技有限公司",
                credit_code=(code := f"91513400MB{i:07d}") + check_character(code),
                address=f"四川省凉山彝族自治州西昌市航天大道{i}号",
                main_fields="农业、畜牧、生态修复", students_per_year=4,
            )
            for i in range(start, start + todo)
        ],
    )  # fmt: skip
    states = [BaseState.ACTIVE] * 17 + [BaseState.PREPARING, BaseState.EXPIRED, BaseState.REVOKED]
    levels = [BaseLevel.SCHOOL] * 8 + [BaseLevel.PROVINCIAL, BaseLevel.NATIONAL]
    bases = _bulk(
        Base,
        [
            Base(
                name=f"西昌学院—{p.name}研究生联合培养基地", partner=p,
                college=colleges[i % len(colleges)], level=levels[i % 10],
                state=states[i % len(states)], plaque_date=date(2024, 6, 1),
            )
            for i, p in enumerate(partners)
        ],
    )  # fmt: skip
    agreements = []
    for i, b in enumerate(bases):
        if b.state == BaseState.EXPIRED:
            starts, ends = date(2021, 6, 1), today - timedelta(days=30 + i % 200)
        else:
            starts = date(2023 + i % 3, 6, 1)
            ends = date(starts.year + 5, 5, 31)
        agreements.append(
            Agreement(base=b, signed_on=starts - timedelta(days=10), starts_on=starts,
                      ends_on=ends, scan_name="协议书.pdf", recorded_by=office)
        )  # fmt: skip
    _bulk(Agreement, agreements)
    _bulk(
        BaseSupervisor,
        [
            BaseSupervisor(
                base=b, name=_name(i + 7), gender=Gender.MALE if i % 2 else Gender.FEMALE,
                title="高级农艺师", position="技术部主任", phone=f"139{i:08d}",
                email=f"sup{i}@partner.example.cn", cv="practice/supervisors/cv.pdf",
                cv_name="简历.pdf", state=SupervisorState.CERTIFIED,
                nominated_by=office, certificate_number=f"XCU-JDDS-B{i:05d}",
                certified_on=date(2024, 7, 1),
            )
            for i, b in enumerate(bases)
        ],
    )  # fmt: skip
    return bases


def _users(prefix: str, count: int, colleges, role: str, password: str) -> list[User]:
    users = _bulk(
        User,
        [
            User(username=f"{prefix}{i:06d}" if prefix == "bs" else f"{prefix}{i:04d}",
                 password=password, name=_name(i), college=colleges[i % len(colleges)],
                 email=f"{prefix}{i}@xcc.edu.cn", phone=f"158{i:08d}")
            for i in range(1, count + 1)
        ],
    )  # fmt: skip
    through = User.roles.through
    _bulk(through, [through(user_id=u.pk, role_id=role) for u in users])
    return users


def scale_students(m: int, office: User, colleges, password: str, today: date):
    have = StudentProfile.objects.count()
    todo = max(0, m - have)
    tutors = _users("bt", max(1, todo // 20), colleges, RoleCode.CAMPUS_SUPERVISOR, password)
    by_college = {}
    for t in tutors:
        by_college.setdefault(t.college_id, []).append(t)
    students = _users("bs", todo, colleges, RoleCode.STUDENT, password)
    now = timezone.now()
    _bulk(
        StudentProfile,
        [
            StudentProfile(
                user=u, student_number=f"2025{i:06d}", gender=Gender.FEMALE if i % 2 else Gender.MALE,
                major=MAJORS[i % len(MAJORS)], research_direction="安宁河流域特色农业",
                family_contact=_name(i + 3), family_phone=f"138{i:08d}",
                campus_supervisor=(pool := by_college[u.college_id])[i % len(pool)],
                coursework_completed=i % 10 != 0,
                coursework_confirmed_by=office if i % 10 != 0 else None,
                coursework_confirmed_at=now if i % 10 != 0 else None,
            )
            for i, u in enumerate(students, start=1)
        ],
    )  # fmt: skip
    return students


def scale_requests(students, office: User, today: date) -> int:
    active = {}
    for sup in BaseSupervisor.objects.filter(
        state=SupervisorState.CERTIFIED,
        base__state=BaseState.ACTIVE,
        certificate_number__startswith="XCU-JDDS-B",
    ).select_related("base__partner"):
        active.setdefault(sup.base.college_id, []).append(sup)
    rng = random.Random(8)
    requests = []
    now = timezone.now()
    for i, student in enumerate(students[::2]):
        if student.college_id not in active:
            continue
        sup = rng.choice(active[student.college_id])
        state = STATES[i % len(STATES)]
        starts = today - timedelta(days=rng.randint(10, 80)) if state == S.APPROVED else (
            today + timedelta(days=rng.randint(20, 120)))  # fmt: skip
        ends = starts + timedelta(days=180)
        submitted = state != S.DRAFT
        requests.append(
            PracticeRequest(
                state=state, student=student, base=sup.base, base_supervisor=sup,
                base_address=sup.base.partner.address,
                base_postcode="615000", base_contact="罗永康", base_contact_phone="0834-3212001",
                starts_on=starts, ends_on=ends,
                purpose="在基地开展专业实践，完成学位论文的田间试验与数据采集。",
                pledge_accepted=True, pledge_signature=student.name, pledge_date=starts - timedelta(days=20),
                insurer="中国人寿保险股份有限公司", policy_number=f"P{i:010d}",
                insured_from=starts, insured_to=ends, insurance_scan_name="保单.pdf",
                insurance_scan="practice/insurance/policy.pdf",
                round=1 if submitted else 0, submitted_at=now if submitted else None,
            )
        )  # fmt: skip
    requests = _bulk(PracticeRequest, requests)
    _bulk(
        PlanTask,
        [
            PlanTask(request=r, position=p, task=task, starts_on=r.starts_on + timedelta(days=60 * p),
                     ends_on=r.starts_on + timedelta(days=60 * p + 59))
            for r in requests
            for p, task in enumerate(["文献调研与试验设计", "田间试验与数据采集", "数据分析与论文撰写"])
        ],
    )  # fmt: skip
    submitted = [r.pk for r in requests if r.round]
    snapshots, logs = [], []
    ct = ContentType.objects.get_for_model(PracticeRequest)
    reviewers = {RoleCode.GRADUATE_OFFICE: office}
    for start in range(0, len(submitted), BATCH):
        chunk = (
            PracticeRequest.objects.filter(pk__in=submitted[start : start + BATCH])
            .select_related(
                "student__college", "student__student_profile__campus_supervisor", "base",
                "base_supervisor",
            )
            .prefetch_related("tasks")
        )  # fmt: skip
        for r in chunk:
            snapshots.append(PracticeSnapshot(request=r, round=1, data=snapshot.build(r)))
            at = r.submitted_at - timedelta(days=len(PATHS[r.state]))
            tutor = r.student.student_profile.campus_supervisor
            for k, (name, source, target, role) in enumerate(PATHS[r.state]):
                by = {RoleCode.STUDENT: r.student, RoleCode.CAMPUS_SUPERVISOR: tutor}.get(
                    role, reviewers.get(role, office)
                )
                logs.append(
                    TransitionLog(
                        content_type=ct, object_id=str(r.pk), transition=name,
                        transition_label=TRANSITION_LABELS.get(name, name),
                        source_state=source, target_state=target,
                        source_label=S(source).label, target_label=S(target).label,
                        by=by, role=role, comment="" if name == "submit" else "同意。",
                        at=at + timedelta(days=k),
                    )
                )  # fmt: skip
    _bulk(PracticeSnapshot, snapshots)
    _bulk(TransitionLog, logs)
    return len(requests)


def main(n_bases: int = 600, n_students: int = 6000) -> None:
    started = time.perf_counter()
    today = timezone.localdate()
    office = User.objects.get(username="office")
    colleges = list(College.objects.order_by("code"))
    password = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        bases = scale_bases(n_bases, office, colleges, today)
        students = scale_students(n_students, office, colleges, password, today)
        made = scale_requests(students, office, today)
    print(
        f"scaled to {Base.objects.count()} bases (+{len(bases)}), "
        f"{StudentProfile.objects.count()} students (+{len(students)}), "
        f"{PracticeRequest.objects.count()} practice requests (+{made}) "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    main(
        int(args[args.index("--bases") + 1]) if "--bases" in args else 600,
        int(args[args.index("--students") + 1]) if "--students" in args else 6000,
    )
