from django.utils import timezone

from applications.selectors import art6_priority
from xcu_bases.exports import ListExporter


class ApplicationExporter(ListExporter):
    title = "基地申报书"
    headers = ("编号", "申报年度", "基地名称", "申报单位", "合作单位", "统一社会信用代码",
               "优先条件（第六条）", "负责人", "联系电话", "状态", "提交轮次", "申报日期",
               "最后保存")  # fmt: skip
    widths = (8, 10, 40, 16, 32, 22, 30, 10, 16, 14, 10, 14, 18)

    def __init__(self, queryset):
        self.queryset = queryset

    def iter_rows(self):
        for app in self.queryset.iterator(chunk_size=500):
            yield (
                app.pk,
                app.year,
                app.base_name,
                app.college.name,
                app.partner_name,
                app.partner_credit_code,
                art6_priority(app).text or None,
                app.person_in_charge,
                app.contact_phone,
                app.get_state_display(),
                app.round,
                timezone.localtime(app.submitted_at).date() if app.submitted_at else None,
                timezone.localtime(app.updated_at).replace(tzinfo=None),
            )
