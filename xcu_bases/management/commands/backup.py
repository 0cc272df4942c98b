"""Daily cron job: back up the database and the uploaded files.

    15 2 * * *  cd /srv/xcu-bases && .venv/bin/python manage.py backup

Each run writes a new directory BACKUP_DIR/xcu-YYYYMMDD-HHMMSS/ (see xcu_bases/backup.py).
"""

from django.core.management.base import BaseCommand, CommandError

from xcu_bases import backup


class Command(BaseCommand):
    help = (
        "备份数据库（SQLite 在线备份 / PostgreSQL pg_dump -Fc）和上传文件（MEDIA_ROOT），"
        "并写入含 sha256 校验值和各表行数的 manifest.json（建议每日由 cron 运行一次）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="DIR",
            help="备份存放目录，默认为设置 BACKUP_DIR（环境变量 XCU_BACKUP_DIR，默认 var/backups）。",
        )

    def handle(self, *args, **options):
        try:
            path, manifest = backup.create_backup(options["output"])
        except backup.BackupError as error:
            raise CommandError(f"备份失败：{error}") from error
        db, media = manifest["database"], manifest["media"]
        counts = db["row_counts"]
        self.stdout.write(self.style.SUCCESS(f"备份完成：{path}"))
        self.stdout.write(
            f"  · 数据库（{db['vendor']}）：{len(counts)} 张表，共 {sum(counts.values())} 行，"
            f"转储文件 {_size(db['size'])}"
        )
        self.stdout.write(f"  · 上传文件：{media['count']} 个，共 {_size(media['size'])}")
        self.stdout.write(f"  · 用时 {manifest['seconds']:.1f} 秒。备份含个人信息，请妥善保管。")


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"
