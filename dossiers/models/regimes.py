"""Legal regimes as dated data: the texts a commendation rests on, their forms, prize multiples and
limits, and the base salary prize money is a multiple of. Loaded from `regimes/*.yaml`
(manage.py load_regime); rows are append-only: a change of law is a new file (or a new version of
one), never an edit, so a campaign that pinned a regime keeps citing what it pinned."""

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _



class LegalRegime(models.Model):
    """LegalRegime — chế độ pháp lý về thi đua, khen thưởng (Nghị định 91/2017, 98/2023, 152/2025…)."""

    code = models.SlugField(_("mã"), max_length=40)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên"), max_length=255)
    effective_from = models.DateField(_("áp dụng từ ngày"))
    effective_to = models.DateField(_("áp dụng đến hết ngày"), null=True, blank=True)
    rounding_unit = models.PositiveIntegerField(_("làm tròn tiền thưởng lên bội số của (đồng)"), default=1)
    rounding_source = models.TextField(_("căn cứ làm tròn"), blank=True)
    limits = models.JSONField(_("thời hạn, định mức"), default=list, blank=True)
    citation_lines = models.JSONField(_("các dòng căn cứ"), default=list, blank=True)
    notes = models.TextField(_("nguồn, ghi chú kiểm chứng"), blank=True)
    source_file = models.CharField(_("tệp"), max_length=120, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_from", "version"]
        verbose_name = _("chế độ pháp lý")
        verbose_name_plural = _("chế độ pháp lý")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="regime_code_version")]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return f"{self.code}@{self.version}"

    @classmethod
    def in_force(cls, day: dt.date) -> "LegalRegime | None":
        """The regime in force on `day` (its latest version)."""
        return (cls.objects.filter(effective_from__lte=day)
                .filter(models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=day))
                .order_by("-effective_from", "-version").first())

    def citations(self) -> list[str]:
        """The "Căn cứ" lines of a decision under this regime, in the order of the file."""
        return list(self.citation_lines)

    def form_for(self, document_type_code: str) -> "RegimeForm | None":
        return next((f for f in self.forms.all() if f.document_type == document_type_code), None)

    def prize_multiple(self, award: str, kind: str) -> Decimal | None:
        from .dossiers import NomineeKind

        rule = next((r for r in self.prizes.all() if r.award == award), None)
        if rule is None:
            return None
        return rule.collective if kind == NomineeKind.COLLECTIVE else rule.individual

    def round_amount(self, amount: Decimal) -> int:
        """Rounded up to the regime's unit (e.g. the next 10,000 đồng)."""
        unit = Decimal(self.rounding_unit or 1)
        return int((Decimal(amount) / unit).to_integral_value(rounding=ROUND_CEILING) * unit)


class TextKind(models.TextChoices):
    LAW = "luat", _("Luật")
    DECREE = "nghi-dinh", _("Nghị định")
    CIRCULAR = "thong-tu", _("Thông tư")


TEXT_KIND_WORD = {TextKind.LAW: "Luật", TextKind.DECREE: "Nghị định", TextKind.CIRCULAR: "Thông tư"}


