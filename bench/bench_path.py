"""Drive N dossiers through the whole award path via the service layer (7 transitions each: FSM +
event + viewflow task), and in the same run the raw baseline: one UPDATE + one INSERT per
transition through a plain cursor. Prints transitions_per_s, baseline_per_s and their ratio."""

import datetime as dt
import os
import statistics

from _setup import Timer, django_on_fresh_database, drop_database

N = int(os.environ.get("BENCH_DOSSIERS", "60"))
DB = "kt_bench_path"


def main():
    vendor = django_on_fresh_database(DB)
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from dossiers.models import Membership, Role, Step, Unit
    from dossiers.services import council_record, document_upload
    from dossiers.setup import document_types, levels, provincial_campaign
    from workflows import services
    from workflows.walk import add_nominees, pdf

    lv = levels()
    province = Unit.objects.create(name="UBND tỉnh", level=lv["tinh"])
    stt = Unit.objects.create(name="Sở TT&TT", level=lv["tinh"])
    snv = Unit.objects.create(name="Sở Nội vụ", level=lv["tinh"])
    today = timezone.localdate()
    campaign = provincial_campaign(province=province, appraising=stt, home_affairs=snv, plan_number="1/KH-BENCH",
                                   title="Bench", period=(today - dt.timedelta(days=90), today),
                                   window=(today - dt.timedelta(days=1), today + dt.timedelta(days=30)))
    form = campaign.award_forms.get()
    User = get_user_model()

    def user(name, unit, role):
        u = User.objects.create(username=name)
        Membership.objects.create(user=u, unit=unit, role=role)
        return u

    appraiser, home_affairs = user("appraiser", stt, Role.APPRAISER), user("noivu", snv, Role.HOME_AFFAIRS)
    chairman = user("chairman", province, Role.CHAIRMAN)
    types = document_types()
    prepared = []
    for i in range(N + 1):      # the last one is walked again below, its SQL statements counted
        unit = Unit.objects.create(name=f"Đơn vị {i}", level=lv["huyen"])
        officer, head = user(f"o{i}", unit, Role.UNIT_OFFICER), user(f"h{i}", unit, Role.UNIT_HEAD)
        dossier = services.dossier_create(campaign=campaign, award_form=form, unit=unit, actor=officer)
        (nominee,) = add_nominees(dossier, officer, collectives=[unit])
        for code in ("to-trinh", "bien-ban-hop-xet"):
            document_upload(dossier=dossier, actor=officer, file=pdf(f"{code}.pdf"), document_type=types[code])
        document_upload(dossier=dossier, actor=officer, file=pdf("bc.pdf"), document_type=types["bao-cao-thanh-tich"],
                        nominee=nominee)
        council_record(dossier=dossier, actor=officer, held_on=today, members_total=7, members_present=7,
                       votes={nominee.pk: 7})
        prepared.append((dossier, officer, head, nominee))

    transitions = 0
    profiler = None
    if os.environ.get("BENCH_PROFILE"):      # BENCH_PROFILE=out.prof: cProfile the timed loop only
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    counted = prepared.pop()
    with Timer() as engine:
        for dossier, officer, head, nominee in prepared:
            for step in (Step.PROPOSAL, Step.COUNCIL, Step.REPORTS):
                dossier = services.dossier_complete_step(dossier=dossier, actor=officer, step=step)
            dossier = services.dossier_submit(dossier=dossier, actor=head)
            dossier = services.dossier_approve_step(dossier=dossier, actor=appraiser)
            dossier = services.dossier_approve_step(dossier=dossier, actor=home_affairs)
            dossier = services.dossier_decide(dossier=dossier, actor=chairman, outcomes={nominee.pk: True})
            transitions += 7
    if profiler:
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE"])

    # SQL statements per transition (one more dossier, untimed): every statement the service sends,
    # savepoints included, plus the BEGIN and COMMIT of its transaction.
    statements = {}

    def count(name, call):
        seen = []

        def wrapper(execute, sql, params, many, context):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            result = call()
        statements[name] = len(seen) + 2
        if os.environ.get("BENCH_SQL"):
            print(f"--- {name}: {len(seen)} + BEGIN/COMMIT")
            for sql in seen:
                print("   ", sql[:160])
        return result

    dossier, officer, head, nominee = counted
    for step in (Step.PROPOSAL, Step.COUNCIL, Step.REPORTS):
        dossier = count(f"complete_{step}", lambda: services.dossier_complete_step(dossier=dossier, actor=officer,
                                                                                    step=step))
    dossier = count("submit", lambda: services.dossier_submit(dossier=dossier, actor=head))
    dossier = count("approve_appraisal", lambda: services.dossier_approve_step(dossier=dossier, actor=appraiser))
    dossier = count("approve_home_affairs", lambda: services.dossier_approve_step(dossier=dossier, actor=home_affairs))
    dossier = count("decide", lambda: services.dossier_decide(dossier=dossier, actor=chairman,
                                                              outcomes={nominee.pk: True}))

    # Raw baseline, same database, same run: one UPDATE + one INSERT per transition, one transaction each.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_doc (id integer PRIMARY KEY, status varchar(30))")
        cursor.execute("CREATE TABLE bench_event (id %s, doc_id integer, from_s varchar(30), to_s varchar(30), "
                       "at timestamp)" % ("bigserial PRIMARY KEY" if vendor == "postgresql"
                                          else "integer PRIMARY KEY AUTOINCREMENT"))
        for i in range(N):
            cursor.execute("INSERT INTO bench_doc VALUES (%s, 'draft')", [i])
    samples = []
    for _round in range(3):
        with Timer() as raw:
            for i in range(N):
                for k in range(7):
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute("UPDATE bench_doc SET status = %s WHERE id = %s", [f"s{k}", i])
                        cursor.execute("INSERT INTO bench_event (doc_id, from_s, to_s, at) VALUES (%s, %s, %s, %s)",
                                       [i, f"s{k-1}", f"s{k}", timezone.now()])
        samples.append(N * 7 / raw.seconds)

    engine_rate = transitions / engine.seconds
    baseline = statistics.median(samples)
    print(f"database: {vendor}")
    print(f"dossiers: {N}")
    print(f"transitions: {transitions}")
    print(f"transitions_per_s: {engine_rate:.1f}")
    print(f"baseline_per_s: {baseline:.1f}")
    print(f"ratio: {engine_rate / baseline:.3f}  (goal >= 0.200)")
    print(f"statements_per_transition: {sum(statements.values()) / len(statements):.1f}  (goal <= 7, BEGIN/COMMIT "
          f"included)")
    print(f"statements_per_approve_step: {statements['approve_appraisal']}, {statements['approve_home_affairs']}")
    print("statements_by_service: " + ", ".join(f"{k}={v}" for k, v in statements.items()))
    drop_database(DB)


if __name__ == "__main__":
    main()
