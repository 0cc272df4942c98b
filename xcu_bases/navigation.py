"""Role-dependent navigation. Templates only loop over what this returns."""

from dataclasses import dataclass

from django.urls import reverse

from xcu_bases import access
from xcu_bases.choices import RoleCode


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = [NavItem("我的待办", "home", "inbox")]
    if access.is_office(user):
        items.append(NavItem("统计看板", "dashboard", "bar-chart-line"))
    if (
        access.is_office(user)
        or access.is_college_staff(user)
        or user.has_role(RoleCode.EXPERT, RoleCode.LEGAL_OFFICE)
    ):
        items.append(NavItem("基地申报", "applications:list", "file-earmark-text"))
    # Every logged-in user browses the bases (students choose from them).
    items.append(NavItem("基地名录", "agreements:base_list", "building"))
    if (
        access.is_office(user)
        or access.is_college_staff(user)
        or user.has_role(RoleCode.STUDENT, RoleCode.CAMPUS_SUPERVISOR, RoleCode.BASE_SUPERVISOR)
    ):
        items.append(NavItem("专业实践", "practice:requests", "briefcase"))
    if access.is_office(user) or access.is_college_staff(user):
        items.append(NavItem("基地导师", "practice:supervisors", "person-badge"))
    if (
        access.is_office(user)
        or access.is_college_staff(user)
        or user.has_role(RoleCode.LEGAL_OFFICE)
    ):
        items.append(NavItem("协议书模板", "agreements:templates", "file-earmark-ruled"))
    if access.is_office(user) or access.is_college_staff(user) or user.has_role(RoleCode.EXPERT):
        items.append(NavItem("基地评估", "evaluation:rounds", "clipboard-data"))
    if access.can_list_students(user):
        items.append(NavItem("研究生名单", "student_list", "people"))
    if user.has_role(RoleCode.STUDENT):
        items.append(NavItem("我的信息", "my_profile", "person-vcard"))
    return items
