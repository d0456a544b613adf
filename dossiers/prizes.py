"""Prize money (tiền thưởng): the multiple the campaign's pinned regime sets for an award form and kind
of awardee, times the base salary in force on the signing date, rounded up as the regime says."""

import dataclasses
import datetime as dt
from decimal import Decimal

from .models import AwardForm, BaseSalary, Campaign, LegalRegime


def regime_of(campaign: Campaign) -> LegalRegime | None:
    """The campaign's pinned regime (or, for a campaign created before regimes existed, the one in force
    on its opening day)."""
    if campaign.regime_id:
        return campaign.regime
    return LegalRegime.in_force(campaign.period_start)


@dataclasses.dataclass(frozen=True)
class Prize:
    multiple: Decimal
    base: int
    amount: int


def prize_for(*, award_form: AwardForm, kind: str, on: dt.date, regime: LegalRegime | None = None) -> Prize | None:
    """None when the regime sets no money for this award form and kind, or no base salary is known for `on`."""
    regime = regime or regime_of(award_form.campaign)
    if regime is None:
        return None
    multiple = regime.prize_multiple(award_form.prize_key, kind)
    base = BaseSalary.on(on)
    if multiple is None or base is None:
        return None
    return Prize(multiple=multiple, base=base.amount, amount=regime.round_amount(multiple * base.amount))
