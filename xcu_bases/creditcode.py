"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters from a 31-character set (no I, O, S, V, Z); the 18th is a check
character computed from the first 17 with fixed weights, modulo 31.
"""

from django.core.exceptions import ValidationError

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    return (code or "").strip().upper()


def validate_credit_code(value: str) -> None:
    code = normalize(value)
    if len(code) != 18:
        raise ValidationError(
            "统一社会信用代码应为 18 位，当前为 %(n)s 位。", code="length", params={"n": len(code)}
        )
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        raise ValidationError(
            "统一社会信用代码含有无效字符：%(chars)s（不使用 I、O、S、V、Z）。",
            code="charset",
            params={"chars": "、".join(bad)},
        )
    # Not telling the expected character: a typo is usually elsewhere, and
    # "fixing" the last character would turn it into a valid but wrong code.
    if code[17] != check_character(code[:17]):
        raise ValidationError(
            "统一社会信用代码校验不通过（GB 32100-2015），请对照营业执照逐位核对。",
            code="checksum",
        )
