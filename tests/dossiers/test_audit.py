"""Tamper-evident history (issue 9.6): the database refuses UPDATE and DELETE of events and certificates
(triggers, PostgreSQL and SQLite); each row is chained by hash; `audit_verify` names the first row altered
or removed, even when the trigger was dropped and the row changed through raw SQL."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from certificates.models import Certificate, Decision
from dossiers import audit
from dossiers.models import AuditCheck, DossierEvent, DossierStatus, EventKind
from dossiers.services import record_event
from workflows import services as flow
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db


def team(world):
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


@pytest.fixture
def dossier(world, in_window):
    dossier = flow.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit], individuals=[{"full_name": "Hà Thị Thu"}])
    return walk(dossier, team(world), until=DossierStatus.SUBMITTED)


@pytest.fixture
def decided(world, in_window, settings, tmp_path):
    settings.CERTIFICATES_SIGNING_DIR = tmp_path / "signing"
    dossier = flow.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit],
                 individuals=[{"full_name": f"Mạc Văn Tú {i}"} for i in range(3)])
    dossier = walk(dossier, team(world))
    from certificates.services import decision_issue

    return decision_issue(award_form=world.form, number="9/QĐ-UBND", signed_on=dt.date(2023, 12, 15),
                          signer=world.chris, actor=world.chris, nominees=list(dossier.nominees.all()))


def refused(sql: str, params=()):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def drop_trigger(table: str):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER audit_{table} ON {table}")
        else:
            cursor.execute(f"DROP TRIGGER audit_{table}_update")
            cursor.execute(f"DROP TRIGGER audit_{table}_delete")


def raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    return str(failure.value)


def test_each_dossier_has_its_own_chain_and_the_check_passes(dossier, capsys):
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1)) and len(events) >= 4
    assert events[0].prev_hash == audit.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:]))
    call_command("audit_verify")
    assert "audit_verify: OK" in capsys.readouterr().out
    check = AuditCheck.objects.get()
    assert check.ok and check.rows_checked == len(events) and check.heads["events"][str(dossier.pk)][0] == len(events)
    assert audit.last_check()["ok"] is True


def test_the_database_refuses_update_and_delete_of_events(dossier):
    event = DossierEvent.objects.filter(dossier=dossier).first()
    table = DossierEvent._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        DossierEvent.objects.filter(pk=event.pk).update(comment="Sửa lại cho đẹp")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        DossierEvent.objects.filter(pk=event.pk).delete()
    refused(f"UPDATE {table} SET comment = %s WHERE id = %s", ["giả mạo", event.pk])
    refused(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    with pytest.raises(ValueError):
        DossierEvent.objects.bulk_create([DossierEvent(dossier=dossier, kind=EventKind.NOTE)])
    assert DossierEvent.objects.get(pk=event.pk).comment == event.comment


def test_a_row_altered_through_raw_sql_is_named(dossier):
    table = DossierEvent._meta.db_table
    call_command("audit_verify")
    drop_trigger(table)
    forged = DossierEvent.objects.filter(dossier=dossier).order_by("seq")[1]
    raw(f"UPDATE {table} SET comment = %s WHERE id = %s", ["Hồ sơ đạt, không cần bổ sung", forged.pk])
    message = verify_fails()
    assert f"DossierEvent #{forged.pk} (hồ sơ #{dossier.pk}, thứ tự 2): nội dung đã bị sửa" in message
    assert "Thiếu trigger bảo vệ: dossiers.DossierEvent" in message or not AuditCheck.objects.latest("pk").ok
    check = AuditCheck.objects.order_by("-pk").first()
    assert not check.ok and audit.last_check()["ok"] is False


def test_a_row_removed_is_named_even_at_the_end_of_a_chain(dossier):
    table = DossierEvent._meta.db_table
    call_command("audit_verify")                                 # remembers each chain's length
    drop_trigger(table)
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    raw(f"DELETE FROM {table} WHERE id = %s", [events[2].pk])
    result = audit.verify(previous_heads=AuditCheck.objects.filter(ok=True).first().heads)
    assert result.problems[1] == (f"DossierEvent #{events[3].pk} (hồ sơ #{dossier.pk}, thứ tự 4): thiếu sự kiện "
                                  f"thứ tự 3 trước nó (đã bị xóa)")
    raw(f"DELETE FROM {table} WHERE id IN (%s, %s)", [e.pk for e in events[3:5]] if len(events) > 4
        else [events[3].pk, events[3].pk])
    raw(f"DELETE FROM {table} WHERE dossier_id = %s AND seq > 2", [dossier.pk])  # the whole tail
    result = audit.verify(previous_heads=AuditCheck.objects.filter(ok=True).first().heads)
    assert (f"DossierEvent hồ sơ #{dossier.pk}: lần kiểm tra trước có {len(events)} sự kiện, nay còn 2 "
            f"(sự kiện cuối đã bị xóa)") in result.problems


def test_new_events_keep_chaining_after_a_check(dossier, world):
    call_command("audit_verify")
    with transaction.atomic():
        record_event(dossier=dossier, actor=world.bob, kind=EventKind.NOTE, comment="Ghi chú", data={"a": (1, 2)})
    call_command("audit_verify")
    assert AuditCheck.objects.filter(ok=True).count() == 2


def test_certificates_refuse_changes_but_revocation_once(decided, world):
    certificate = decided.certificates.order_by("serial").first()
    table = Certificate._meta.db_table
    refused(f"UPDATE {table} SET recipient_name = %s WHERE id = %s", ["Người khác", certificate.pk])
    refused(f"DELETE FROM {table} WHERE id = %s", [certificate.pk])
    refused(f"UPDATE {Decision._meta.db_table} SET number = %s WHERE id = %s", ["10/QĐ-UBND", decided.pk])
    refused(f"DELETE FROM {Decision._meta.db_table} WHERE id = %s", [decided.pk])
    Decision.objects.filter(pk=decided.pk).update(render_status="running", render_done=1)   # render state: free
    from certificates.services import decision_revoke

    decision_revoke(decision=decided, actor=world.chris, reason="Sai tên")
    refused(f"UPDATE {table} SET revoked_at = NULL WHERE id = %s", [certificate.pk])
    call_command("audit_verify")


def test_a_certificate_altered_or_removed_is_named(decided):
    table = Certificate._meta.db_table
    call_command("audit_verify")
    drop_trigger(table)
    second = decided.certificates.order_by("register_number")[1]
    raw(f"UPDATE {table} SET recipient_name = %s WHERE id = %s", ["Nguyễn Văn Giả", second.pk])
    assert f"Certificate #{second.pk} (số sổ vàng {second.register_number:06d}): nội dung đã bị sửa" in verify_fails()
    raw(f"UPDATE {table} SET recipient_name = %s WHERE id = %s", [second.recipient_name, second.pk])
    last = decided.certificates.order_by("-register_number").first()
    raw(f"DELETE FROM {table} WHERE id = %s", [last.pk])
    assert f"bằng cuối đã bị xóa" in verify_fails()


def test_missing_triggers_fail_the_check(dossier):
    drop_trigger(DossierEvent._meta.db_table)
    assert "Thiếu trigger bảo vệ: dossiers.DossierEvent" in verify_fails()
    audit.install_triggers()
    call_command("audit_verify")


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_to_one_dossier_keep_one_chain(world, in_window):
    import threading

    from django.db import connections

    dossier = flow.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    barrier, errors = threading.Barrier(4), []

    def append(n):
        try:
            barrier.wait()
            for i in range(10):
                with transaction.atomic():          # no dossier lock taken by the caller: chain_event takes it
                    record_event(dossier=dossier, actor=None, kind=EventKind.NOTE, comment=f"{n}-{i}")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 41
    assert audit.verify().ok


def test_the_result_reaches_the_readiness_endpoint(dossier, client):
    call_command("audit_verify")
    body = client.get("/readyz").json()
    assert body["checks"]["audit"]["status"] == "ok" and body["checks"]["audit"]["rows_checked"] > 0
    drop_trigger(DossierEvent._meta.db_table)
    verify_fails()
    body = client.get("/readyz").json()
    assert body["checks"]["audit"]["status"] == "fail" and "Thiếu trigger" in body["checks"]["audit"]["error"]
