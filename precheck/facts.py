"""What the dossier says a document should carry, read when the check runs."""

import re

from dossiers.models import CouncilMeeting, Document, document_type_name, regime_form

from .checks import Facts, fold

# Document types whose text names every nominee; those that also carry the council's votes. A type
# bound to one nominee (the achievement report) names that nominee. Other types are checked for the
# campaign, the form number, a signer line and the date only.
NAMES_EVERY_NOMINEE = {"to-trinh", "bien-ban-hop-xet"}
CARRIES_VOTES = {"bien-ban-hop-xet"}
DATED_AT_MEETING = {"bien-ban-hop-xet"}
_FORM_IN_NAME = re.compile(r"\bmau\s*(?:so)?\s*(\d{1,2}[a-z]?)\b")


def form_number(document_type) -> str:
    """The form's number for the type ("07" for "Báo cáo thành tích (mẫu số 07, …)"): from the type's
    own `form_number` when it has one (a regime's forms), else from its name; "" when it has no form."""
    explicit = getattr(document_type, "form_number", "") or ""
    if explicit:
        return str(explicit)
    m = _FORM_IN_NAME.search(fold(document_type.name))
    return m.group(1) if m else ""


def facts_for(document: Document) -> Facts:
    return facts_for_parts(dossier=document.dossier, document_type=document.document_type,
                           nominee_id=document.nominee_id)


def facts_for_parts(*, dossier, document_type, nominee_id: int | None = None) -> Facts:
    """What a document of `document_type` (for one nominee, or for the dossier) should carry."""
    campaign = dossier.campaign
    code = document_type.code
    nominees = list(dossier.nominees.select_related("person", "unit"))
    if nominee_id:
        named = [n for n in nominees if n.pk == nominee_id]
    elif code in NAMES_EVERY_NOMINEE:
        named = nominees
    else:
        named = []
    meeting = CouncilMeeting.objects.filter(dossier=dossier).first()
    votes = code in CARRIES_VOTES
    start = min(campaign.period_start, campaign.window_opens)
    end = max(campaign.period_end, campaign.window_closes)
    pinned = regime_form(campaign, code)  # the campaign's regime names the form and its number
    return Facts(
        document_label=document_type_name(campaign, document_type),
        plan_number=campaign.plan_number,
        title=campaign.title,
        names=[n.name for n in named],
        votes={n.name: n.votes_for for n in named} if votes else {},
        members_total=meeting.members_total if (votes and meeting) else None,
        members_present=meeting.members_present if (votes and meeting) else None,
        form_number=pinned.number if pinned and pinned.number else form_number(document_type),
        check_votes=votes,
        date_from=start.isoformat(), date_to=end.isoformat(),
        meeting_date=meeting.held_on.isoformat() if (meeting and code in DATED_AT_MEETING) else "",
    )
