"""Work inside a step: nominees, documents, council votes, calendar. Moves along the path live in
workflows.services. Every function is keyword-only, atomic, and locks the dossier row."""

from .common import lock_dossier, record_event  # noqa: F401
from .documents import document_open, document_signatures_check, document_upload  # noqa: F401
from .nominees import council_record, nominee_add, nominee_remove  # noqa: F401
from .calendar import calendar_day_remove, calendar_day_set  # noqa: F401
from .ratings import dossier_rate  # noqa: F401
from .returns import return_reply  # noqa: F401
from .council import central_scan_attach, parse_attendees, province_council_record  # noqa: F401
from .delegations import delegation_create, delegation_revoke  # noqa: F401
