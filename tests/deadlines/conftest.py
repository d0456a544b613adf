import pytest
from huey.contrib.djhuey import HUEY

from dossiers.models import Role


@pytest.fixture(autouse=True)
def huey_immediate():
    """Queued jobs run inline in the test (MemoryStorage), never into the developer's queue file."""
    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


@pytest.fixture
def province(world):
    """The world plus a head at each reviewer unit: sam (Giám đốc Sở TT&TT), nadia (Giám đốc Sở Nội vụ)."""
    world.sam = world.user("sam", world.stt, Role.UNIT_HEAD, title="Giám đốc")
    world.nadia = world.user("nadia", world.snv, Role.UNIT_HEAD, title="Giám đốc")
    for user in (world.alice, world.henry, world.bob, world.nora, world.sam, world.nadia, world.chris):
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    return world
