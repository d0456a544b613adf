"""The checks: pure functions of the pages' text and what the dossier says (`Facts`) → findings.

Text is compared folded (diacritics and case removed, đ → d) and, where OCR may have garbled it,
approximately (edit distance on word windows, bounded by the length of what is sought). Numbers are
never compared approximately: "171/KH-UBND" is not "170/KH-UBND", 6 votes are not 8.

A finding is a dict (stored as JSON on the document's check):
    {"check": "name", "level": "warning" | "note", "code": "name_missing", "page": 2, "params": {...}}
"warning": the document disagrees with the dossier or lacks something it should carry.
"note": the assistant could not verify (e.g. a vote count unreadable on a scan): the reader checks.
The message is made at display time (`precheck.messages`), so it follows the reader's language."""

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass, field

CHECKS = ["plan", "title", "name", "votes", "form", "signature", "date"]
WARNING, NOTE = "warning", "note"


# --- folding -----------------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), NFC-independent."""
    text = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def levenshtein(a: str, b: str, limit: int | None = None) -> int:
    if a == b:
        return 0
    if abs(len(a) - len(b)) > (limit if limit is not None else max(len(a), len(b))):
        return (limit or 0) + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        best = i
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            current.append(value)
            best = min(best, value)
        if limit is not None and best > limit:
            return limit + 1
        previous = current
    return previous[-1]


def allowed_errors(length: int) -> int:
    """Edits tolerated for an OCR'd phrase of `length` characters (spaces included)."""
    if length < 8:
        return 0
    if length < 14:
        return 1
    if length < 22:
        return 2
    return 3


@dataclass
class Hit:
    page: int
    start: int      # index of the first word in the page's word list
    end: int        # index after the last word
    distance: int


class Text:
    """The pages of one document, folded into word lists once."""

    def __init__(self, pages: list[tuple[int, str, str]]):
        # (number, text, source)
        self.pages = [(n, t or "", s) for n, t, s in pages]
        self.words = {n: words(t) for n, t, _s in self.pages}
        self.sources = {n: s for n, _t, s in self.pages}
        self.raw = {n: t for n, t, _s in self.pages}

    @property
    def numbers(self) -> list[int]:
        return [n for n, _t, _s in self.pages]

    @property
    def last_page(self) -> int:
        with_text = [n for n in self.numbers if self.words[n]]
        return with_text[-1] if with_text else (self.numbers[-1] if self.numbers else 1)

    def is_empty(self) -> bool:
        return not any(self.words.values())

    def find_exact_all(self, phrase: str) -> list[Hit]:
        target = words(phrase)
        k = len(target)
        found = []
        for n in self.numbers:
            page = self.words[n]
            found += [Hit(n, i, i + k, 0) for i in range(len(page) - k + 1)
                      if target and page[i] == target[0] and page[i:i + k] == target]
        return found

    def find(self, phrase: str, *, fuzzy: bool = True, pages=None) -> Hit | None:
        """The best occurrence of `phrase` (folded words, in order): exact first, then within the OCR
        tolerance (`allowed_errors`) on runs of words compared without spaces (OCR splits and joins
        words); a given name lengthened or cut at its end is never taken for it ("Anh" is not "An")."""
        target = words(phrase)
        if not target:
            return None
        k = len(target)
        numbers = pages or self.numbers
        for n in numbers:
            page = self.words[n]
            for i in range(len(page) - k + 1):
                if page[i] == target[0] and page[i:i + k] == target:
                    return Hit(n, i, i + k, 0)
        if not fuzzy:
            return None
        joined = " ".join(target)
        limit = allowed_errors(len(joined))
        if limit == 0:
            return None
        compact = "".join(target)   # OCR drops and adds spaces: compare without them
        best: Hit | None = None
        for n in numbers:
            page = self.words[n]
            for i in range(len(page)):
                candidate = ""
                for size in range(1, k + 2):
                    if i + size > len(page):
                        break
                    candidate += page[i + size - 1]
                    if len(candidate) > len(compact) + limit:
                        break
                    if len(candidate) < len(compact) - limit:
                        continue
                    d = levenshtein(candidate, compact, limit)
                    if d and _other_name(page[i + size - 1], target[-1]):
                        continue
                    if d <= limit and (best is None or d < best.distance):
                        best = Hit(n, i, i + size, d)
        return best
        return best


