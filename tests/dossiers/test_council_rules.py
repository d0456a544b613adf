"""The provincial council's vote as data: the share that passes (≥ 2/3, > 1/2, ≥ 70%) compared exactly,
and the `vote:` of a rulebook's province_council step loaded, or refused naming its line."""

from fractions import Fraction
from pathlib import Path

import pytest

from dossiers.models import CouncilVoteRule, Share, vote_rule_for
from dossiers.rulebooks import RulebookError, load_file, parse

GIAY_KHEN = Path(__file__).resolve().parents[2] / "rulebooks" / "ttpvhcc-giay-khen-2023.yaml"
DECISION = "      - {step: decision, lead_days: 3}"


@pytest.mark.parametrize("text, fraction, strict", [
    (">= 2/3", Fraction(2, 3), False), ("≥ 2/3", Fraction(2, 3), False), ("> 1/2", Fraction(1, 2), True),
    (">= 70%", Fraction(7, 10), False), ("2/3", Fraction(2, 3), False), ("> 50 %", Fraction(1, 2), True),
])
def test_share_parse(text, fraction, strict):
    assert Share.parse(text) == Share(fraction, strict)


@pytest.mark.parametrize("text", ["", "abc", "0", "> 1", "3/2", ">= 120%", "-1/2", "1/0"])
def test_share_parse_refuses(text):
    with pytest.raises((ValueError, ZeroDivisionError)):
        Share.parse(text)


def test_share_boundaries_are_exact():
    two_thirds = Share(Fraction(2, 3))
    assert [two_thirds.met(n, 15) for n in (9, 10)] == [False, True]
    assert two_thirds.minimum(15) == 10 and two_thirds.minimum(9) == 6
    majority = Share(Fraction(1, 2), strict=True)
    assert [majority.met(n, 10) for n in (5, 6)] == [False, True]
    assert Share(Fraction(7, 10)).met(7, 10) and not Share(Fraction(7, 10)).met(69, 100)
    assert (two_thirds.text, majority.text, Share(Fraction(7, 10)).text) == ("≥ 2/3", "> 1/2", "≥ 70%")


def _with_council(vote: str) -> str:
    text = GIAY_KHEN.read_text(encoding="utf-8").replace("12/KH-TTPVHCC", "14/KH-STP").replace(
        "Trung tâm Phục vụ hành chính công tỉnh", "Sở Tư pháp")
    return text.replace(DECISION, f"      - step: province_council\n        lead_days: 5\n{vote}{DECISION}")


def test_rulebook_vote_loads(world, tmp_path):
    path = tmp_path / "council.yaml"
    path.write_text(_with_council('        vote: {threshold: ">= 2/3", of: present, quorum: ">= 2/3"}\n'),
                    encoding="utf-8")
    campaign = load_file(path)
    rule = CouncilVoteRule.objects.get(award_form__campaign=campaign)
    assert (rule.threshold, rule.threshold_base, rule.quorum) == (Share(Fraction(2, 3)), "present",
                                                                  Share(Fraction(2, 3)))
    assert rule.threshold_text == "≥ 2/3 số thành viên dự họp"


def test_without_a_vote_rule_more_than_half_of_all_members(world):
    rule = vote_rule_for(world.form)
    assert rule.pk is None and rule.threshold_text == "> 1/2 tổng số thành viên Hội đồng"


def test_rulebook_vote_errors_name_the_line_and_load_nothing(world):
    text = _with_council('        vote:\n          threshold: "hai phần ba"\n          of: everyone\n'
                         '          majority: 1\n')
    lines = text.splitlines()
    with pytest.raises(RulebookError) as caught:
        parse(text, source="c.yaml")
    found = caught.value.lines()
    for key, words in (("threshold:", "hai phần ba"), ("of:", "present"), ("majority:", "majority")):
        line = next(i for i, t in enumerate(lines, 1) if t.strip().startswith(key))
        assert any(f"dòng {line}:" in p and words in p for p in found), (key, found)
    assert not CouncilVoteRule.objects.exists()


def test_vote_only_on_the_council_step(world):
    text = GIAY_KHEN.read_text(encoding="utf-8").replace(
        DECISION, '      - {step: decision, lead_days: 3, vote: {threshold: "> 1/2"}}')
    line = text.splitlines().index('      - {step: decision, lead_days: 3, vote: {threshold: "> 1/2"}}') + 1
    with pytest.raises(RulebookError) as caught:
        parse(text, source="gk.yaml")
    assert any(f"dòng {line}:" in p and "province_council" in p for p in caught.value.lines())
