"""Lạng Sơn's 2025 reorganisation, applied to the demo province through the merger service
(workflows/structure.py), so the demo holds the historical structure (2023 campaign) next to today's.

Sources (checked where noted; the rest is a demo choice, said so):
- Nghị quyết 04/NQ-HĐND ngày 18/02/2025 of the provincial council, in force 01/03/2025: the Sở Khoa học
  và Công nghệ takes over the Sở Thông tin và Truyền thông; the Sở Tài chính the Sở Kế hoạch và Đầu tư;
  the Sở Nội vụ the Sở Lao động – Thương binh và Xã hội (reported by Lao Động, 19/02/2025).
- Nghị quyết 1672/NQ-UBTVQH15 (16/06/2025): 65 commune-level units (61 communes, 4 wards: Tam Thanh,
  Lương Văn Tri, Kỳ Lừa, Đông Kinh), operating from 01/07/2025, when the district level ends
  (Nghị quyết 202/2025/QH15; Luật Tổ chức chính quyền địa phương 2025).
- Demo choice, not a legal mapping: each former UBND huyện's open work and accounts pass to the commune
  (or ward) of the same name at its former seat; the former communes of the demo, which the resolution
  merged into new ones, simply end on 30/06/2025."""

import datetime as dt

from dossiers.models import Unit

from .structure import unit_close, unit_merge

DEPARTMENTS_FROM = dt.date(2025, 3, 1)
TWO_LEVELS_FROM = dt.date(2025, 7, 1)
DEPARTMENT_BASIS = "Nghị quyết số 04/NQ-HĐND ngày 18/02/2025 của HĐND tỉnh Lạng Sơn"
COMMUNE_BASIS = ("Nghị quyết số 1672/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội (dữ liệu mẫu: "
                 "việc và tài khoản của UBND huyện chuyển về xã, phường cùng tên nơi đặt trụ sở huyện cũ)")
# The demo's district slug → the commune or ward that carries its work from 01/07/2025.
DISTRICT_SUCCESSORS = {
    "caoloc": "UBND xã Cao Lộc", "huulung": "UBND xã Hữu Lũng", "chilang": "UBND xã Chi Lăng",
    "tplangson": "UBND phường Lương Văn Tri", "locbinh": "UBND xã Lộc Bình", "vanlang": "UBND xã Văn Lãng",
}


def apply_2025(*, units: dict, province: Unit, levels: dict, actor, departments: dict) -> dict:
    """Run the 2025 mergers on the demo's units. `departments` maps "tttt", "khcn", "khdt", "taichinh" to
    units. Returns the slugs → the units that act for them today (districts → their commune or ward)."""
    unit_merge(absorbed=[departments["tttt"]], successor=departments["khcn"], on=DEPARTMENTS_FROM, actor=actor,
               basis=DEPARTMENT_BASIS)
    unit_merge(absorbed=[departments["khdt"]], successor=departments["taichinh"], on=DEPARTMENTS_FROM, actor=actor,
               basis=DEPARTMENT_BASIS)
    today = dict(units)
    for slug, unit in units.items():      # first, so they keep their district as parent in the record
        if unit.level.code == "xa":
            unit_close(unit=unit, on=TWO_LEVELS_FROM, actor=actor)
            today.pop(slug)
    for slug, name in DISTRICT_SUCCESSORS.items():
        commune = Unit.objects.create(name=name, level=levels["xa"], parent=province, valid_from=TWO_LEVELS_FROM)
        unit_merge(absorbed=[units[slug]], successor=commune, on=TWO_LEVELS_FROM, actor=actor, basis=COMMUNE_BASIS,
                   move_leaders=True)
        today[slug] = commune
    return today
