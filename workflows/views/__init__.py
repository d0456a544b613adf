"""Pages that move dossiers along the path, one module per area:

- landing: home (each role lands on its own work) and nav_context (the top bar's context processor);
- work: the unit's moves (create, finish the preparation steps, submit, resubmit, withdraw);
- reviewing: the reviewers' inbox (with forwarding several at once) and the review page;
- deciding: the chairman's decision page (draft, confirmation, signing);
- receipts: the unit's giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF);
- stats: the dashboard;
- steps: consultation answers, posting objections, the public posting page (issue 12);
- structure: delegation (ủy quyền) and handing an absent officer's work to a colleague;
- _common: the helpers they share.

Each POST calls workflows.services; a DossierError comes back as a message on the same page with
the user's input kept. The names below are what urls, settings (nav_context) and tests import."""

from .deciding import decisions
from .landing import home, nav_context
from .receipts import dossier_receipt
from .reviewing import inbox, review
from .stats import dashboard
from .steps import consultation_answer, objection_record, objection_resolve, public_list, public_objection
from .structure import delegations, reassign
from .work import complete_steps, dossier_create, dossier_resubmit, dossier_submit, dossier_withdraw

__all__ = [
    "complete_steps", "consultation_answer", "dashboard", "decisions", "dossier_create", "dossier_resubmit",
    "dossier_submit", "dossier_receipt", "dossier_withdraw", "home", "inbox", "nav_context", "review", "delegations",
    "reassign", "objection_record", "objection_resolve", "public_list", "public_objection",
]
