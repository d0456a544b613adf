"""Reads for the public register (sổ khen thưởng công khai): issued decisions and their awardees.
Only what a certificate prints about a person (name, unit, award, decision): never a CCCD or a birth
date. Revoked awards stay listed, marked revoked."""

import unicodedata
from dataclasses import dataclass

from django.db.models.functions import ExtractYear

from certificates.models import Certificate, Decision, DecisionStatus
from dossiers.models import Unit

MAX_QUERY = 100


def fold(text: str) -> str:
    """Lower case, without diacritics, spaces collapsed: "Nguyen van an" finds "Nguyễn Văn An"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


@dataclass
class RegisterFilters:
    q: str = ""
    unit: int | None = None
    year: int | None = None

    @classmethod
    def from_query(cls, query) -> "RegisterFilters":
        def as_int(value, low, high):
            value = (value or "").strip()
            return int(value) if value.isdigit() and len(value) < 16 and low <= int(value) <= high else None

        q = unicodedata.normalize("NFC", " ".join((query.get("q") or "").replace("\x00", "").split()))[:MAX_QUERY]
        return cls(q=q, unit=as_int(query.get("unit"), 1, 10**15), year=as_int(query.get("year"), 1900, 2999))


def awards(filters: RegisterFilters) -> list[Certificate]:
    """Every certificate of an issued or revoked decision, newest decision first, filtered."""
    rows = (Certificate.objects.filter(decision__status__in=[DecisionStatus.ISSUED, DecisionStatus.REVOKED])
            .select_related("decision__award_form", "decision__issuing_unit", "nominee__dossier__unit")
            .order_by("-decision__signed_on", "-decision_id", "serial"))
    if filters.year:
        rows = rows.filter(decision__signed_on__year=filters.year)
    if filters.unit:
        rows = rows.filter(nominee__dossier__unit_id=filters.unit)
    rows = rows.only("pk", "serial", "register_number", "token", "kind", "recipient_name", "revoked_at",
                     "decision__number", "decision__signed_on", "decision__status", "decision__award_form__name",
                     "decision__issuing_unit__name", "nominee__dossier__unit__name",
                     "nominee__dossier__status")    # the FSM reads its field on load: never deferred
    if not filters.q:
        return rows
    wanted = fold(filters.q)
    # names in Vietnamese are searched without diacritics; a province's register is thousands of rows
    return [row for row in rows if wanted in fold(row.recipient_name)]


def years() -> list[int]:
    return sorted({y for y in Decision.objects.annotate(y=ExtractYear("signed_on")).values_list("y", flat=True)},
                  reverse=True)


def units() -> list[Unit]:
    return list(Unit.objects.filter(dossiers__nominees__certificates__isnull=False).distinct().order_by("name"))
