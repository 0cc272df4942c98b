"""Daily reminders (cron): agreements ending in 6 and 3 months, missed monthly supervisor
contacts, Annex 3 due, yearly checks not done, experts' scoring deadlines in 3 days; then the
e-mails that could not be sent earlier. Safe to run any number of times: each reminder goes
out once per occasion.

    # /etc/cron.d/xcu-bases — every day at 07:30
    30 7 * * * xcu cd /srv/xcu-bases && .venv/bin/python manage.py send_reminders
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xcu_bases import mail
from xcu_bases.choices import NotificationKind
from xcu_bases.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "发送每日提醒（协议到期、双导师沟通、附件3、年度对标、专家评分截止），并重发失败的邮件。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="按指定日期（YYYY-MM-DD）计算提醒，默认今天；用于补发或核对。"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options.get("date"):
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD。") from None
        with mail.inline():  # the process ends after this: no background threads
            outcome = send_reminders(today)
        labels = dict(NotificationKind.choices)
        detail = "，".join(f"{labels[k]} {n} 条" for k, n in sorted(outcome.by_kind.items()))
        self.stdout.write(
            f"{today:%Y-%m-%d}：新提醒 {outcome.notifications} 条"
            + (f"（{detail}）" if detail else "")
            + f"；重发邮件 {outcome.emails_retried} 封。"
        )
