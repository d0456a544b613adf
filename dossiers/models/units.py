"""Units, levels, roles and people: who is who in a province."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.Model):
    """UnitLevel — cấp đơn vị (tỉnh, huyện, xã). Data: provinces change their levels."""

    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên cấp"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("thứ bậc"), help_text=_("1 = cấp tỉnh"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("cấp đơn vị")
        verbose_name_plural = _("cấp đơn vị")

    def __str__(self):
        return self.name


class Unit(models.Model):
    """Unit — cơ quan, đơn vị (sở, ban, ngành; UBND huyện, xã). Never deleted; merged units
    record their successor and stop acting."""

    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    level = models.ForeignKey(UnitLevel, on_delete=models.PROTECT, verbose_name=_("cấp"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True,
        related_name="children", verbose_name=_("đơn vị cấp trên"),
    )
    successor = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True,
        related_name="absorbed", verbose_name=_("đơn vị kế thừa (sáp nhập)"),
    )
    merged_at = models.DateTimeField(_("ngày sáp nhập"), null=True, blank=True)
    # The hierarchy at a date (the 2023 one, the two-level one of 01/07/2025) is read from these: a
    # unit is part of the province's structure from `valid_from` to `valid_to` (both inclusive).
    valid_from = models.DateField(_("hoạt động từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến ngày"), null=True, blank=True,
                                help_text=_("Ngày cuối cùng đơn vị hoạt động (trước khi sáp nhập hoặc giải thể)."))
    # Whether its accounts may still act: set off, with `valid_to`, by the merger or closing service
    # (workflows/structure.py), never by hand.
    is_active = models.BooleanField(_("đang hoạt động"), default=True, editable=False)

    class Meta:
        ordering = ["level__rank", "name"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(successor=models.F("pk")), name="unit_successor_not_self"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def acts(self) -> bool:
        """Its accounts may act: neither merged into a successor nor closed."""
        return self.is_active and self.successor_id is None

    def current_successor(self) -> "Unit":
        """The unit that carries this one's work today: itself, or the end of its successor chain."""
        unit, seen = self, {self.pk}
        while unit.successor_id and unit.successor_id not in seen:
            seen.add(unit.successor_id)
            unit = unit.successor
        return unit

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(_("Đơn vị không bao giờ bị xóa; hãy ghi nhận sáp nhập."), {self})

    def lineage_ids(self) -> set[int]:
        """This unit and every unit merged into it, at any depth (their history is ours)."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(Unit.objects.filter(successor_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return ids


def acting_unit_q(prefix: str = "") -> models.Q:
    """Units whose accounts may act (not merged, not closed), as a filter; `prefix` e.g. "unit__"."""
    return models.Q(**{f"{prefix}is_active": True, f"{prefix}successor__isnull": True})


def units_at(day) -> models.QuerySet:
    """The province's structure on `day`: the units whose validity covers it (open ends count)."""
    return Unit.objects.filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
                               models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day))


class Role(models.TextChoices):
    """Role — vai trò của một người tại một đơn vị."""

    UNIT_OFFICER = "unit_officer", _("Cán bộ thi đua của đơn vị")
    UNIT_HEAD = "unit_head", _("Thủ trưởng đơn vị")
    APPRAISER = "appraiser", _("Chuyên viên thẩm định (Sở TT&TT)")
    HOME_AFFAIRS = "home_affairs", _("Chuyên viên Sở Nội vụ")
    CHAIRMAN = "chairman", _("Người ký quyết định (Chủ tịch / Thủ trưởng)")
    ADMIN = "admin", _("Quản trị hệ thống")


