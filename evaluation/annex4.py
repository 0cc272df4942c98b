"""Annex 4's structure as the seed gives it: codes and points (A 15, B 30, C 15, D 35, E 5 = 100).

The first-level blocks and their points are the regulation's and fixed (``FIXED_TOTALS``): a new
year's standard may reword the second-level indicators and move points between them, but each
block keeps its total. The last block has one row, coded "E" like the block itself (the seed's
"E. 5 | E. 5"), not "E1".

The seed leaves every indicator name blank (and garbles D3: 5 is the only value that makes D
sum to 35). The names and the second-level points below are a starting proposal drawn from the
regulation's articles; they are data the graduate office edits in a draft standard.
"""

from decimal import Decimal

TOTAL = Decimal("100")

# (code, name, description, points, [(code, name, description, points), …])
INDICATORS = [
    ("A", "组织管理", "基地组织机构、管理制度与安全保障（第九、十、十二、十五条）。", 15, [
        ("A1", "组织机构", "管理委员会、工作小组健全，职责明确，定期研究基地工作。", 5),
        ("A2", "管理制度", "基地管理制度、研究生管理办法和培养方案完备并执行。", 5),
        ("A3", "安全保障", "安全教育、安全制度、人身意外伤害保险和巡查教师落实。", 5),
    ]),
    ("B", "研究生培养", "研究生专业实践的规模、过程与质量（第十八至二十四条）。", 30, [
        ("B1", "接收研究生", "每年接收研究生开展专业实践的人数和实践时长，实践计划完备。", 10),
        ("B2", "双导师指导", "基地导师认定、双导师每月沟通和每年面对面交流落实情况。", 10),
        ("B3", "实践成效", "专业实践考核登记表、实践总结和学位论文质量，研究生满意度。", 10),
    ]),
    ("C", "条件保障", "场地、设施、食宿与经费（第十三、二十三、二十七条）。", 15, [
        ("C1", "场地设施", "满足研究生实践和研究的场地、仪器设备与信息资源。", 5),
        ("C2", "生活保障", "食宿条件和工作津贴（生活补助）落实情况。", 5),
        ("C3", "经费使用", "专项建设经费按规定使用，账目清楚。", 5),
    ]),
    ("D", "合作成效", "课程、项目与成果（第十七、二十、二十八条）。", 35, [
        ("D1", "共建课程", "协议期内至少合作建设 1 门专业实践类课程。", 5),
        ("D2", "合作课题", "协议期内至少开展 1 项合作课题研究。", 5),
        ("D3", "纵向与横向项目", "合作承担市（局）级以上纵向科研项目或横向合作项目。", 5),
        ("D4", "成果产出", "联合发表论文、专利、标准、获奖及成果转化。", 10),
        ("D5", "交流与师资", "定期交流会，基地导师参与课程教学和讲座，青年教师实践锻炼。", 5),
        ("D6", "就业与服务", "研究生就业、服务地方产业发展的成效。", 5),
    ]),
    ("E", "特色与创新", "基地建设的特色、示范作用与创新做法。", 5, [
        ("E", "特色与创新", "形成可推广的联合培养模式、案例或示范成果。", 5),
    ]),
]  # fmt: skip

# Annex 4: the first-level blocks and their points, fixed by the regulation.
FIXED_TOTALS = {code: Decimal(points) for code, _name, _description, points, _rows in INDICATORS}
FIXED_TEXT = "、".join(f"{code} {points}" for code, points in FIXED_TOTALS.items())
