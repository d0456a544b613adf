"""Every URL that takes a pk, requested as anonymous, as an officer of another unit and as the
rightful user. Table-driven over `get_resolver()`: a new URL with a pk fails here until it is added
to PK_FACTORY below."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# url name -> (kwargs from the scene, rightful user from the scene, methods the view serves)
PK_FACTORY = {
    "dossiers:detail": (lambda s: {"pk": s.decided.pk}, lambda s: s.w.alice, {"GET"}),
    "dossiers:print": (lambda s: {"pk": s.decided.pk}, lambda s: s.w.alice, {"GET"}),
    "dossiers:nominee_add": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"POST"}),
    "dossiers:nominee_remove": (lambda s: {"pk": s.draft.pk, "nominee_pk": s.draft_nominee.pk},
                                lambda s: s.w.alice, {"POST"}),
    "dossiers:upload": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"POST"}),
    "dossiers:council": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"POST"}),
    "dossiers:rate": (lambda s: {"pk": s.decided.pk}, lambda s: s.w.alice, {"POST"}),
    "dossiers:person_lookup": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"GET"}),
    "dossiers:document": (lambda s: {"document_pk": s.document.pk}, lambda s: s.w.alice, {"GET"}),
    "workflows:receipt": (lambda s: {"pk": s.decided.pk}, lambda s: s.w.alice, {"GET"}),
    "workflows:complete_steps": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"POST"}),
    "workflows:submit": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.henry, {"POST"}),
    "workflows:resubmit": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.henry, {"POST"}),
    "workflows:withdraw": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"POST"}),
    "workflows:review": (lambda s: {"pk": s.late.pk}, lambda s: s.w.bob, {"GET", "POST"}),
    "certificates:verify": (lambda s: {"token": s.certificate.token}, None, {"GET"}),   # public by design
    "certificates:decision": (lambda s: {"pk": s.decision.pk}, lambda s: s.w.chris, {"GET"}),
    "certificates:decision_status": (lambda s: {"pk": s.decision.pk}, lambda s: s.w.chris, {"GET"}),
    "certificates:decision_pdf": (lambda s: {"pk": s.decision.pk}, lambda s: s.w.chris, {"GET"}),
    "certificates:certificates_pdf": (lambda s: {"pk": s.decision.pk}, lambda s: s.w.chris, {"GET"}),
    "certificates:awardees_xlsx": (lambda s: {"pk": s.decision.pk}, lambda s: s.w.chris, {"GET"}),
    "certificates:decision_rerender": (lambda s: {"pk": s.decision.pk}, lambda s: s.w.chris, {"POST"}),
    "certificates:decision_revoke": (lambda s: {"pk": s.decision.pk}, lambda s: s.w.chris, {"POST"}),
    "certificates:certificate_pdf": (lambda s: {"pk": s.certificate.pk}, lambda s: s.w.chris, {"GET"}),
    "certificates:decision_token_sign": (lambda s: {"pk": s.decision.pk}, lambda s: s.w.chris, {"POST"}),
    "precheck:retry": (lambda s: {"document_pk": s.document.pk}, lambda s: s.w.alice, {"POST"}),
    "deadlines:notification_open": (lambda s: {"pk": s.notification.pk}, lambda s: s.notification.user, {"POST"}),
    "deadlines:apology_issue": (lambda s: {"task_pk": s.task.pk}, lambda s: s.w.bob, {"POST"}),
    "deadlines:apology_pdf": (lambda s: {"pk": s.apology.pk}, lambda s: s.w.olga, {"GET"}),
    "deadlines:explanation": (lambda s: {"pk": s.explanation.pk}, lambda s: s.w.bob, {"GET", "POST"}),
    "criteria:reports": (lambda s: {"pk": s.w.campaign.pk}, lambda s: s.w.bob, {"GET"}),
    "criteria:reports_xlsx": (lambda s: {"pk": s.w.campaign.pk}, lambda s: s.w.bob, {"GET"}),
    "criteria:proposal_pdf": (lambda s: {"pk": s.w.campaign.pk}, lambda s: s.w.bob, {"GET"}),
    "criteria:consolidated_pdf": (lambda s: {"pk": s.w.campaign.pk}, lambda s: s.w.bob, {"GET"}),
    "criteria:dossier": (lambda s: {"pk": s.decided.pk}, lambda s: s.w.alice, {"GET"}),
    "criteria:evaluate": (lambda s: {"pk": s.decided.pk}, lambda s: s.w.bob, {"POST"}),
    "criteria:override": (lambda s: {"pk": s.decided.pk}, lambda s: s.w.bob, {"POST"}),
    "criteria:assess": (lambda s: {"pk": s.decided.pk}, lambda s: s.w.bob, {"POST"}),
    "criteria:form07": (lambda s: {"pk": s.decided.pk, "nominee_pk": s.person.pk}, lambda s: s.w.alice, {"GET"}),
    "criteria:report_draft": (lambda s: {"pk": s.decided.pk, "nominee_pk": s.person.pk}, lambda s: s.w.alice,
                              {"GET", "POST"}),
    "criteria:registration_submit": (lambda s: {"pk": s.w.campaign.pk, "unit_pk": s.w.unit.pk}, lambda s: s.w.alice,
                                     {"POST"}),
    "criteria:registration_confirm": (lambda s: {"pk": s.registration.pk}, lambda s: s.w.nora, {"POST"}),
    "criteria:registration_return": (lambda s: {"pk": s.registration.pk}, lambda s: s.w.nora, {"POST"}),
    "imports:nominees": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"GET", "POST"}),
    "precheck:retry": (lambda s: {"document_pk": s.document.pk}, lambda s: s.w.alice, {"POST"}),
    # issue 12: a consulted agency's answer, the office's objections at a posting step, the public form
    "workflows:consultation_answer": (lambda s: {"pk": kinds(s).consulting.pk}, lambda s: kinds(s).police_head,
                                      {"POST"}),
    "workflows:objection_record": (lambda s: {"pk": kinds(s).posted.pk}, lambda s: s.w.nora, {"POST"}),
    "workflows:objection_resolve": (lambda s: {"pk": kinds(s).posted.pk, "objection_pk": kinds(s).objection.pk},
                                    lambda s: s.w.nora, {"POST"}),
    "workflows:public_objection": (lambda s: {"posting_pk": kinds(s).posting.pk}, None, {"GET"}),  # public
    # issue 12: the provincial council's vote and minutes, the tờ trình upward, the central decision
    "dossiers:province_council": (lambda s: {"pk": upward(s).dossier.pk}, lambda s: s.w.nora, {"POST"}),
    "workflows:council_minutes": (lambda s: {"pk": upward(s).dossier.pk}, lambda s: s.w.nora, {"GET"}),
    "workflows:send_upward": (lambda s: {"pk": upward(s).dossier.pk}, lambda s: s.w.chris, {"POST"}),
    "workflows:upward_pdf": (lambda s: {"pk": upward(s).dossier.pk}, lambda s: s.w.chris, {"GET"}),
    "workflows:record_central": (lambda s: {"pk": upward(s).dossier.pk}, lambda s: s.w.nora, {"POST"}),
    # The REST API (api/): the same objects, the same rightful users; anonymous gets a 401 problem.
    "api:dossier-detail": (lambda s: {"pk": s.decided.pk}, lambda s: s.w.alice, {"GET"}),
    "api:dossier-status": (lambda s: {"pk": s.decided.pk}, lambda s: s.w.alice, {"GET"}),
    "api:dossier-timeline": (lambda s: {"pk": s.decided.pk}, lambda s: s.w.alice, {"GET"}),
    "api:dossier-nominees": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"POST"}),
    "api:dossier-documents": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"POST"}),
    "api:dossier-document-reference": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"POST"}),
    "api:dossier-council": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"POST"}),
    "api:dossier-complete-step": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.alice, {"POST"}),
    "api:dossier-submit": (lambda s: {"pk": s.draft.pk}, lambda s: s.w.henry, {"POST"}),
    "api:decision-detail": (lambda s: {"pk": s.decision.pk}, lambda s: s.w.chris, {"GET"}),
    "api:export_decision": (lambda s: {"pk": s.decision.pk}, lambda s: s.w.chris, {"GET"}),
}
def kinds(scene):
    """Issue 12's objects, made once per scene: a form with a consultation (Công an tỉnh) and a posting;
    one dossier waiting for the agency's answer, one posted with an objection from the public."""
    if "kinds" in scene.__dict__:
        return scene.kinds
    import time_machine

    from dossiers.models import AwardForm, ConsultedAgency, Role, Step, StepRule, Unit
    from tests.deadlines.helpers import at
    from workflows import services
    from workflows.consultation import consultation_answer
    from workflows.posting import objection_submit
    from workflows.walk import Actors, add_nominees, prepare

    w = scene.w
    police = Unit.objects.create(name="Công an tỉnh", level=w.levels["tinh"], parent=w.province)
    police_head = w.user("police_head", police, Role.UNIT_HEAD)
    form = AwardForm.objects.create(campaign=w.campaign, code="hiep-y", name="Cờ thi đua", deciding_unit=w.province,
                                    signer_office="CHỦ TỊCH")
    path = [Step.PROPOSAL, Step.SUBMISSION, Step.HOME_AFFAIRS, Step.CONSULTATION, Step.POSTING, Step.DECISION]
    for position, step in enumerate(path, start=1):
        rule = StepRule.objects.create(award_form=form, step=step, lead_days=5, position=position)
        if step == Step.CONSULTATION:
            ConsultedAgency.objects.create(step_rule=rule, unit=police)
    finance = Unit.objects.create(name="Sở Tài chính", level=w.levels["tinh"], parent=w.province)
    proposers = [(w.unit, w.alice, w.henry),
                 (finance, w.user("fiona", finance, Role.UNIT_OFFICER), w.user("fred", finance, Role.UNIT_HEAD))]
    made = []
    with time_machine.travel(at(2023, 12, 5, 9, 0), tick=False):
        for unit, officer, head in proposers:
            dossier = services.dossier_create(campaign=w.campaign, award_form=form, unit=unit, actor=officer)
            add_nominees(dossier, officer, individuals=[{"full_name": f"Cán bộ {unit.name}"}])
            dossier = services.dossier_submit(dossier=prepare(dossier, Actors(officer=officer, head=head)),
                                              actor=head)
            made.append(services.dossier_approve_step(dossier=dossier, actor=w.nora))
        posted = made[1]
        consultation_answer(dossier=posted, actor=police_head, agency=police, verdict="agree")
        posted.refresh_from_db()
        posting = posted.postings.get()
        objection = objection_submit(posting_id=posting.pk, text="Ý kiến của người dân.")
    scene.kinds = type("Kinds", (), {"consulting": made[0], "posted": posted, "posting": posting,
                                     "objection": objection, "police_head": police_head})
    return scene.kinds


