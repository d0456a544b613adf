from .campaigns import (  # noqa: F401
    CANONICAL_ORDER, STEP_KINDS, ActingUnitSource, AwardForm, Campaign, CampaignTarget, ConfiguredStep, DocumentRequirement,
    DocumentType, RequirementScope, Step, StepKind, StepRule, StepWork, kind_of, local_day_end, local_day_start,
    steps_where, REVISION, step_label, canonical_rank, ConsultedAgency, document_type_name, regime_form,
)
from .dossiers import (  # noqa: F401
    FINAL_STATUSES, RETURNABLE_STATUSES, NOMINEE_EDITABLE_STATUSES, REPORT_EDITABLE_STATUSES, REVIEW_STATUSES, STATUS_AT_STEP, STEP_AT_STATUS,
    UNIT_EDITABLE_STATUSES, CouncilMeeting, Dossier, DossierStatus, Nominee, NomineeKind, Outcome,
)
from .records import (CalendarDay, Document, DossierEvent, EventKind, ReturnRequest, ServiceRating,  # noqa: F401
                      SignatureState)
from .units import (  # noqa: F401
    DELEGABLE_ROLES, Delegation, DelegationKind, Membership, Person, Role, Unit, UnitLevel, acting_unit_q, citizen_id_ok,
    citizen_id_problem, units_at,
)
from .audit import AuditCheck  # noqa: F401
from .council import (  # noqa: F401
    CentralDecision, CouncilVote, CouncilVoteRule, ProvinceCouncilMeeting, Share, UpwardProposal, VoteBase,
    vote_rule_for,
)
from .regimes import BaseSalary, LegalRegime, PrizeRule, RegimeForm, RegimeText, TextKind  # noqa: F401
from .steps import ConsultationAnswer, ObjectionSource, PostingObjection, PublicPosting, Verdict  # noqa: F401
