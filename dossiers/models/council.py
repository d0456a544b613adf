"""What the provincial steps after the review record (issue 12, items 4 and 6): the provincial
council's meeting and its vote on each nominee, the tờ trình the Chủ tịch signs to the central level,
and the central decision recorded when it comes back. Written only by `dossiers.services.council`
(the meeting, the central decision) and `certificates.proposals` (the signed tờ trình); read by the
steps' guards (`Dossier.problems_for`), the dossier page, the decision and the award history."""

import dataclasses
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .campaigns import AwardForm
from .dossiers import Dossier, Nominee
from .records import Document


class VoteBase(models.TextChoices):
    """What a share of votes is counted against."""

    TOTAL = "total", _("tổng số thành viên Hội đồng")
    PRESENT = "present", _("số thành viên dự họp")


@dataclasses.dataclass(frozen=True)
class Share:
    """A required share: `at least` (≥) or `more than` (>) a fraction, e.g. ≥ 2/3, > 1/2, ≥ 70%.
    Compared in integers: 10 of 15 is ≥ 2/3 exactly, never a rounding."""

    fraction: Fraction
    strict: bool = False

    def met(self, count: int, of: int) -> bool:
        if of <= 0:
            return False
        value = Fraction(count, of)
        return value > self.fraction if self.strict else value >= self.fraction

    def minimum(self, of: int) -> int:
        """The smallest count that meets the share out of `of`."""
        return next((n for n in range(of + 1) if self.met(n, of)), of + 1)

    @property
    def text(self) -> str:
        """"≥ 2/3", "> 1/2", "≥ 70%"."""
        sign = ">" if self.strict else "≥"
        f = self.fraction
        if f.denominator in (1, 2, 3, 4, 5) and f.numerator < f.denominator:
            return f"{sign} {f.numerator}/{f.denominator}"
        return f"{sign} {float(f * 100):g}%"

    @classmethod
    def parse(cls, text) -> "Share":
        """">= 2/3", "≥ 2/3", "> 50%", "2/3" (at least), "0.7"; ValueError when it is not one."""
        raw = " ".join(str(text).split())
        strict = False
        for sign, is_strict in ((">=", False), ("≥", False), (">", True)):
            if raw.startswith(sign):
                raw, strict = raw[len(sign):].strip(), is_strict
                break
        if raw.endswith("%"):
            fraction = Fraction(raw[:-1].strip()) / 100
        else:
            fraction = Fraction(raw)
        if not 0 < fraction <= 1 or (strict and fraction == 1):
            raise ValueError(raw)
        return cls(fraction=fraction, strict=strict)


class CouncilVoteRule(models.Model):
    """CouncilVoteRule — quy định bỏ phiếu của Hội đồng TĐKT tỉnh cho một hình thức khen thưởng: tỷ lệ
    phiếu đồng ý cần đạt (trên tổng số thành viên hoặc số dự họp) và số thành viên phải dự họp. Data
    of the rulebook file (the `vote:` of a province_council step), never a constant in code."""

    award_form = models.OneToOneField(AwardForm, on_delete=models.CASCADE, related_name="council_vote_rule")
    threshold_numerator = models.PositiveSmallIntegerField(_("tỷ lệ phiếu đồng ý (tử số)"))
    threshold_denominator = models.PositiveSmallIntegerField(_("tỷ lệ phiếu đồng ý (mẫu số)"))
    threshold_strict = models.BooleanField(_("phải vượt (>) chứ không chỉ đạt (≥)"), default=False)
    threshold_base = models.CharField(_("tính trên"), max_length=10, choices=VoteBase.choices,
                                      default=VoteBase.TOTAL)
    quorum_numerator = models.PositiveSmallIntegerField(_("số dự họp tối thiểu (tử số)"), default=1)
    quorum_denominator = models.PositiveSmallIntegerField(_("số dự họp tối thiểu (mẫu số)"), default=2)
    quorum_strict = models.BooleanField(_("số dự họp phải vượt (>)"), default=True)

    class Meta:
        verbose_name = _("quy định bỏ phiếu Hội đồng TĐKT tỉnh")
        verbose_name_plural = _("quy định bỏ phiếu Hội đồng TĐKT tỉnh")
        constraints = [
            models.CheckConstraint(condition=Q(threshold_numerator__gt=0,
                                               threshold_numerator__lte=models.F("threshold_denominator")),
                                   name="vote_threshold_share"),
            models.CheckConstraint(condition=Q(quorum_numerator__gt=0,
                                               quorum_numerator__lte=models.F("quorum_denominator")),
                                   name="vote_quorum_share"),
        ]

    def __str__(self):
        return self.threshold_text

    @property
    def threshold(self) -> Share:
        return Share(Fraction(self.threshold_numerator, self.threshold_denominator), self.threshold_strict)

    @property
    def quorum(self) -> Share:
        return Share(Fraction(self.quorum_numerator, self.quorum_denominator), self.quorum_strict)

    @property
    def threshold_text(self) -> str:
        return f"{self.threshold.text} {VoteBase(self.threshold_base).label}"

    @property
    def quorum_text(self) -> str:
        return f"{self.quorum.text} {VoteBase.TOTAL.label}"


