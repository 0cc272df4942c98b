"""Daily cron job: an active base whose agreement has ended becomes expired.

    0 1 * * *  cd /srv/xcu-bases && .venv/bin/python manage.py expire_agreements

Running it again the same day changes nothing: a base expires once.
"""

from django.core.management.base import BaseCommand

from agreements import services


class Command(BaseCommand):
    help = "将协议已到期且未续签的运行中基地标记为“协议到期”（建议每日由 cron 运行一次）。"

    def handle(self, *args, **options):
        expired = services.base_expire_due()
        if not expired:
            self.stdout.write("没有需要标记为协议到期的基地。")
            return
        self.stdout.write(self.style.WARNING(f"已将 {len(expired)} 个基地标记为“协议到期”："))
        for base in expired:
            ended = base.latest_agreement()
            when = f"协议于 {ended.ends_on:%Y年%m月%d日} 到期" if ended else "没有协议书"
            self.stdout.write(f"  · {base.name}（{base.college.name}，{when}）")
