"""Rulebook files configure the new kinds (issue 12): the order of `path` is the order of the dossier's
path (StepRule.position), a consultation lists its agencies and whether silence means agreement, and
each mistake is named with its line while nothing is loaded."""

import pytest

from dossiers.models import Campaign, ConsultedAgency, Dossier, Step, Unit
from dossiers.rulebooks import RulebookError, load, parse

pytestmark = pytest.mark.django_db

HEAD = """\
rulebook: khen-thuong-len-tren
version: 1
campaign:
  plan_number: 01/KH-TEST
  title: Đề nghị cấp trên khen thưởng
  issuing_unit: UBND tỉnh Lạng Sơn
  home_affairs_unit: Sở Nội vụ
  period: [2023-01-01, 2023-11-30]
  window: [2023-12-01, 2023-12-31]
document_types:
  - {code: to-trinh, name: Tờ trình đề nghị khen thưởng}
award_forms:
  - code: bang-khen-thu-tuong
    name: Bằng khen của Thủ tướng Chính phủ
    deciding_unit: UBND tỉnh Lạng Sơn
    signer_office: CHỦ TỊCH UBND TỈNH
    path:
"""

UPWARD = HEAD + """\
      - {step: proposal, lead_days: 5, documents: [{type: to-trinh}]}
      - {step: submission, lead_days: 2}
      - step: consultation
        lead_days: 7
        silence_means_agreement: true
        consulted:
          - Công an tỉnh
          - {unit: Cục Thuế tỉnh, lead_days: 10}
      - {step: home_affairs, lead_days: 5}
      - {step: posting, lead_days: 5}
      - {step: province_council, lead_days: 5}
      - {step: upward, lead_days: 3}
      - {step: central_decision, lead_days: 60}
"""


@pytest.fixture
def agencies(world):
    world.police = Unit.objects.create(name="Công an tỉnh", level=world.levels["tinh"], parent=world.province)
    world.tax = Unit.objects.create(name="Cục Thuế tỉnh", level=world.levels["tinh"], parent=world.province)
    return world


def test_the_file_order_is_the_path_and_the_consultation_is_configured(agencies):
    campaign = load(parse(UPWARD, source="len-tren.yaml"))
    form = campaign.award_forms.get()
    dossier = Dossier(campaign=campaign, award_form=form, unit=agencies.unit)
    assert dossier.path() == [Step.PROPOSAL, Step.SUBMISSION, Step.CONSULTATION, Step.HOME_AFFAIRS, Step.POSTING,
                              Step.PROVINCE_COUNCIL, Step.UPWARD, Step.CENTRAL_DECISION]
    assert list(form.step_rules.values_list("position", flat=True)) == [1, 2, 3, 4, 5, 6, 7, 8]
    config = dossier.step_config(Step.CONSULTATION)
    assert config.silence_means_agreement
    assert config.consulted == ((agencies.police.pk, 7), (agencies.tax.pk, 10))
    assert ConsultedAgency.objects.count() == 2


def test_path_mistakes_are_named_with_their_line_and_nothing_loads(agencies):
    broken = HEAD + """\
      - {step: proposal, lead_days: 5}
      - {step: home_affairs, lead_days: 5}
      - {step: submission, lead_days: 2}
      - step: consultation
        silence_means_agreement: maybe
        consulted: [Công an tỉnh, Công an tỉnh, Sở Không Có]
      - {step: posting, lead_days: 5, consulted: [Cục Thuế tỉnh]}
      - {step: decision, lead_days: 5}
      - {step: central_decision, lead_days: 60}
"""
    campaigns = Campaign.objects.count()
    with pytest.raises(RulebookError) as caught:
        load(parse(broken, source="sai.yaml"))
    lines = caught.value.lines()
    expected = {
        20: "sai thứ tự",                # the unit's submission after a review step
        22: "true hoặc false",           # silence_means_agreement: maybe
        23: "bị lặp",                    # an agency twice
        24: "chỉ dùng ở bước hiệp y",    # consulted on a posting step
        26: "bước kết thúc",             # a step after the concluding decision
    }
    for line, words in expected.items():
        assert any(f"sai.yaml, dòng {line}:" in text and words in text for text in lines), (line, lines)
    assert any("Sở Không Có" in text for text in lines)
    assert any("nhiều bước kết thúc" in text for text in lines)
    assert Campaign.objects.count() == campaigns