def _other_name(last: str, wanted: str) -> bool:
    """"Anh" is not "An" misread: a given name lengthened or cut at its end is another name."""
    return last != wanted and (last.startswith(wanted) or wanted.startswith(last))


# --- what the dossier says -----------------------------------------------------------------------------
@dataclass
class Facts:
    """What the dossier says this document should carry (stored with the findings, as checked)."""

    document_label: str
    plan_number: str = ""
    title: str = ""
    names: list[str] = field(default_factory=list)             # nominees this document must name
    votes: dict[str, int | None] = field(default_factory=dict)  # name -> votes for (minutes only)
    members_total: int | None = None
    members_present: int | None = None
    form_number: str = ""                                        # e.g. "07" when the type has a form
    check_votes: bool = False
    date_from: str = ""                                          # ISO dates: the campaign's period..window
    date_to: str = ""
    meeting_date: str = ""                                       # minutes: the recorded meeting day

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Facts":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def finding(check: str, code: str, *, page: int | None, level: str = WARNING, **params) -> dict:
    return {"check": check, "level": level, "code": code, "page": page, "params": params}


# --- the checks ------------------------------------------------------------------------------------------
_PLAN = re.compile(r"(\d{1,5})\s*/\s*(k\s*h)\s*-?\s*([a-z]{2,10}(?:\s*-\s*[a-z]{2,10})?)")


def _plan_parts(plan: str) -> tuple[str, str] | None:
    m = re.match(r"\s*(\d+)\s*/\s*(.+)", fold(plan))
    if not m:
        return None
    return str(int(m.group(1))), re.sub(r"[^a-z]", "", m.group(2))


def check_plan(text: Text, facts: Facts) -> list[dict]:
    expected = _plan_parts(facts.plan_number)
    if not expected:
        return []
    number, suffix = expected
    others = []
    for n in text.numbers:
        for m in _PLAN.finditer(fold(text.raw[n])):
            found_suffix = re.sub(r"[^a-z]", "", m.group(2) + m.group(3))
            # the suffix may run into the next word when OCR joins lines ("170/KH-UBND-HOM nay")
            same_suffix = levenshtein(found_suffix[:len(suffix)], suffix, 2) <= (1 if len(suffix) > 4 else 0)
            if str(int(m.group(1))) == number and same_suffix:
                return []
            if same_suffix or found_suffix.startswith("kh"):
                others.append((n, m.group(0)))
    if others:
        page, raw = others[0]
        shown = re.sub(r"\s+", "", raw).upper()
        return [finding("plan", "plan_wrong", page=page, found=shown, plan=facts.plan_number)]
    return [finding("plan", "plan_missing", page=1, plan=facts.plan_number)]


def check_title(text: Text, facts: Facts) -> list[dict]:
    """The campaign's title: at least 75 % of its words, in order, inside one stretch of the text (on a
    scanned page a word counts when within one edit of the title's). In order: a legal basis that
    shares half the title's words ("thủ tục hành chính trên môi trường điện tử") is not the title."""
    target = words(facts.title)
    if len(target) < 3:
        return []
    if " ".join(target) in " ".join(w for n in text.numbers for w in text.words[n]):
        return []
    size = len(target) + 6
    best, best_page = 0.0, 1
    for n in text.numbers:
        page = text.words[n]
        ocr = text.sources[n] == "ocr"
        matches = [{i for i, t in enumerate(target) if t == word or (
            ocr and len(t) > 3 and abs(len(t) - len(word)) <= 1 and levenshtein(t, word, 1) <= 1)} for word in page]
        starts = [j for j, m in enumerate(matches) if m & {0, 1, 2}]
        for j in starts:
            score = _in_order(target, matches[j:j + size]) / len(target)
            if score > best:
                best, best_page = score, n
        if best >= 0.75:
            return []
    return [finding("title", "title_missing", page=best_page, title=facts.title)]


