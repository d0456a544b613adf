"""A role that can see a dossier but may not act on it gets a clear refusal in Vietnamese, and
nothing is written."""

import pytest
from django.test import Client
from django.urls import reverse

from dossiers.models import Dossier, DossierEvent
from tests.deadlines.helpers import at

pytestmark = pytest.mark.django_db
REFUSALS = ("Bạn không có quyền", "Chỉ người có thẩm quyền", "đơn vị không thể sửa")


def test_may_see_but_not_act(scene, time_machine):
    time_machine.move_to(at(2023, 12, 5, 9, 0), tick=False)
    s, w = scene, scene.w
    cases = [
        (w.bob, "dossiers:nominee_add", [s.decided.pk], {"kind": "collective", "unit": w.unit.pk}),
        (w.alice, "workflows:submit", [s.draft.pk], {"seen_status": s.draft.status}),     # the head submits
        (w.henry, "dossiers:nominee_add", [s.decided.pk], {"kind": "collective", "unit": w.unit.pk}),
        (w.nora, "workflows:review", [s.decided.pk], {"action": "approve", "seen_status": s.decided.status}),
        (w.olga, "workflows:review", [s.late.pk], {"action": "approve", "seen_status": s.late.status}),
        (w.olga, "workflows:review", [s.late.pk], {"action": "reject", "seen_status": s.late.status,
                                                   "general_reason": "Không đạt."}),
        (w.bob, "certificates:decision_revoke", [s.decision.pk], {"reason": "Sai sót nghiêm trọng cần thu hồi."}),
        (w.olga, "deadlines:explanation", [s.explanation.pk], {"text": "Giải trình đủ dài rồi nhé."}),
        (w.alice, "criteria:override", [s.decided.pk], {"nominee": s.person.pk, "reason": "Lý do vượt quyền dài."}),
    ]
    for user, name, args, data in cases:
        before = {d.pk: (d.status, d.current_step) for d in Dossier.objects.all()}
        events = DossierEvent.objects.count()
        client = Client()
        client.force_login(user)
        response = client.post(reverse(name, args=args), data, follow=True)
        assert response.status_code in (200, 400, 403), (user.username, name, response.status_code)
        shown = [str((response.context or {}).get("error") or "")]
        shown += [str(m) for m in (response.context or {}).get("messages", [])]
        assert any(refusal in text for text in shown for refusal in REFUSALS), (user.username, name, shown)
        assert {d.pk: (d.status, d.current_step) for d in Dossier.objects.all()} == before, (user.username, name)
        assert DossierEvent.objects.count() == events, (user.username, name)
    s.decision.refresh_from_db()
    assert not s.decision.is_revoked
    # Sở Nội vụ does not see a dossier still at the appraisal step: not found, not "not permitted"
    client = Client()
    client.force_login(w.nora)
    assert client.post(reverse("workflows:review", args=[s.late.pk]),
                       {"action": "approve", "seen_status": s.late.status}).status_code == 404


def test_bulk_forward_does_not_name_another_units_dossier(scene):
    """The inbox's "forward selected" listed every posted id it could not forward with its unit:
    charlie could learn which unit owns dossier #n by posting ids."""
    s, w = scene, scene.w
    client = Client()
    client.force_login(w.charlie)
    events = DossierEvent.objects.count()
    response = client.post(reverse("workflows:inbox"), {"dossier": [s.decided.pk, s.late.pk, s.draft.pk]})
    assert response.status_code == 400
    body = response.content.decode()
    for name in ("Sở Tư pháp", "Sở Y tế"):
        assert name not in body, name
    assert DossierEvent.objects.count() == events
    assert body.count("Không tìm thấy hồ sơ.") == 3
    # nora (Sở Nội vụ) may see the decided dossier (it reached her): she is told why, with its unit;
    # the late one, still at the appraisal step, she does not see: not found, its unit not named
    client.force_login(w.nora)
    body = client.post(reverse("workflows:inbox"), {"dossier": [s.decided.pk]}).content.decode()
    assert "Sở Tư pháp" in body and "Bạn không xử lý hồ sơ này ở bước hiện tại." in body
    body = client.post(reverse("workflows:inbox"), {"dossier": [s.late.pk]}).content.decode()
    assert "Sở Y tế" not in body and "Không tìm thấy hồ sơ." in body