DEFAULT_RULE = dict(threshold_numerator=1, threshold_denominator=2, threshold_strict=True,
                    threshold_base=VoteBase.TOTAL, quorum_numerator=1, quorum_denominator=2, quorum_strict=True)


def vote_rule_for(award_form) -> CouncilVoteRule:
    """The form's rule, or when the rulebook set none: more than half of all members, with more than half
    present (Luật Thi đua, khen thưởng 2022: a council decides by majority of its members)."""
    rule = CouncilVoteRule.objects.filter(award_form=award_form).first()
    return rule or CouncilVoteRule(award_form=award_form, **DEFAULT_RULE)


class ProvinceCouncilMeeting(models.Model):
    """ProvinceCouncilMeeting — phiên họp của Hội đồng Thi đua - Khen thưởng tỉnh xét một hồ sơ: ngày,
    địa điểm, chủ trì, thành phần (tổng số và danh sách thành viên dự họp) và quy định bỏ phiếu đã áp
    dụng (chép lại khi ghi, để biên bản không đổi khi quy định đổi)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="province_council_meeting")
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=255)
    chair_name = models.CharField(_("người chủ trì"), max_length=120)
    chair_position = models.CharField(_("chức vụ người chủ trì"), max_length=200)
    secretary_name = models.CharField(_("thư ký"), max_length=120, blank=True)
    members_total = models.PositiveSmallIntegerField(_("tổng số thành viên Hội đồng"))
    members_present = models.PositiveSmallIntegerField(_("số thành viên dự họp"))
    attendees = models.JSONField(_("thành viên dự họp"), default=list,
                                 help_text="[{'name': ..., 'position': ...}], one per member present")
    threshold_text = models.CharField(_("tỷ lệ phiếu cần đạt"), max_length=120)
    quorum_text = models.CharField(_("số dự họp tối thiểu"), max_length=120)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("phiên họp Hội đồng TĐKT tỉnh")
        verbose_name_plural = _("phiên họp Hội đồng TĐKT tỉnh")
        constraints = [
            models.CheckConstraint(condition=Q(members_present__lte=models.F("members_total")),
                                   name="province_council_present_le_total"),
            models.CheckConstraint(condition=Q(members_present__gt=0), name="province_council_present_positive"),
        ]

    def __str__(self):
        return f"#{self.dossier_id} {self.held_on:%d/%m/%Y}"

    @property
    def members_absent(self) -> int:
        return self.members_total - self.members_present


class CouncilVote(models.Model):
    """CouncilVote — kết quả bỏ phiếu của Hội đồng TĐKT tỉnh cho một tập thể, cá nhân: số phiếu đồng ý
    và có đạt tỷ lệ quy định hay không. A nominee that does not pass goes no further: the decision and
    the tờ trình upward cover only the nominees that passed."""

    meeting = models.ForeignKey(ProvinceCouncilMeeting, on_delete=models.CASCADE, related_name="votes")
    nominee = models.OneToOneField(Nominee, on_delete=models.CASCADE, related_name="council_vote")
    votes_for = models.PositiveSmallIntegerField(_("số phiếu đồng ý"))
    passed = models.BooleanField(_("đạt tỷ lệ"))

    class Meta:
        ordering = ["nominee__kind", "nominee_id"]
        verbose_name = _("phiếu bầu Hội đồng TĐKT tỉnh")
        verbose_name_plural = _("phiếu bầu Hội đồng TĐKT tỉnh")


def upward_path(instance, filename):
    return f"upward/{instance.dossier_id}/{instance.pk or 'new'}-{filename}"


class UpwardProposal(models.Model):
    """UpwardProposal — tờ trình của Chủ tịch UBND tỉnh đề nghị cấp trên (Thủ tướng Chính phủ, qua Ban
    Thi đua - Khen thưởng Trung ương) khen thưởng các tập thể, cá nhân đã được Hội đồng tỉnh thông qua.
    Its PDF is generated from this row and signed with the province's key when it is recorded."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="upward_proposal")
    number = models.CharField(_("số, ký hiệu"), max_length=60, help_text=_("Ví dụ: 45/TTr-UBND"))
    signed_on = models.DateField(_("ngày ký"))
    place = models.CharField(_("địa danh"), max_length=60)
    recipient = models.CharField(_("kính gửi"), max_length=255)
    via = models.CharField(_("qua"), max_length=255, blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("họ tên người ký"), max_length=120)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    signer_capacity = models.CharField(_("thẩm quyền ký"), max_length=140, blank=True)
    nominees = models.ManyToManyField(Nominee, related_name="+", verbose_name=_("đối tượng đề nghị"))
    pdf = models.FileField(upload_to=upward_path, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tờ trình đề nghị cấp trên")
        verbose_name_plural = _("tờ trình đề nghị cấp trên")

    def __str__(self):
        return self.number

    @property
    def signer_lines(self) -> list[str]:
        lines = [self.signer_capacity] if self.signer_capacity else []
        if self.signer_title:
            lines.append(self.signer_title.upper())
        return lines


class CentralDecision(models.Model):
    """CentralDecision — quyết định khen thưởng của cấp trên (Thủ tướng Chính phủ, Chủ tịch nước) cho
    các tập thể, cá nhân tỉnh đã đề nghị, ghi nhận khi văn bản về tới tỉnh: số, ngày, cơ quan ban hành,
    kết quả từng đối tượng (trên Nominee.outcome), bản chụp nếu có. Không in bằng khen tại tỉnh."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="central_decision")
    number = models.CharField(_("số, ký hiệu"), max_length=60, help_text=_("Ví dụ: 1234/QĐ-TTg"))
    signed_on = models.DateField(_("ngày ban hành"))
    issuer = models.CharField(_("cơ quan, người ban hành"), max_length=255)
    scan = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("bản chụp quyết định"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("quyết định của cấp trên")
        verbose_name_plural = _("quyết định của cấp trên")

    def __str__(self):
        return self.number


# --- what the steps' guards ask (Dossier.problems_for) ------------------------------------------------
def council_vote_problems(dossier) -> list[str]:
    """The province council step needs its meeting recorded, with a vote for every nominee."""
    meeting = ProvinceCouncilMeeting.objects.filter(dossier=dossier).first()
    if meeting is None:
        return [gettext("Chưa ghi phiên họp của Hội đồng TĐKT tỉnh (ngày họp, thành phần, kết quả bỏ phiếu).")]
    voted = set(CouncilVote.objects.filter(meeting=meeting).values_list("nominee_id", flat=True))
    return [gettext("Chưa ghi kết quả bỏ phiếu của Hội đồng TĐKT tỉnh cho %(name)s.") % {"name": n.name}
            for n in dossier.nominees.select_related("person", "unit") if n.pk not in voted]


def upward_problems(dossier) -> list[str]:
    """The signed tờ trình, naming exactly the nominees that passed the council (a tờ trình signed before
    the dossier was returned and its nominees changed no longer counts)."""
    proposal = UpwardProposal.objects.filter(dossier=dossier).exclude(sha256="").first()
    if proposal is None:
        return [gettext("Chưa có tờ trình đề nghị cấp trên đã ký.")]
    failed = failed_council_ids(dossier)
    passing = {pk for pk in dossier.nominees.values_list("pk", flat=True) if pk not in failed}
    if set(proposal.nominees.values_list("pk", flat=True)) != passing:
        return [gettext("Danh sách trong Tờ trình số %(number)s khác danh sách hiện tại của hồ sơ: hãy ký lại tờ trình.")
                % {"number": proposal.number}]
    return []


def central_decision_problems(dossier) -> list[str]:
    if not CentralDecision.objects.filter(dossier=dossier).exists():
        return [gettext("Chưa ghi nhận quyết định của cấp trên.")]
    return []


def failed_council_ids(dossier) -> set[int]:
    """The nominees the province council voted down: no decision or tờ trình covers them."""
    return set(CouncilVote.objects.filter(nominee__dossier=dossier, passed=False).values_list("nominee_id", flat=True))