def _in_order(target: list[str], matches: list[set[int]]) -> int:
    """How many of `target`'s words appear in order in the stretch (longest common subsequence)."""
    previous = [0] * (len(matches) + 1)
    for i in range(len(target)):
        current = [0]
        for j, m in enumerate(matches, 1):
            current.append(previous[j - 1] + 1 if i in m else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def find_names(text: Text, facts: Facts) -> dict[str, Hit | None]:
    return {name: text.find(name) for name in facts.names}


def check_names(text: Text, facts: Facts, hits: dict[str, Hit | None]) -> list[dict]:
    # where a missing name would have been: the page naming the most of the others (the list, the
    # annex with the votes); the later page on a tie (a list follows the text that introduces it)
    per_page: dict[int, set[str]] = {}
    for name, hit in hits.items():
        for other in text.find_exact_all(name) + ([hit] if hit else []):
            per_page.setdefault(other.page, set()).add(name)
    likely = max(per_page, key=lambda n: (len(per_page[n]), n)) if per_page else 1
    return [finding("name", "name_missing", page=likely, name=name) for name, hit in hits.items() if hit is None]


_FRACTION = re.compile(r"(\d{1,3})\s*[/⁄|]\s*(\d{1,3})")
_NUMBER = re.compile(r"\d+")
_PERCENT = re.compile(r"(\d{1,3})\s*%")


def _vote_after(text: Text, hit: Hit, stop_words: set[int], total: int | None) -> tuple[int, int] | None:
    """The first "a/b" written after a nominee's name, before the next nominee's name. OCR loses the
    slash now and then ("69" for "6/9"): a number ending with the council's size is read as a/size
    only when the percentage after it agrees."""
    folded = fold(text.raw[hit.page])
    tokens = list(re.finditer(r"[a-z0-9]+", folded))
    if hit.end > len(tokens) or hit.end < 1:
        return None
    start_char = tokens[hit.end - 1].end()
    later = [s for s in stop_words if s >= hit.end]
    end_char = tokens[min(later)].start() if later else len(folded)
    end_char = min(end_char, start_char + 160)
    window = folded[start_char:end_char]
    m = _FRACTION.search(window)
    if m:
        return int(m.group(1)), int(m.group(2))
    if total:
        for number in _NUMBER.finditer(window):
            digits, size = number.group(0), str(total)
            if len(digits) > len(size) and digits.endswith(size):
                votes = int(digits[: -len(size)])
                pct = _PERCENT.search(window, number.end())
                if votes <= total and pct and int(pct.group(1)) == round(100 * votes / total):
                    return votes, total
    return None


_MEMBERS_TOTAL = re.compile(r"tong\s+so\s+thanh\s+vien[^0-9]{0,40}?(\d{1,3})")
_MEMBERS_PRESENT = re.compile(r"du\s+hop[^0-9]{0,12}?(\d{1,3})")


def check_votes(text: Text, facts: Facts, hits: dict[str, Hit | None]) -> list[dict]:
    if not facts.check_votes:
        return []
    out = []
    if facts.members_total is not None:
        for n in text.numbers:
            folded = fold(text.raw[n])
            m_total = _MEMBERS_TOTAL.search(folded)
            if m_total:
                found_total = int(m_total.group(1))
                if found_total != facts.members_total:
                    out.append(finding("votes", "members_total_differ", page=n, found=found_total,
                                       recorded=facts.members_total))
                m_present = _MEMBERS_PRESENT.search(folded, m_total.end())
                if m_present and facts.members_present is not None and \
                        int(m_present.group(1)) != facts.members_present:
                    out.append(finding("votes", "members_present_differ", page=n, found=int(m_present.group(1)),
                                       recorded=facts.members_present))
                break
    starts: dict[int, set[int]] = {}
    for name, hit in hits.items():
        for other in text.find_exact_all(name) + ([hit] if hit else []):
            starts.setdefault(other.page, set()).add(other.start)
    for name, hit in hits.items():
        recorded = facts.votes.get(name)
        if hit is None:
            continue   # the missing name is its own finding
        if recorded is None:
            out.append(finding("votes", "votes_not_recorded", page=hit.page, level=NOTE, name=name))
            continue
        vote = None
        # the name may also be in the text (a collective is often the unit itself): the occurrence
        # followed by a vote count is the one in the table
        for candidate in text.find_exact_all(name) or [hit]:
            vote = _vote_after(text, candidate, starts.get(candidate.page, set()) - {candidate.start},
                               facts.members_total)
            if vote is not None:
                hit = candidate
                break
        if vote is None:
            out.append(finding("votes", "votes_unread", page=hit.page, level=NOTE, name=name))
            continue
        votes_for, of = vote
        if votes_for != recorded:
            out.append(finding("votes", "votes_differ", page=hit.page, name=name, found=votes_for,
                               recorded=recorded))
        elif facts.members_total is not None and of != facts.members_total:
            out.append(finding("votes", "votes_total_differ", page=hit.page, name=name, found=of,
                               recorded=facts.members_total))
    return out


_FORM = re.compile(r"\bmau\s*(?:so)?\s*[:.]?\s*(\d{1,2})([a-z]?)\b")


def check_form(text: Text, facts: Facts) -> list[dict]:
    if not facts.form_number:
        return []
    expected = facts.form_number.lstrip("0") or "0"
    first = text.numbers[0] if text.numbers else 1
    seen = []
    for m in _FORM.finditer(fold(text.raw.get(first, ""))):
        number = (m.group(1).lstrip("0") or "0") + m.group(2)
        if number == expected:
            return []
        seen.append(m.group(1) + m.group(2))
    if seen:
        return [finding("form", "form_wrong", page=first, found=seen[0], form=facts.form_number)]
    return [finding("form", "form_missing", page=first, form=facts.form_number)]


# signer titles, compared without spaces (OCR joins the words of a bold capital line)
SIGNER_TITLES = ["thutruong", "chutich", "giamdoc", "thuky", "truongphong", "nguoilap", "nguoiky", "kyten",
                 "kyghiro", "kydongdau"]
SIGNER_PREFIXES = ["kt", "tm", "q", "tl", "tuq"]   # KT. CHỦ TỊCH, TM. ỦY BAN NHÂN DÂN, Q. GIÁM ĐỐC


def _uppercase_line(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 5 and sum(1 for c in letters if c.isupper()) / len(letters) >= 0.7


def check_signature(text: Text, facts: Facts, *, signed: bool = False) -> list[dict]:
    if signed:
        return []
    for n in reversed(text.numbers):
        lines = [ln for ln in text.raw[n].splitlines() if ln.strip()]
        body = lines[6:] if n == text.numbers[0] else lines   # not the page's letterhead
        for line in body:
            line_words = words(line)
            compact = "".join(line_words)
            if "(ky" in fold(line).replace(" ", "") or (_uppercase_line(line) and (
                    any(t in compact for t in SIGNER_TITLES) or (line_words and line_words[0] in SIGNER_PREFIXES))):
                return []
    return [finding("signature", "signature_missing", page=text.last_page)]


_DATE = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")


def document_date(text: Text) -> tuple[dt.date, int] | None:
    for n in text.numbers:
        for m in _DATE.finditer(fold(text.raw[n])):
            try:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))), n
            except ValueError:
                continue
    return None


