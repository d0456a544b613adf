import datetime as dt
import random

import pytest

from dossiers.models import NomineeKind
from dossiers.services import council_record, nominee_add
from workflows import services as path_services


@pytest.fixture
def dossier(world, in_window):
    """Sở Tư pháp's dossier: the unit itself and Nguyễn Văn An, Trần Thị Bình; the council met on
    01/12/2023, 9 members, 8 present, 8 and 7 votes for."""
    dossier = path_services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                           actor=world.alice)
    unit = nominee_add(dossier=dossier, actor=world.alice, kind=NomineeKind.COLLECTIVE, unit=world.unit)
    an = nominee_add(dossier=dossier, actor=world.alice, kind=NomineeKind.INDIVIDUAL, full_name="Nguyễn Văn An",
                     citizen_id="020083001111", position="Chuyên viên", workplace="Sở Tư pháp")
    binh = nominee_add(dossier=dossier, actor=world.alice, kind=NomineeKind.INDIVIDUAL,
                       full_name="Trần Thị Bình", citizen_id="020186002222", position="Chánh Văn phòng",
                       workplace="Sở Tư pháp")
    council_record(dossier=dossier, actor=world.alice, held_on=dt.date(2023, 12, 1), members_total=9,
                   members_present=8, votes={unit.pk: 8, an.pk: 8, binh.pk: 7})
    return dossier


@pytest.fixture
def rng():
    return random.Random(7)
