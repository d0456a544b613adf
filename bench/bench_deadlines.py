"""Deadline scan: 100,000 open tasks in PostgreSQL (database kt_bench_deadlines, created and dropped
here), one scan that finds the due ones and queues their reminders (alert rows inserted under the
unique constraint, delivery jobs queued on Huey after commit). Goal: under 1 s.

Due dates are spread over working days from 5 before to 95 after "today" (Tue 12/12/2023 10:00).
Two scans are timed:
- scan_s: the steady state. Alerts for every stage reached before today exist already (the scans of
  the previous days sent them); this scan finds the tasks that today moved into a new stage.
- scan_cold_s: the first scan ever over the same tasks (no alert rows at all).
A third scan right after must find nothing (idempotent): repeat_found.
Prints `name: value` lines: tasks, due_found, scan_s, due_found_cold, scan_cold_s, repeat_found, setup_s."""

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_fresh_database, drop_database  # noqa: E402

DB_NAME = "kt_bench_deadlines"
TASKS = int(os.environ.get("BENCH_DEADLINE_TASKS", "100000"))
BATCH = 5000


def main() -> None:
    queue_dir = tempfile.mkdtemp(prefix="kt-bench-huey-")
    os.environ["HUEY_SQLITE_PATH"] = str(Path(queue_dir) / "huey.sqlite3")   # never the developer's queue
    os.environ["HUEY_IMMEDIATE"] = "0"
    vendor = django_on_fresh_database(DB_NAME)
    try:
        run(vendor)
    finally:
        drop_database(DB_NAME)
        for path in Path(queue_dir).glob("*"):
            path.unlink()
        os.rmdir(queue_dir)