def upward(scene):
    """A proposal upward past the provincial council's vote, its tờ trình signed: waiting for the central
    decision (made once per scene)."""
    if "upward" in scene.__dict__:
        return scene.upward
    import datetime as dt

    import time_machine

    from dossiers.models import DossierStatus, Step
    from tests.deadlines.helpers import at
    from tests.workflows.test_council_upward import UPWARD_PATH, actors, council_form, nominee_ids, record
    from workflows import services
    from workflows.upward import dossier_send_upward
    from workflows.walk import add_nominees, walk

    w = scene.w
    with time_machine.travel(at(2023, 12, 5, 9, 0), tick=False):
        dossier = services.dossier_create(campaign=w.campaign, award_form=council_form(w, UPWARD_PATH), unit=w.unit,
                                          actor=w.alice)
        add_nominees(dossier, w.alice, individuals=[{"full_name": "Lê Văn Toàn", "citizen_id": "020123456780",
                                                     "position": "Chuyên viên"}])
        dossier = walk(dossier, actors(w), until=DossierStatus.AT_PROVINCE_COUNCIL)
        record(w, dossier, {pk: 15 for pk in nominee_ids(dossier)})
        dossier = services.dossier_approve_step(dossier=dossier, actor=w.nora)
        dossier_send_upward(dossier=dossier, actor=w.chris, number="99/TTr-UBND", signed_on=dt.date(2023, 12, 5))
        dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_CENTRAL and Step.CENTRAL_DECISION
    scene.upward = type("Upward", (), {"dossier": dossier})
    return scene.upward


