"""Who is told what about a base: its college hears every change of status, level or term
(Art 8, Art 29); the office hears when a term runs out (xcu_bases/notify.py)."""

from django.urls import reverse

from xcu_bases import notify
from xcu_bases.choices import NotificationKind as K
from xcu_bases.notify import Notice

_TOLD = {
    "award_plaque": "基地已授牌",
    "renew": "基地已续签",
    "add_agreement": "已登记续签协议",
    "revoke": "基地资格已取消",
    "change_level": "基地级别已变更",
    "recommend": "基地被推荐申报省级和国家级基地",
}


@notify.rule("agreements.Base")
def base(base, log) -> list[Notice]:
    url = reverse("agreements:base_detail", args=[base.pk])
    college = notify.college_staff(base.college_id)
    if log.transition == "expire":
        return [Notice(college + notify.office(), K.RESULT, f"基地协议已到期：{base}",
                       "协议期满，基地状态已改为“已到期”。如需继续合作，请办理续签（第二十九条）。",
                       url)]  # fmt: skip
    if log.transition in _TOLD:
        body = log.comment or f"{log.transition_label}。"
        return [Notice(college, K.RESULT, f"{_TOLD[log.transition]}：{base}", body, url)]
    return []


@notify.rule("agreements.FundingEntry")
def allocation(entry, log) -> list[Notice]:
    """Art 27: the college hears that a yearly allocation was paid."""
    if log.transition != "pay":
        return []
    base = entry.base
    url = reverse("agreements:base_detail", args=[base.pk]) + "#funding"
    return [Notice(notify.college_staff(base.college_id), K.RESULT,
                   f"基地建设经费已拨付：{base}", log.comment, url)]  # fmt: skip