def check_date(text: Text, facts: Facts) -> list[dict]:
    if not (facts.date_from and facts.date_to):
        return []
    found = document_date(text)
    if found is None:
        return [finding("date", "date_unread", page=1, level=NOTE)]
    day, page = found
    start, end = dt.date.fromisoformat(facts.date_from), dt.date.fromisoformat(facts.date_to)
    out = []
    if not start <= day <= end:
        out.append(finding("date", "date_outside", page=page, date=day.isoformat(), start=facts.date_from,
                           end=facts.date_to))
    elif facts.meeting_date and day.isoformat() != facts.meeting_date:
        out.append(finding("date", "date_meeting_differs", page=page, date=day.isoformat(),
                           held=facts.meeting_date))
    return out


def run_checks(text: Text, facts: Facts, *, signed: bool = False) -> list[dict]:
    """Every check on one document. An empty document is one note, not seven warnings."""
    if text.is_empty():
        return [finding("text", "no_text", page=1, level=NOTE)]
    hits = find_names(text, facts)
    findings = []
    findings += check_plan(text, facts)
    findings += check_title(text, facts)
    findings += check_names(text, facts, hits)
    findings += check_votes(text, facts, hits)
    findings += check_form(text, facts)
    findings += check_signature(text, facts, signed=signed)
    findings += check_date(text, facts)
    return findings
