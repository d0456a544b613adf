import datetime as dt

import pytest

from dossiers.models import DossierStatus, Membership, Role
from workflows import services as flow
from workflows.walk import Actors, add_nominees, walk

CITIZEN_ID = "020123456789"


@pytest.fixture(autouse=True)
def _certificates_settings(settings, tmp_path_factory):
    # One demo signing identity for the whole session (generated at runtime, never committed).
    settings.CERTIFICATES_SIGNING_DIR = tmp_path_factory.getbasetemp() / "signing"
    settings.CERTIFICATES_RENDER_WORKERS = 1
    settings.SITE_URL = "https://khenthuong.langson.gov.vn"


def actors(world):
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


def decided_dossier(world, form=None, *, collectives=None, individuals=None, unit=None, team=None):
    form, unit, team = form or world.form, unit or world.unit, team or actors(world)
    dossier = flow.dossier_create(campaign=world.campaign, award_form=form, unit=unit, actor=team.officer)
    add_nominees(dossier, team.officer,
                 collectives=[world.unit] if collectives is None else collectives,
                 individuals=individuals if individuals is not None else [
                     {"full_name": "Nguyễn Thị Hồng Nhung", "citizen_id": CITIZEN_ID,
                      "position": "Trưởng phòng Hành chính - Tư pháp"},
                     {"full_name": "Hoàng Văn Đức", "position": "Chuyên viên"}])
    dossier = walk(dossier, team)
    assert dossier.status == DossierStatus.DECIDED
    return dossier


@pytest.fixture
def decided(world, in_window):
    return decided_dossier(world)


@pytest.fixture
def agency_decided(world, in_window):
    """A Giấy khen of the Giám đốc Sở Tư pháp (seed 004): henry decides and signs."""
    form = world.agency_form()
    Membership.objects.create(user=world.henry, unit=world.unit, role=Role.CHAIRMAN, title="Giám đốc")
    world.henry.first_name, world.henry.last_name = "Phạm Hùng", "Trường"
    world.henry.save()
    world.henry.__dict__.pop("_roles_cache", None)  # rules caches roles per user object
    dossier = flow.dossier_create(campaign=world.campaign, award_form=form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, individuals=[{"full_name": "Lương Thị Thu Hà", "position": "Chuyên viên",
                                                      "workplace": "Phòng Hành chính - Tổng hợp"}])
    dossier = walk(dossier, Actors(officer=world.alice, head=world.henry, chairman=world.henry))
    assert dossier.status == DossierStatus.DECIDED
    return dossier


def issue(world, dossier, *, number="1234/QĐ-UBND", signer=None, form=None, nominees=None):
    from certificates.services import decision_issue

    return decision_issue(award_form=form or dossier.award_form, number=number, signed_on=dt.date(2023, 12, 15),
                          signer=signer or world.chris, actor=signer or world.chris,
                          nominees=list(nominees if nominees is not None else dossier.nominees.all()))
