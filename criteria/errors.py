"""Refusals of the criteria app: DossierError subclasses with Vietnamese messages."""

from django.utils.translation import gettext as _

from dossiers.errors import DossierError


class CriteriaNotMet(DossierError):
    """A collective fails a hard criterion and nobody recorded an override."""

    def __init__(self, problems: list[str]):
        super().__init__(_("Không thể chuyển hồ sơ: có tập thể không đạt tiêu chí bắt buộc và chưa có ý kiến "
                           "vượt quyền (ghi rõ lý do):"), problems=problems)


class DuplicateNominee(DossierError):
    """The same person or unit is already proposed in this campaign."""


class UnderDiscipline(DossierError):
    """The person or unit has a pending discipline record."""


class ImportRejected(DossierError):
    """A metrics file with at least one bad row: nothing is saved."""

    def __init__(self, report):
        self.report = report
        super().__init__(_("Tệp số liệu có %(n)s dòng lỗi; không dòng nào được nhập.") % {"n": len(report.rejected_rows) or len(report.errors)},
                         problems=[str(e) for e in report.errors])