# The API's catalog (campaigns, award forms, units) is read by every signed-in user and system: not
# per object (tests/api/test_access.py checks it is closed to anonymous callers).
SIGNED_IN_CATALOG = {
    "api:campaign-detail": (lambda s: {"pk": s.w.campaign.pk}, None, {"GET"}),
    "api:award-form-detail": (lambda s: {"pk": s.w.form.pk}, None, {"GET"}),
    "api:unit-detail": (lambda s: {"pk": s.w.unit.pk}, None, {"GET"}),
}
# The Django admin is staff-only as a whole (checked once below), not per object.
EXCLUDED_NAMESPACES = {"admin"}
# Public by design, guarded by a signed one-time token rather than by who asks (tests/ops/test_accounts.py).
# name -> made-up token kwargs (the page answers "link no longer valid").
TOKEN_URLS = {"password_reset_confirm": {"uidb64": "MQ", "token": "c0ffee-0123456789abcdef"},
              "certificates:token_draft": {"link": "c0ffee-0123456789abcdef"}}


def url_patterns(resolver=None, namespace=None):
    """(namespace, qualified name, pattern) for every URL of the project."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from url_patterns(p, p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield namespace, (f"{namespace}:{p.name}" if namespace else p.name), p


def patterns_with_pk():
    return [(ns, name, p) for ns, name, p in url_patterns() if p.pattern.converters or p.pattern.regex.groupindex]


def test_every_url_with_a_pk_is_covered():
    missing = [f"{name or '(unnamed)'} [{p.pattern}]" for ns, name, p in patterns_with_pk()
               if ns not in EXCLUDED_NAMESPACES and name not in PK_FACTORY and name not in TOKEN_URLS
               and name not in SIGNED_IN_CATALOG]
    assert not missing, ("URL patterns taking a pk that tests/security/test_access.py does not cover; add them "
                         "to PK_FACTORY with a rightful user: " + ", ".join(missing))
    stale = set(PK_FACTORY) - {name for _ns, name, _p in patterns_with_pk()}
    assert not stale, f"PK_FACTORY names URLs that no longer exist: {sorted(stale)}"


def _request(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, {})


def test_anonymous_is_sent_to_login(scene):
    client = Client()
    for name, (kwargs, rightful, methods) in PK_FACTORY.items():
        url = reverse(name, kwargs=kwargs(scene))
        for method in ("GET", "POST"):
            response = _request(client, method, url)
            if rightful is None:       # public pages: the verification page (read-only, any method shows
                # it) and the posted list's objection form (an empty POST is refused by name, 400)
                assert response.status_code in (200, 400, 405), (name, method)
                continue
            assert response.status_code in (302, 401, 404, 405), (name, method, response.status_code)
            if response.status_code == 401:    # the API: a problem, never a login page
                assert name.startswith("api:") and response["Content-Type"] == "application/problem+json"
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), (name, method, response["Location"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    charlie = Client()
    charlie.force_login(scene.w.charlie)
    assert charlie.get(reverse("admin:index")).status_code == 302          # not staff: the admin login


def test_outsider_gets_404_never_the_data(scene):
    """charlie (officer of UBND huyện Cao Lộc) tries everything of the other units."""
    client = Client()
    client.force_login(scene.w.charlie)
    secrets = ["Nguyễn Văn Bình", "020080456789", "Trần Thị Hoa", "2345/QĐ-UBND"]
    for name, (kwargs, rightful, methods) in PK_FACTORY.items():
        if rightful is None:
            continue
        url = reverse(name, kwargs=kwargs(scene))
        for method in ("GET", "POST"):
            response = _request(client, method, url)
            assert response.status_code in (403, 404, 405), (name, method, response.status_code)
            if not getattr(response, "streaming", False):
                body = response.content.decode(errors="replace")
                for secret in secrets:
                    assert secret not in body, (name, method, secret)


def test_rightful_user_is_served(scene):
    """The user who handles the object gets the page (GET), and a POST is handled, not refused as
    unknown. POSTs go last: they may change the state."""
    clients = {}

    def client_for(user):
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        return clients[user.pk]

    for wanted in ("GET", "POST"):
        for name, (kwargs, rightful, methods) in PK_FACTORY.items():
            if wanted not in methods:
                continue
            url = reverse(name, kwargs=kwargs(scene))
            client = client_for(rightful(scene)) if rightful else Client()
            response = _request(client, wanted, url)
            if wanted == "GET":
                assert response.status_code == 200, (name, response.status_code)
            else:
                assert response.status_code in (200, 302, 400, 409), (name, response.status_code)
