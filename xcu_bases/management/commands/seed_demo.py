from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from agreements.demo import seed_bases
from applications.demo import seed_applications
from evaluation.demo import seed_evaluation
from practice.demo import seed_practice
from xcu_bases import demo, notify, services
from xcu_bases.models import College, Role, StudentProfile, User


class Command(BaseCommand):
    help = "创建演示数据（可重复运行：已存在的数据不会被修改）。"

    @transaction.atomic
    def handle(self, *args, **options):
        # The demo's history notifies its people in the app (no e-mails); what they have
        # already dealt with is marked read, so each bell shows what is still on their desk.
        started = timezone.now()
        with notify.without_email():
            self._seed()
        notify.settle(started)

    def _seed(self):
        colleges = {
            code: College.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in demo.COLLEGES
        }
        roles = {role.code: role for role in Role.objects.all()}
        created = 0
        for username, name, role_codes, college, email, phone in demo.ACCOUNTS:
            user, new = self._user(username, name, email, phone, colleges.get(college))
            if new:
                user.roles.set([roles[code] for code in role_codes])
                created += 1
        for row in demo.STUDENTS:
            created += self._student(row, colleges, roles["student"])
        username, name, email = demo.SUPERUSER
        _, new = self._user(username, name, email, "", None, is_superuser=True)
        created += new
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据就绪：新建 {created} 个账号，密码均为 {demo.DEMO_PASSWORD}"
            )
        )
        seed_applications(stdout=self.stdout)
        seed_bases(stdout=self.stdout)
        seed_practice(stdout=self.stdout)
        seed_evaluation(stdout=self.stdout)

    def _user(self, username, name, email, phone, college, is_superuser=False):
        user, new = User.objects.get_or_create(
            username=username,
            defaults={
                "name": name,
                "email": email,
                "phone": phone,
                "college": college,
                "is_staff": is_superuser,
                "is_superuser": is_superuser,
            },
        )
        if new:
            user.set_password(demo.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user, new

    def _student(self, row, colleges, student_role) -> int:
        (username, name, gender, college, number, major, direction, tutor,
         family, family_phone, coursework) = row  # fmt: skip
        user, new = self._user(
            username, name, f"{number}@stu.xcc.edu.cn", f"1588156{number[-4:]}", colleges[college]
        )
        if not new:
            return 0
        user.roles.set([student_role])
        profile = StudentProfile.objects.create(
            user=user,
            student_number=number,
            gender=gender,
            major=major,
            research_direction=direction,
            family_contact=family,
            family_phone=family_phone,
            campus_supervisor=User.objects.get(username=tutor),
        )
        if coursework is not None:
            # Through the service, so the student's timeline shows who confirmed it.
            secretary = User.objects.get(username="secretary" if college == "01" else "secretary2")
            services.student_set_coursework(
                profile=profile, completed=coursework, by=secretary, comment="依据成绩单确认。"
            )
        return 1