def run(vendor: str) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from huey.contrib.djhuey import HUEY
    from viewflow.workflow.status import STATUS

    from dossiers import calendar
    from dossiers.models import Dossier, Role, Unit, local_day_end
    from dossiers.setup import levels, provincial_campaign
    from workflows import deadlines
    from workflows.flows import DossierFlow
    from workflows.models import AlertKind, DeadlineAlert, DossierProcess, DossierTask

    started = time.perf_counter()
    vn = dt.timezone(dt.timedelta(hours=7))
    now = dt.datetime(2023, 12, 12, 10, 0, tzinfo=vn)
    today = timezone.localdate(now)
    lv = levels()
    province = Unit.objects.create(name="UBND tỉnh Lạng Sơn", level=lv["tinh"])
    stt = Unit.objects.create(name="Sở Thông tin và Truyền thông", level=lv["tinh"], parent=province)
    snv = Unit.objects.create(name="Sở Nội vụ", level=lv["tinh"], parent=province)
    campaign = provincial_campaign(province=province, appraising=stt, home_affairs=snv, plan_number="170/KH-UBND",
                                   title="Bench", period=(dt.date(2023, 8, 20), dt.date(2023, 11, 30)),
                                   window=(dt.date(2023, 12, 4), dt.date(2023, 12, 6)))
    form = campaign.award_forms.get(code="bang-khen")
    user = get_user_model().objects.create_user("bench")

    # Working days from 5 before today to 95 after: the due dates of the open tasks.
    days, day = [], today
    for _ in range(5):
        day = day - dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
        days.insert(0, day)
    days.append(today)
    days += [calendar.add_working_days(today, n) for n in range(1, 96)]
    due_ends = [local_day_end(d) for d in days]

    dossier_type = ContentType.objects.get_for_model(Dossier)
    # One unit, dossier, process and task made by the ORM (the rows the services would write), then on
    # PostgreSQL copied TASKS - 1 times by INSERT … SELECT generate_series (the ORM's 400,000 objects took
    # most of this bench's time); each copy its own unit, its due date taken in turn from `due_ends`.
    n_orm = 1 if vendor == "postgresql" else TASKS
    with transaction.atomic():
        units = Unit.objects.bulk_create([Unit(name=f"UBND xã {i:06d}", level=lv["xa"], parent=province)
                                          for i in range(n_orm)], batch_size=BATCH)
        dossiers = Dossier.objects.bulk_create(
            [Dossier(campaign=campaign, award_form=form, unit=u, status="submitted", created_by=user,
                     submitted_at=now) for u in units], batch_size=BATCH)
        processes = DossierProcess.objects.bulk_create(
            [DossierProcess(flow_class=DossierFlow, status=STATUS.NEW, artifact_content_type=dossier_type,
                            artifact_object_id=d.pk) for d in dossiers], batch_size=BATCH)
        tasks = DossierTask.objects.bulk_create(
            [DossierTask(process=p, dossier=d, flow_task=DossierFlow.appraisal, flow_task_type="HUMAN",
                         status=STATUS.NEW, step="appraisal", unit=stt, role=Role.APPRAISER,
                         due_at=due_ends[i % len(due_ends)], created=now - dt.timedelta(days=20))
             for i, (p, d) in enumerate(zip(processes, dossiers))], batch_size=BATCH)
        if n_orm < TASKS:
            unit, dossier, process, task = units[0].pk, dossiers[0].pk, processes[0].pk, tasks[0].pk
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")   # the copies' keys are right by construction
                copy_rows(cursor, "dossiers_unit", unit, TASKS - 1, {"name": "'UBND xã ' || lpad(g::text, 6, '0')"})
                copy_rows(cursor, "dossiers_dossier", dossier, TASKS - 1, {"unit_id": f"{unit} + g"})
                copy_rows(cursor, "viewflow_process", process, TASKS - 1, {"artifact_object_id": f"{dossier} + g"})
                copy_rows(cursor, "workflows_dossiertask", task, TASKS - 1, {
                    "process_id": f"{process} + g", "dossier_id": f"{dossier} + g",
                    "due_at": f"(%s::timestamptz[])[1 + mod(g, {len(due_ends)})]"}, [due_ends])
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE workflows_dossiertask")
    setup_s = time.perf_counter() - started

    # Steady state: yesterday's scans already sent every stage reached before today.
    yesterday = days[4]
    previous = deadlines.due_candidates(local_day_end(yesterday) - dt.timedelta(hours=10))
    prior = [DeadlineAlert(task_id=pk, kind=stage, due_at=due, scan_token="yesterday")
             for pk, stage, due in previous.values_list("pk", "stage", "due_at")]
    DeadlineAlert.objects.bulk_create(prior, batch_size=BATCH)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE workflows_deadlinealert")

    HUEY.storage.flush_queue()
    t0 = time.perf_counter()
    found = deadlines.scan(now=now)
    scan_s = time.perf_counter() - t0
    queued = HUEY.pending_count()
    repeat = deadlines.scan(now=now)

    # Cold: the very first scan, with no alert rows at all.
    DeadlineAlert.objects.all().delete()
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE workflows_deadlinealert")
    HUEY.storage.flush_queue()
    t0 = time.perf_counter()
    cold = deadlines.scan(now=now)
    scan_cold_s = time.perf_counter() - t0
    kinds = dict.fromkeys(AlertKind.values, 0)
    for kind in DeadlineAlert.objects.values_list("kind", flat=True):
        kinds[kind] += 1

    print(f"vendor: {vendor}")
    print(f"tasks: {DossierTask.objects.filter(status=STATUS.NEW).count()}")
    print(f"due_found: {len(found)}")
    print(f"scan_s: {scan_s:.3f}")
    print(f"delivery_jobs_queued: {queued}")
    print(f"repeat_found: {len(repeat)}")
    print(f"due_found_cold: {len(cold)}")
    print(f"scan_cold_s: {scan_cold_s:.3f}")
    print("cold_by_kind: " + ", ".join(f"{k}={v}" for k, v in kinds.items()))
    print(f"setup_s: {setup_s:.1f}")


def copy_rows(cursor, table: str, pk: int, count: int, overrides: dict, params=()) -> None:
    """Row `pk` of `table` copied `count` times (ids pk + 1 … pk + count, g = 1 … count), the columns
    in `overrides` given as SQL over g; the id sequence moved past them."""
    cursor.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                   "AND NOT attisdropped ORDER BY attnum", [table])
    columns = [row[0] for row in cursor.fetchall()]
    values = {**overrides, "id": f"{pk} + g"}
    select = ", ".join(values.get(c, f'"{c}"') for c in columns)
    cursor.execute(f'INSERT INTO {table} ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '
                   f"SELECT {select} FROM {table}, generate_series(1, {count}) g WHERE id = {pk}", list(params))
    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {pk + count})")


if __name__ == "__main__":
    main()
