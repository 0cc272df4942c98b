"""A round's results as Excel (write-only, streamed): the ranked table of Art 29."""

from dataclasses import dataclass

from evaluation.models import BaseEvaluation
from xcu_bases.exports import ListExporter


@dataclass
class RoundExporter(ListExporter):
    evaluations: list[BaseEvaluation]
    title = "评估结果"
    headers = ("名次", "基地名称", "学院", "状态", "评审专家", "总分", "等次")
    widths = (6, 48, 16, 10, 24, 8, 8)

    def iter_rows(self):
        rank = 0
        for e in self.evaluations:
            if e.total is not None:
                rank += 1
            experts = "、".join(str(a.expert) for a in e.assignments.all())
            yield (
                rank if e.total is not None else None,
                e.base.name,
                e.base.college.name,
                e.get_state_display(),
                experts or None,
                float(e.total) if e.total is not None else None,
                e.get_grade_display() or None,
            )