class Membership(models.Model):
    """Membership — một người giữ một vai trò tại một đơn vị, với chức vụ để ký."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    title = models.CharField(_("chức vụ"), max_length=120, blank=True, help_text=_("Ví dụ: Phó Chủ tịch"))
    signs_for = models.CharField(
        _("ký thay"), max_length=120, blank=True,
        help_text=_("Chức danh người đứng đầu khi ký thay, ví dụ: CHỦ TỊCH (in ra: KT. CHỦ TỊCH)"),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("vai trò tại đơn vị")
        verbose_name_plural = _("vai trò tại đơn vị")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class DelegationKind(models.TextChoices):
    """How the deputy signs while the delegation holds (Nghị định 30/2020/NĐ-CP, Điều 13)."""

    ACTING = "acting", _("Giao quyền (ký thay: KT.)")
    SIGNING = "signing", _("Ủy quyền ký (thừa ủy quyền: TUQ.)")


DELEGATION_PREFIX = {DelegationKind.ACTING: "KT.", DelegationKind.SIGNING: "TUQ."}
# Only a leader's role is delegated; an officer's work is reassigned instead (workflows/structure.py).
DELEGABLE_ROLES = ("unit_head", "chairman")


class Delegation(models.Model):
    """Delegation — ủy quyền / giao quyền: for a date range a leader's role at a unit is exercised by a
    deputy of the same unit. While it holds (from `valid_from` to `valid_to`, both inclusive, and not
    revoked) `dossiers.rules.roles_at` gives the deputy the role there; every event the deputy writes
    names the leader (`DossierEvent.on_behalf_of`); decisions print the capacity (KT. / TUQ.)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("đơn vị"))
    role = models.CharField(_("vai trò được ủy quyền"), max_length=20, choices=Role.choices)
    kind = models.CharField(_("hình thức"), max_length=10, choices=DelegationKind.choices,
                            default=DelegationKind.ACTING)
    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given",
                                  verbose_name=_("người ủy quyền"))
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="delegations_received", verbose_name=_("người được ủy quyền"))
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến hết ngày"))
    basis = models.CharField(_("căn cứ (văn bản ủy quyền)"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("chấm dứt lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("ủy quyền")
        verbose_name_plural = _("ủy quyền")
        indexes = [models.Index(fields=["delegate", "valid_to"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__gte=models.F("valid_from")),
                                   name="delegation_dates_ordered"),
            models.CheckConstraint(condition=~models.Q(delegate=models.F("delegator")),
                                   name="delegation_not_to_self"),
        ]

    def __str__(self):
        return f"{self.delegator} → {self.delegate} · {self.get_role_display()} · {self.unit}"

    def holds_on(self, day) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_to

    @property
    def prefix(self) -> str:
        return DELEGATION_PREFIX[self.kind]


citizen_id_validator = RegexValidator(r"^\d{12}$", _("Số CCCD gồm đúng 12 chữ số."))


# The 63 province codes of the place of birth registration, the first three digits of a CCCD
# (Thông tư 07/2016/TT-BCA, Phụ lục; the codes of Quyết định 124/2004/QĐ-TTg): 001 Hà Nội … 096 Cà Mau.
CCCD_PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 "
    "040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 "
    "083 084 086 087 089 091 092 093 094 095 096".split())


def citizen_id_problem(value: str, birth_date=None) -> str | None:
    """What is wrong with a CCCD number, naming the rule (Thông tư 59/2021/TT-BCA, Điều 7), or None.
    12 digits: province code of birth registration (3), century and sex (1: 0/1 = 1900s, 2/3 = 2000s,
    …), the last two digits of the year of birth (2), then 6 digits. The number carries no checksum."""
    from django.utils import timezone
    from django.utils.translation import gettext

    value = value or ""
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return gettext("Số CCCD “%(id)s” không hợp lệ: cần đúng 12 chữ số (đang có %(n)s ký tự).") % {
            "id": value, "n": len(value)}
    if value[:3] not in CCCD_PROVINCE_CODES:
        return gettext("Số CCCD “%(id)s” không hợp lệ: mã tỉnh nơi đăng ký khai sinh “%(code)s” (3 chữ số đầu) "
                  "không tồn tại.") % {"id": value, "code": value[:3]}
    year = 1900 + 100 * (int(value[3]) // 2) + int(value[4:6])
    if year > timezone.localdate().year:
        return gettext("Số CCCD “%(id)s” không hợp lệ: mã thế kỷ “%(century)s” (chữ số thứ 4) và năm sinh “%(yy)s” "
                  "cho năm sinh %(year)s, chưa đến.") % {"id": value, "century": value[3], "yy": value[4:6],
                                                          "year": year}
    if birth_date is not None and birth_date.year != year:
        return gettext("Số CCCD “%(id)s” không khớp ngày sinh: mã thế kỷ và năm sinh trong số CCCD cho năm %(year)s, "
                  "ngày sinh đã nhập là năm %(born)s.") % {"id": value, "year": year, "born": birth_date.year}
    return None


def citizen_id_ok(value: str, birth_date=None) -> bool:
    """A CCCD that passes every rule of `citizen_id_problem`."""
    return citizen_id_problem(value, birth_date) is None


class Person(models.Model):
    """Person — cá nhân, định danh bằng số CCCD khi biết. Award history hangs on this record,
    never on a name."""

    citizen_id = models.CharField(
        _("số CCCD"), max_length=12, unique=True, null=True, blank=True, validators=[citizen_id_validator]
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)

    class Meta:
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")

    def __str__(self):
        return self.full_name

    @property
    def masked_citizen_id(self) -> str:
        """CCCD shown in lists and exports (Nghị định 13/2023): last 3 digits only."""
        return f"*********{self.citizen_id[-3:]}" if self.citizen_id else ""
