import pytest, subprocess
from tests.certificates.conftest import issue
from certificates import rendering
from certificates.tasks import render_decision

def test_smoke(world, decided, agency_decided, django_capture_on_commit_callbacks):
    world.chris.first_name, world.chris.last_name = "Đoàn Thu", "Hà"; world.chris.save()
    with django_capture_on_commit_callbacks(execute=False):
        d = issue(world, decided)
        d2 = issue(world, agency_decided, number="56/QĐ-STP", signer=world.henry)
    d = render_decision(d.pk); d2 = render_decision(d2.pk)
    assert d.render_status == "done", d.render_error
    open("/tmp/h4_decision.pdf","wb").write(open(d.decision_pdf.path,"rb").read())
    open("/tmp/h4_batch.pdf","wb").write(open(d.certificates_pdf.path,"rb").read())
    open("/tmp/h4_giaykhen.pdf","wb").write(open(d2.certificates_pdf.path,"rb").read())
    open("/tmp/h4_blank.pdf","wb").write(rendering.certificates_pdf(d, blank=True))
