"""Certificate throughput: one decision with 1,000 awarded nominees, rendered and signed (decision PDF +
one batch PDF of 1,000 certificates) the way the worker does it.

Prints `name: value` lines: certificates_per_s, total_s (wall clock), cpu_s (parent + workers: the
figure to trust on a busy machine), peak_rss_mb (peak PSS of parent + workers during rendering, shared
pages counted once; maxrss_parent_mb is the kernel's peak for the parent alone).
Runs on a throw-away test database (DATABASE_URL's server, database test_<name>)."""

import datetime as dt
import os
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

import tempfile  # noqa: E402

import time_machine  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

N = int(os.environ.get("BENCH_CERTIFICATES", "1000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


class TreeMemory(threading.Thread):
    """Samples the proportional set size (PSS: pages shared after fork counted once) of this process
    and its children; the peak is the memory the rendering really needs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_kb, self.stop = 0, threading.Event()

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def run(self):
        while not self.stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(self._pss(pid) for pid in [os.getpid(), *descendants()]))
            time.sleep(0.1)


def descendants(pid: int | None = None) -> list[int]:
    """Every live process below `pid` (the render workers are children of multiprocessing's forkserver)."""
    found, frontier = [], [pid or os.getpid()]
    while frontier:
        parent = frontier.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            found += kids
            frontier += kids
    return found


def tree_cpu() -> float:
    """CPU seconds of this process, its reaped children, and every live descendant with the children it
    reaped (the forkserver reaps the render workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for pid in descendants():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15]) / tick  # utime, stime, cutime, cstime
    return total


WALKED = 20  # nominees taken along the path by the services; the rest are copies of the last (below)


def build(world):
    """A decided dossier with N awarded nominees. The first WALKED go the whole path through the services
    (nominee_add, one report each, every step, the decision); the others are copies of the last one's rows
    (Person, Nominee with its outcome and votes), made in bulk: the bench times the rendering, and walking
    1,000 nominees through the services took 344 of the bench's 633 s."""
    from dossiers.models import DossierStatus, Nominee, Outcome, Person
    from workflows import services as flow
    from workflows.walk import Actors, add_nominees, walk

    dossier = flow.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    people = [{"full_name": f"Nguyễn Thị Hồng Nhung {i:04d}", "position": "Chuyên viên Phòng Hành chính - Tư pháp"}
              for i in range(min(N, WALKED) - 1)]
    add_nominees(dossier, world.alice, collectives=[world.unit], individuals=people)
    dossier = walk(dossier, Actors(officer=world.alice, head=world.henry, appraiser=world.bob,
                                   home_affairs=world.nora, chairman=world.chris))
    assert dossier.status == DossierStatus.DECIDED
    last = dossier.nominees.filter(person__isnull=False).order_by("pk").last()
    assert last.outcome == Outcome.AWARDED
    copies = Person.objects.bulk_create(Person(full_name=f"Nguyễn Thị Hồng Nhung {i:04d}")
                                        for i in range(WALKED - 1, N - 1))
    Nominee.objects.bulk_create(Nominee(dossier=dossier, kind=last.kind, person=person, position=last.position,
                                        workplace=last.workplace, votes_for=last.votes_for, outcome=last.outcome)
                                for person in copies)
    assert dossier.nominees.count() == N
    return dossier


def main() -> None:
    from certificates.services import decision_issue
    from certificates.tasks import render_decision
    from tests.conftest import World

    setup_test_environment()
    tmp = Path(tempfile.mkdtemp(prefix="bench-certificates-"))
    settings.MEDIA_ROOT = tmp / "media"
    settings.CERTIFICATES_SIGNING_DIR = tmp / "signing"
    settings.CERTIFICATES_RENDER_INLINE = False  # the bench times rendering itself, below
    # A database of our own, so other benchmarks running at the same time are not clobbered.
    if connection.vendor == "postgresql":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_{connection.settings_dict['NAME']}_certificates"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with time_machine.travel(dt.datetime(2023, 12, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
                                 tick=True):
            started = time.perf_counter()
            world = World()
            dossier = build(world)
            decision = decision_issue(award_form=world.form, number="1234/QĐ-UBND", signed_on=dt.date(2023, 12, 15),
                                      signer=world.chris, actor=world.chris, nominees=list(dossier.nominees.all()))
            print(f"setup_s: {time.perf_counter() - started:.1f}")
            memory = TreeMemory()
            memory.start()
            cpu_before = tree_cpu()
            started = time.perf_counter()
            decision = render_decision(decision.pk, workers=WORKERS)
            total = time.perf_counter() - started
            time.sleep(0.5)  # let the forkserver reap the workers, so their CPU time is in its cutime
            cpu = tree_cpu() - cpu_before
            memory.stop.set()
            memory.join()
        assert decision.render_status == "done", decision.render_error
        from certificates import rendering

        started = time.perf_counter()
        rendering.decision_pdf(decision)  # part of total_s above; timed again alone for the breakdown
        decision_s = time.perf_counter() - started
        from pypdf import PdfReader

        pages = len(PdfReader(decision.certificates_pdf.path).pages)
        assert pages == N, pages
        size_mb = Path(decision.certificates_pdf.path).stat().st_size / 1e6
        parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"certificates: {N}")
        print(f"workers: {WORKERS}")
        print(f"certificates_per_s: {N / total:.1f}")
        print(f"total_s: {total:.1f}")
        print(f"of_which_decision_pdf_s: {decision_s:.1f}")
        print(f"cpu_s: {cpu:.1f}")
        print(f"cpu_ms_per_certificate: {1000 * cpu / N:.1f}")
        print(f"peak_rss_mb: {memory.peak_kb / 1024:.0f}")
        print(f"maxrss_parent_mb: {parent:.0f}")
        print(f"batch_pdf_mb: {size_mb:.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
