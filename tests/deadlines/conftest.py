import pytest

from dossiers.models import Role


@pytest.fixture
def province(world):
    """The world plus a head at each reviewer unit: sam (Giám đốc Sở TT&TT), nadia (Giám đốc Sở Nội vụ)."""
    world.sam = world.user("sam", world.stt, Role.UNIT_HEAD, title="Giám đốc")
    world.nadia = world.user("nadia", world.snv, Role.UNIT_HEAD, title="Giám đốc")
    for user in (world.alice, world.henry, world.bob, world.nora, world.sam, world.nadia, world.chris):
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    return world
