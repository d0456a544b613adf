"""Documents of the provincial steps, generated from the records (WeasyPrint, the shipped Tinos fonts):
the minutes of the provincial council's meeting (biên bản họp Hội đồng Thi đua - Khen thưởng tỉnh) and
the tờ trình the Chủ tịch signs to the central level (Nghị định 30/2020/NĐ-CP layout), which is signed
with the province's key (certificates.signing) when it is issued. The domain records the facts
(`dossiers.models.council`); printing lives here."""

import hashlib

from django.core.files.base import ContentFile
from django.template.loader import render_to_string

from dossiers.models import (
    CouncilVote, Membership, NomineeKind, ProvinceCouncilMeeting, Role, Step, UpwardProposal,
)
from dossiers.text import in_official_language, place_of

from .rendering import _issuing_lines, _weasy, vn_date
from .signing import sign_pdf


def _vote_rows(meeting: ProvinceCouncilMeeting) -> list[dict]:
    votes = {v.nominee_id: v for v in CouncilVote.objects.filter(meeting=meeting)}
    rows = []
    for nominee in meeting.dossier.nominees.select_related("person", "unit"):
        vote = votes.get(nominee.pk)
        rows.append({"nominee": nominee, "name": nominee.name, "kind": nominee.get_kind_display(),
                     "detail": nominee.position or nominee.workplace,
                     "votes": vote.votes_for if vote else None, "passed": vote.passed if vote else None,
                     "percent": (f"{vote.votes_for * 100 / meeting.members_total:.1f}".replace(".", ",")
                                 if vote else "")})
    return rows


def minutes_context(meeting: ProvinceCouncilMeeting) -> dict:
    dossier = meeting.dossier
    home_affairs = dossier.campaign.home_affairs_unit or dossier.award_form.deciding_unit
    rows = _vote_rows(meeting)
    return {
        "meeting": meeting, "dossier": dossier, "campaign": dossier.campaign, "form": dossier.award_form,
        "province": place_of(dossier.award_form.deciding_unit).upper(),
        "place_date": f"{place_of(home_affairs)}, {vn_date(meeting.held_on)}",
        "held_date": vn_date(meeting.held_on), "rows": rows,
        "passed": [r for r in rows if r["passed"]], "failed": [r for r in rows if r["passed"] is False],
        "missing": [r for r in rows if r["votes"] is None],
    }


@in_official_language
def council_minutes_pdf(meeting: ProvinceCouncilMeeting) -> bytes:
    """Biên bản họp Hội đồng TĐKT tỉnh: who met, the rule applied, each nominee's votes and result."""
    return _weasy(render_to_string("certificates/council_minutes.html", minutes_context(meeting)))


def upward_context(proposal: UpwardProposal) -> dict:
    dossier = proposal.dossier
    deciding = dossier.award_form.deciding_unit
    superior, issuing = _issuing_lines(deciding)
    nominees = list(proposal.nominees.select_related("person", "unit").order_by("kind", "pk"))
    meeting = ProvinceCouncilMeeting.objects.filter(dossier=dossier).first()
    votes = {v.nominee_id: v for v in CouncilVote.objects.filter(nominee__in=nominees)}
    for nominee in nominees:
        vote = votes.get(nominee.pk)
        nominee.votes_text = f"{vote.votes_for}/{meeting.members_total}" if vote and meeting else ""
    collectives = [n for n in nominees if n.kind == NomineeKind.COLLECTIVE]
    individuals = [n for n in nominees if n.kind == NomineeKind.INDIVIDUAL]
    counts = []
    if collectives:
        counts.append(f"{len(collectives):02d} tập thể")
    if individuals:
        counts.append(f"{len(individuals):02d} cá nhân")
    symbol = proposal.number.split("/", 1)[1] if "/" in proposal.number else proposal.number
    return {
        "proposal": proposal, "dossier": dossier, "campaign": dossier.campaign, "form": dossier.award_form,
        "superior": superior, "issuing_lines": issuing.split("\n"), "symbol": symbol,
        "place_date": f"{proposal.place}, {vn_date(proposal.signed_on)}",
        "collectives": collectives, "individuals": individuals, "counts": " và ".join(counts),
        "meeting": meeting, "meeting_date": vn_date(meeting.held_on) if meeting else "",
        "proposer": dossier.campaign.home_affairs_unit,
        "recipients": [proposal.recipient, *([proposal.via] if proposal.via else []),
                       "Chủ tịch, các PCT UBND tỉnh", "Lưu: VT"],
    }


@in_official_language
def upward_proposal_pdf(proposal: UpwardProposal) -> bytes:
    return _weasy(render_to_string("certificates/upward_proposal.html", upward_context(proposal)))


def signer_of(actor, dossier) -> tuple[str, str, str]:
    """(name, title, capacity) of the Chủ tịch's office holder who signs: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"."""
    unit_id = dossier.acting_unit_id(Step.UPWARD)
    membership = (Membership.objects.filter(user=actor, unit_id=unit_id, role=Role.CHAIRMAN, is_active=True)
                  .select_related("user").first())
    name = actor.get_full_name() or actor.get_username()
    if membership is None:
        return name, "Chủ tịch", ""
    capacity = f"KT. {membership.signs_for.strip().upper()}" if membership.signs_for.strip() else ""
    return name, membership.title or "Chủ tịch", capacity


def issue_upward_proposal(proposal: UpwardProposal) -> UpwardProposal:
    """Render the tờ trình from its row, sign it with the province's key and keep it (with its SHA-256).
    Called by the path service inside its transaction: the step's guard needs the signed file."""
    signed = sign_pdf(upward_proposal_pdf(proposal), reason=f"Tờ trình số {proposal.number}",
                      location=proposal.place)
    proposal.sha256 = hashlib.sha256(signed).hexdigest()
    proposal.pdf.save(f"to-trinh-{proposal.pk}.pdf", ContentFile(signed), save=False)
    proposal.save(update_fields=["pdf", "sha256"])
    return proposal


__all__ = ["council_minutes_pdf", "upward_proposal_pdf", "issue_upward_proposal", "signer_of"]
