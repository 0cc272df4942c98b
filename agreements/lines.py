"""One line of a base's compliance panel: a status and the article it comes from.

Shared by ``agreements.compliance`` (agreement, obligations, checks, funding, supervision) and
``agreements.governance_rules`` (Art 9, 10, 12(3), 14, 17).
"""

from dataclasses import dataclass

RED, AMBER, GREEN = "red", "amber", "green"
ORDER = {RED: 0, AMBER: 1, GREEN: 2}
LABELS = {RED: "需立即处理", AMBER: "需关注", GREEN: "正常"}
NOT_APPLICABLE = "不适用"


@dataclass(frozen=True)
class Line:
    key: str
    title: str
    article: str
    status: str
    detail: str
    applies: bool = True  # False: the rule does not apply to this base (green, says why)

    @property
    def label(self) -> str:
        return LABELS[self.status] if self.applies else NOT_APPLICABLE

    @property
    def cell(self) -> str:
        """The line in one spreadsheet cell: its label, and what to do unless all is well."""
        if self.status == GREEN and self.applies:
            return self.label
        return f"{self.label}：{self.detail}"