def vn_long_date(day: dt.date) -> str:
    """"ngày 31 tháng 7 năm 2017", "ngày 05 tháng 02 năm 2024" (Nghị định 30/2020: days below 10 and
    months below 3 take a leading zero)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def citation_of(*, kind: str, number: str, signed_on: dt.date, issuer: str, title: str) -> str:
    """A text as a decision cites it in full: a law by its name, number and date ("Căn cứ Luật Thi đua,
    khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022"); a decree or circular by number, date, issuer
    and title."""
    date = vn_long_date(signed_on)
    if kind == TextKind.LAW:
        return f"Căn cứ {title} số {number} {date}"
    return f"Căn cứ {TEXT_KIND_WORD[TextKind(kind)]} số {number} {date} của {issuer} {title}"


class RegimeText(models.Model):
    """RegimeText — văn bản của một chế độ (số, ngày, cơ quan ban hành, trích yếu)."""

    regime = models.ForeignKey(LegalRegime, on_delete=models.PROTECT, related_name="texts")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("loại"), max_length=12, choices=TextKind.choices)
    number = models.CharField(_("số, ký hiệu"), max_length=40)
    signed_on = models.DateField(_("ngày ban hành"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=120)
    title = models.CharField(_("tên, trích yếu"), max_length=400)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    cited = models.BooleanField(_("dẫn ở phần căn cứ"), default=True)
    source = models.TextField(_("nguồn"), blank=True)

    class Meta:
        ordering = ["regime", "position"]
        verbose_name = _("văn bản của chế độ")
        verbose_name_plural = _("văn bản của chế độ")

    def __str__(self):
        return f"{self.number} — {self.title}"

    @property
    def citation(self) -> str:
        return citation_of(kind=self.kind, number=self.number, signed_on=self.signed_on, issuer=self.issuer,
                           title=self.title)


class RegimeForm(models.Model):
    """RegimeForm — mẫu văn bản của chế độ (mẫu số 07 của Nghị định 91/2017…), per document type."""

    regime = models.ForeignKey(LegalRegime, on_delete=models.PROTECT, related_name="forms")
    document_type = models.SlugField(_("loại văn bản (mã)"), max_length=40)
    number = models.CharField(_("mẫu số"), max_length=20, blank=True)
    name = models.CharField(_("tên mẫu"), max_length=255)
    text = models.CharField(_("ban hành kèm theo"), max_length=120, blank=True)
    source = models.TextField(_("nguồn"), blank=True)

    class Meta:
        verbose_name = _("mẫu văn bản")
        verbose_name_plural = _("mẫu văn bản")
        constraints = [models.UniqueConstraint(fields=["regime", "document_type"], name="regime_form_unique")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """"Báo cáo thành tích (mẫu số 07, Nghị định 91/2017/NĐ-CP)"."""
        ref = ", ".join(part for part in (f"mẫu số {self.number}" if self.number else "", self.text) if part)
        return f"{self.name} ({ref})" if ref else self.name

    @property
    def reference(self) -> str:
        """"Mẫu số 07, Nghị định 91/2017/NĐ-CP" (printed at the top of a pre-filled form)."""
        return ", ".join(part for part in (f"Mẫu số {self.number}" if self.number else "", self.text) if part)


class PrizeRule(models.Model):
    """PrizeRule — mức tiền thưởng của một hình thức (hệ số × mức lương cơ sở)."""

    regime = models.ForeignKey(LegalRegime, on_delete=models.PROTECT, related_name="prizes")
    award = models.SlugField(_("hình thức (mã)"), max_length=60)
    label = models.CharField(_("hình thức"), max_length=255)
    individual = models.DecimalField(_("hệ số cá nhân"), max_digits=5, decimal_places=2, null=True, blank=True)
    collective = models.DecimalField(_("hệ số tập thể"), max_digits=5, decimal_places=2, null=True, blank=True)
    source = models.TextField(_("nguồn"), blank=True)

    class Meta:
        verbose_name = _("mức tiền thưởng")
        verbose_name_plural = _("mức tiền thưởng")
        constraints = [models.UniqueConstraint(fields=["regime", "award"], name="prize_rule_unique")]

    def __str__(self):
        return self.label


class BaseSalary(models.Model):
    """BaseSalary — mức lương cơ sở, dated (Nghị định 73/2024/NĐ-CP: 2.340.000 đồng từ 01/7/2024)."""

    amount = models.PositiveIntegerField(_("mức lương cơ sở (đồng/tháng)"))
    effective_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    text_number = models.CharField(_("văn bản"), max_length=40)
    text_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("mức lương cơ sở")
        verbose_name_plural = _("mức lương cơ sở")

    def __str__(self):
        return f"{self.amount:,} đ từ {self.effective_from:%d/%m/%Y}".replace(",", ".")

    @classmethod
    def on(cls, day: dt.date) -> "BaseSalary | None":
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
