"""Accessibility checks shared by the browser tests (issue 16): axe-core, reflow, focus visibility.

axe-core comes from the npm package `axe-core` (4.14.1, MPL-2.0), vendored in tests/e2e/vendor with its
licence: no network at test time. It is injected as a script's text, so the browser contexts that run it
bypass the page's Content-Security-Policy (`bypass_csp=True`): the policy forbids inline scripts, and axe
is the test's code, not the page's."""

import datetime as dt
from pathlib import Path

from dossiers.models import Membership, Role, Unit
from criteria.metrics import metrics_import
from criteria.setup import seed_criteria
from dossiers.models import CampaignTarget, DossierStatus
from workflows import services
from workflows.walk import Actors, add_nominees, walk

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
# Moderate findings accepted on purpose, each with its reason. Any other moderate rule fails the suite.
ACCEPTED_MODERATE: dict[str, str] = {}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n")[1])}));
}"""
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def axe_violations(page) -> list[dict]:
    """axe's violations on the page as it is now (minor ones included: the caller filters)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_SOURCE)
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def blocking(violations: list[dict]) -> list[dict]:
    """What fails the suite: serious or critical, or moderate and not in the accepted baseline."""
    return [v for v in violations if v["impact"] in FAILING_IMPACTS
            or (v["impact"] == "moderate" and v["id"] not in ACCEPTED_MODERATE)]


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it reflows)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def widest(page, limit: int = 5) -> list[str]:
    """The elements sticking out past the viewport's right edge, to name them in a failure."""
    return page.evaluate("""(limit) => {
      const out = [], w = window.innerWidth;
      for (const el of document.querySelectorAll("body *")) {
        const r = el.getBoundingClientRect();
        if (r.right > w + 1 && r.width > 0) out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
          (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
          " right=" + Math.round(r.right));
        if (out.length >= limit) break;
      }
      return out;
    }""", limit)


class Dossiers:
    """One dossier in each state a page shows differently, all of units the officer and head of Sở Tư pháp
    belong to, so each role has something on every page: preparing (uploads), reports complete (sign and
    send), returned (reasons), at Sở Nội vụ (criteria table), at the decision, decided with its Quyết định."""

    def __init__(self, p):
        self.p = p
        seed_criteria(p.form)
        actors = Actors(officer=p.officer, head=p.head, appraiser=p.appraiser, home_affairs=p.home_affairs,
                        chairman=p.chairman)
        units = [p.unit] + [self._unit(name) for name in (
            "Sở Tài chính", "Sở Xây dựng", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Công Thương", "Sở Du lịch")]
        # each unit's figures, so the criteria table has values and the appraisal may forward
        from tests.criteria.conftest import csv_file, figures_row

        CampaignTarget.objects.create(campaign=p.campaign, level=p.unit.level, value=70)
        metrics_import(campaign=p.campaign, actor=p.appraiser, file=csv_file([figures_row(u) for u in units]))
        person = {"full_name": "Nguyễn Văn An", "citizen_id": "020123456789",
                  "position": "Trưởng phòng Hành chính tư pháp", "achievement": "Số hóa 100% hồ sơ TTHC."}

        def dossier(unit, until, individuals=()):
            d = services.dossier_create(campaign=p.campaign, award_form=p.form, unit=unit, actor=p.officer)
            add_nominees(d, p.officer, collectives=[unit], individuals=list(individuals))
            return walk(d, actors, until=until) if until else d

        self.preparing = dossier(units[0], None, [person])
        self.complete = dossier(units[1], DossierStatus.REPORTS_COMPLETE)
        self.submitted = dossier(units[2], DossierStatus.SUBMITTED)
        returned = dossier(units[3], DossierStatus.SUBMITTED)
        report = returned.documents.get(document_type__code="bao-cao-thanh-tich")
        services.dossier_return(dossier=returned, actor=p.appraiser, reasons=[
            {"text": "Báo cáo thành tích thiếu số liệu số hóa năm 2023.", "document_type": "bao-cao-thanh-tich",
             "nominee": report.nominee_id},
            {"text": "Bổ sung danh sách hồ sơ đã số hóa.", "document_type": None, "nominee": None}])
        self.returned = returned
        self.appraised = dossier(units[4], DossierStatus.APPRAISED)
        self.awaiting = dossier(units[5], DossierStatus.AWAITING_DECISION)
        self.decided = dossier(units[6], DossierStatus.DECIDED)
        from unittest import mock

        from certificates.services import decision_issue

        with mock.patch("certificates.tasks.schedule_render"):  # its PDFs are not what these pages test
            self.decision = decision_issue(award_form=p.form, number="1234/QĐ-UBND", signed_on=dt.date.today(),
                                           signer=p.chairman, actor=p.chairman,
                                           nominees=list(self.decided.nominees.all()))

    def _unit(self, name):
        p = self.p
        unit = Unit.objects.create(name=name, level=p.unit.level, parent=p.province)
        for user, role in ((p.officer, Role.UNIT_OFFICER), (p.head, Role.UNIT_HEAD)):
            Membership.objects.create(user=user, unit=unit, role=role,
                                      title="Giám đốc" if role == Role.UNIT_HEAD else "")
        return unit
