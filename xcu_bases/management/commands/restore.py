"""Restore a backup written by `manage.py backup`.

    .venv/bin/python manage.py restore var/backups/xcu-20261129-073000

Every file is checked against the manifest's sha256 first; a bad file stops the restore before
anything is changed. Stop the application while restoring.
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from xcu_bases import backup


class Command(BaseCommand):
    help = (
        "从 backup 生成的备份恢复数据库和上传文件：先逐一校验 manifest.json 中的 sha256，"
        "全部一致才恢复，最后核对各表行数。恢复会覆盖当前数据，请先停止应用。"
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "path", metavar="PATH", help="备份目录，例如 var/backups/xcu-20261129-073000"
        )
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复（用于脚本）。")

    def handle(self, *args, **options):
        try:
            manifest = backup.verify_backup(options["path"])
            backup.check_target(manifest, connection.settings_dict)
        except backup.BackupError as error:
            raise CommandError(f"拒绝恢复：{error}") from error
        files = manifest["media"]["count"]
        self.stdout.write(f"校验通过：数据库转储和 {files} 个上传文件的 sha256 均与清单一致。")
        if not options["yes"]:
            self._confirm(manifest, options.get("stdin") or sys.stdin)
        try:
            mismatches = backup.restore_backup(options["path"], manifest)
        except backup.BackupError as error:
            raise CommandError(f"恢复失败：{error}") from error
        if mismatches:
            lines = "；".join(
                f"{t} 应为 {want} 行，实为 {got}" for t, (want, got) in mismatches.items()
            )
            raise CommandError(f"已恢复，但以下表的行数与清单不符：{lines}")
        counts = manifest["database"]["row_counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成：{manifest['created_at']} 的备份；{len(counts)} 张表共 "
                f"{sum(counts.values())} 行，行数与清单一致；上传文件 {files} 个。"
            )
        )

    def _confirm(self, manifest, stdin):
        if not stdin.isatty():
            raise CommandError("恢复会覆盖当前数据库和全部上传文件。非交互运行时请加 --yes 确认。")
        self.stdout.write(
            f"将用 {manifest['created_at']} 的备份覆盖当前数据库（{manifest['database']['vendor']}）"
            f"和上传文件目录 {settings.MEDIA_ROOT}，此操作不可撤销。输入 yes 继续：",
            ending="",
        )
        self.stdout.flush()
        if stdin.readline().strip().lower() != "yes":
            raise CommandError("已取消，未做任何更改。")
