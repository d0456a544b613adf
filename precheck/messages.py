"""Each finding in words, made when it is shown (the reader's language; stored findings are codes)."""

import datetime as dt

from django.utils.translation import gettext as _


def _day(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(iso)


def message(finding: dict, document_label: str) -> str:
    p = dict(finding.get("params") or {})
    p["doc"] = document_label
    code = finding.get("code")
    if code == "plan_missing":
        return _("%(doc)s: không thấy số Kế hoạch %(plan)s.") % p
    if code == "plan_wrong":
        return _("%(doc)s ghi Kế hoạch số %(found)s; hồ sơ thuộc Kế hoạch %(plan)s.") % p
    if code == "title_missing":
        return _("%(doc)s: không thấy tên phong trào thi đua “%(title)s”.") % p
    if code == "name_missing":
        return _("%(doc)s: không thấy tên %(name)s.") % p
    if code == "votes_differ":
        return _("%(doc)s ghi %(found)s phiếu đồng ý cho %(name)s; hồ sơ ghi %(recorded)s.") % p
    if code == "votes_total_differ":
        return _("%(doc)s ghi số phiếu của %(name)s trên tổng %(found)s thành viên; hồ sơ ghi %(recorded)s.") % p
    if code == "members_total_differ":
        return _("%(doc)s ghi tổng số %(found)s thành viên Hội đồng; hồ sơ ghi %(recorded)s.") % p
    if code == "members_present_differ":
        return _("%(doc)s ghi %(found)s thành viên dự họp; hồ sơ ghi %(recorded)s.") % p
    if code == "votes_unread":
        return _("%(doc)s: không đọc được số phiếu của %(name)s; hãy đối chiếu trực tiếp.") % p
    if code == "votes_not_recorded":
        return _("Hồ sơ chưa ghi số phiếu của %(name)s nên chưa đối chiếu được với %(doc)s.") % p
    if code == "form_missing":
        return _("%(doc)s: không thấy số mẫu (Mẫu số %(form)s).") % p
    if code == "form_wrong":
        return _("%(doc)s ghi Mẫu số %(found)s; loại văn bản này dùng Mẫu số %(form)s.") % p
    if code == "signature_missing":
        return _("%(doc)s: không thấy chữ ký hoặc dòng người ký.") % p
    if code == "date_outside":
        return _("%(doc)s đề ngày %(date)s, ngoài thời gian thi đua và nhận hồ sơ (%(start)s – %(end)s).") % {
            **p, "date": _day(p.get("date")), "start": _day(p.get("start")), "end": _day(p.get("end"))}
    if code == "date_meeting_differs":
        return _("%(doc)s đề ngày %(date)s; hồ sơ ghi ngày họp %(held)s.") % {
            **p, "date": _day(p.get("date")), "held": _day(p.get("held"))}
    if code == "date_unread":
        return _("%(doc)s: không đọc được ngày ban hành; hãy đối chiếu trực tiếp.") % p
    if code == "no_text":
        return _("%(doc)s: không đọc được chữ nào trong tệp (trang trắng hoặc ảnh quá mờ).") % p
    return _("%(doc)s: %(code)s") % {"doc": document_label, "code": code}


def check_label(check: str) -> str:
    return {
        "plan": _("Số kế hoạch"), "title": _("Tên phong trào"), "name": _("Tên đối tượng"),
        "votes": _("Số phiếu"), "form": _("Số mẫu"), "signature": _("Chữ ký"), "date": _("Ngày văn bản"),
        "text": _("Nội dung"),
    }.get(check, check)
