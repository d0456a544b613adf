"""Money as Vietnamese decisions write it: "1.800.000 đồng" and, in words, "một triệu tám trăm nghìn đồng"."""

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
SCALES = ["", "nghìn", "triệu", "tỷ"]


def vnd(amount: int) -> str:
    """1800000 → "1.800.000" (dots between thousands)."""
    return f"{int(amount):,}".replace(",", ".")


def _triple(n: int, *, full: bool) -> list[str]:
    """Words for 0 < n < 1000; `full` when a higher group precedes it (then "không trăm", "linh" are said)."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and (hundreds or full):
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units == 4 and tens >= 2:
        words.append("tư")
    elif units:
        words.append(DIGITS[units])
    return words


def number_words(n: int) -> str:
    """0 → "không", 1_800_000 → "một triệu tám trăm nghìn", 2_000_000_000 → "hai tỷ"."""
    n = int(n)
    if n < 0:
        return "âm " + number_words(-n)
    if n == 0:
        return "không"
    if n >= 1000 ** 4:  # "nghìn tỷ" and above: the billions said as a number, then the rest in full
        billions, rest = divmod(n, 1000 ** 3)
        head = f"{number_words(billions)} tỷ"
        return head if not rest else f"{head} {_below_billion(rest, full=True)}"
    return _below_billion(n, full=False)


def _below_billion(n: int, *, full: bool) -> str:
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _triple(group, full=bool(words) or full)
        if SCALES[index]:
            words.append(SCALES[index])
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """1_800_000 → "một triệu tám trăm nghìn đồng"."""
    return f"{number_words(amount)} đồng"
