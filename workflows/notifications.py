"""Notifications (thông báo): a bell in the page with the unread count, a list, mark-as-read, and
an e-mail for each one (console backend in development, SMTP from EMAIL_URL in production). Rows
are written in the caller's transaction; mail goes out from the Huey consumer after commit."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from dossiers.models import Dossier, Role
from outbox import enqueue

from .models import Notification

log = logging.getLogger("khenthuong.notifications")
User = get_user_model()


def dossier_link(dossier_id: int) -> str:
    """The dossier page."""
    return reverse("dossiers:detail", args=[dossier_id])


def members(unit_id: int, roles: Iterable[str]) -> list:
    """Active users holding one of `roles` at the unit (a merged unit's accounts no longer act)."""
    return list(User.objects.filter(
        is_active=True, memberships__unit_id=unit_id, memberships__role__in=list(roles),
        memberships__is_active=True, memberships__unit__successor__isnull=True).distinct().order_by("pk"))


def unit_contacts(unit_id: int) -> list:
    """Who hears on behalf of a submitting unit: its officers and its head."""
    return members(unit_id, [Role.UNIT_OFFICER, Role.UNIT_HEAD])


def notify(*, users: Iterable, dossier: Dossier | int, kind: str, title: str, body: str = "") -> list[Notification]:
    """Write one notification per user (deduplicated) and queue their e-mails after commit."""
    dossier_id = dossier if isinstance(dossier, int) else dossier.pk
    link = dossier_link(dossier_id)
    seen, rows = set(), []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, dossier_id=dossier_id, kind=kind, title=title[:255], body=body,
                                 link=link))
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if not ids:  # backends that do not return ids from bulk_create
        ids = list(Notification.objects.filter(dossier_id=dossier_id, kind=kind, title=title[:255],
                                               emailed_at__isnull=True).values_list("pk", flat=True))
    if ids:
        enqueue(kind=EMAIL_KIND, payload={"notifications": ids})
    return created


EMAIL_KIND = "notifications.email"


class MailNotSent(Exception):
    """Some e-mails of an outbox message failed; they are released for the next attempt."""


def send_emails(notification_ids: Iterable[int]) -> int:
    """Send each notification's e-mail once: the row is claimed (emailed_at set) before sending, and
    released again if the mail server refuses, so the outbox retries it (the others stay sent)."""
    sent, failed = 0, []
    for notification in (Notification.objects.filter(pk__in=list(notification_ids), emailed_at__isnull=True)
                         .select_related("user")):
        claimed_at = timezone.now()
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=claimed_at)
        if not claimed or not notification.user.email:
            continue
        body = f"{notification.body}\n\n{settings.SITE_URL}{notification.link}".strip()
        try:
            send_mail(notification.title, body, settings.DEFAULT_FROM_EMAIL, [notification.user.email])
            sent += 1
        except Exception as exc:  # released for the retry; the in-app notification stands meanwhile
            Notification.objects.filter(pk=notification.pk, emailed_at=claimed_at).update(emailed_at=None)
            log.warning("mail for notification %s (dossier %s) failed: %s", notification.pk,
                        notification.dossier_id, exc)
            failed.append(f"{notification.pk}: {type(exc).__name__}: {exc}")
    if failed:
        raise MailNotSent(f"{len(failed)} e-mail(s) not sent ({sent} sent): " + "; ".join(failed[:5]))
    return sent


# --- selectors -------------------------------------------------------------------------------------
def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("dossier", "dossier__unit")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- services ----------------------------------------------------------------------------------------
@transaction.atomic
def notification_mark_read(*, notification: Notification, actor) -> Notification:
    if notification.user_id != actor.pk:
        from dossiers.errors import NotPermitted

        raise NotPermitted()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


def context(request):
    """Context processor: `notifications_unread` for the bell, counted only when a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notifications_enabled": False}
    return {"notifications_enabled": True, "notifications_unread": SimpleLazyObject(lambda: unread_count(user))}

