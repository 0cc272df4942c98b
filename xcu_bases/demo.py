"""The demo data of ``manage.py seed_demo``: Xichang University as it could be.

Later issues extend this so that the demo shows every state of every form.
"""

DEMO_PASSWORD = "xcu-demo-2025"

# 二级培养单位 with graduate programmes (code, name).
COLLEGES = [
    ("01", "农业科学学院"),
    ("02", "动物科学学院"),
    ("03", "资源与环境学院"),
    ("04", "工程技术学院"),
    ("05", "信息技术学院"),
    ("06", "经济管理学院"),
]

# username, name, roles, college code, e-mail, phone
ACCOUNTS = [
    ("office", "罗晓梅", ["graduate_office"], None, "office@xcc.edu.cn", "0834-2580101"),
    ("secretary", "杨静", ["college_secretary"], "01", "yangjing@xcc.edu.cn", "0834-2580211"),
    ("head", "陈志强", ["college_head"], "01", "chenzq@xcc.edu.cn", "0834-2580201"),
    ("legal", "李婷", ["legal_office"], None, "legal@xcc.edu.cn", "0834-2580131"),
    ("expert", "王建国", ["expert"], None, "wangjg@xcc.edu.cn", "13908140001"),
    ("expert2", "李正祥", ["expert"], None, "lizx@xcc.edu.cn", "13908140002"),
    ("expert3", "王丽华", ["expert"], None, "wanglh@xcc.edu.cn", "13908140003"),
    ("tutor", "张明华", ["campus_supervisor"], "01", "zhangmh@xcc.edu.cn", "13908140102"),
    ("mentor", "吉克阿依", ["base_supervisor"], None, "jikeay@lsnk.com.cn", "13908140203"),
    ("secretary2", "刘芳", ["college_secretary"], "02", "liufang@xcc.edu.cn", "0834-2580311"),
    ("head2", "苏建军", ["college_head"], "02", "sujj@xcc.edu.cn", "0834-2580301"),
    ("tutor2", "何永红", ["campus_supervisor"], "02", "heyh@xcc.edu.cn", "13908140305"),
]

# username, name, gender, college code, student no., major, direction, tutor,
# family contact, family phone, coursework (None = not yet confirmed)
STUDENTS = [
    (
        "student",
        "赵雨桐",
        "female",
        "01",
        "2024095101",
        "农业硕士（农艺与种业）",
        "苦荞种质资源与育种",
        "tutor",
        "赵国平",
        "13881560101",
        True,
    ),
    (
        "student2",
        "沙马拉且",
        "male",
        "02",
        "2024095201",
        "兽医硕士",
        "高原牦牛疫病防控",
        "tutor2",
        "沙马日体",
        "13881560202",
        None,
    ),
    (
        "s2024095102",
        "孙浩然",
        "male",
        "01",
        "2024095102",
        "农业硕士（农艺与种业）",
        "马铃薯高效栽培",
        "tutor",
        "孙立新",
        "13881560303",
        None,
    ),
    (
        "s2024095103",
        "周诗琪",
        "female",
        "01",
        "2024095103",
        "农业硕士（资源利用与植物保护）",
        "安宁河流域土壤改良",
        "tutor",
        "周建华",
        "13881560404",
        None,
    ),
    (
        "s2024095104",
        "马文斌",
        "male",
        "01",
        "2024095104",
        "农业硕士（农艺与种业）",
        "石榴品质提升",
        "tutor",
        "马德胜",
        "13881560505",
        False,
    ),
]

SUPERUSER = ("admin", "系统管理员", "admin@xcc.edu.cn")
