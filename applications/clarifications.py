"""Staff ask a group about its submitted application; the group answers in the app. Each message
is kept in the application's thread, logged, and e-mailed through the outbox: a question to every
member in the group's language, an answer to the staff who asked."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.rules import is_programme_staff
from notifications.services import outbox_enqueue

from .models import Application
from .rules import is_group_member
from .services import application_audit, notify_members
from .thread import ClarificationMessage


def _clean(body) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write a message first."))
    return body


@transaction.atomic
def clarification_ask(*, application, by, body) -> ClarificationMessage:
    if not is_programme_staff(by):
        raise PermissionDenied
    locked = Application.objects.select_for_update().select_related("competition", "group").get(pk=application.pk)
    if locked.status in (Application.Status.DRAFT, Application.Status.WITHDRAWN):
        raise ValidationError(_("Questions can be asked only about a submitted application."))
    message = ClarificationMessage.objects.create(application=locked, author=by, from_staff=True, body=_clean(body))
    application_audit(locked, by, "application.clarification_asked", _("A question was asked to the group"))
    notify_members(
        locked,
        kind=f"clarification-question-{message.pk}",
        template="applications/email/clarification_question",
        extra={"message": message},
        in_group_language=True,
    )
    return message


@transaction.atomic
def clarification_answer(*, application, by, body) -> ClarificationMessage:
    locked = Application.objects.select_for_update().select_related("competition").get(pk=application.pk)
    if not is_group_member(by, locked):
        raise PermissionDenied
    thread = list(locked.clarifications.select_related("author"))
    if not thread or not thread[-1].from_staff:
        raise ValidationError(_("There is no question waiting for your answer."))
    message = ClarificationMessage.objects.create(application=locked, author=by, from_staff=False, body=_clean(body))
    application_audit(locked, by, "application.clarification_answered", _("The group answered a question"))
    askers = {m.author for m in thread if m.from_staff and m.author is not None}
    for staff in askers:
        outbox_enqueue(
            user=staff,
            kind="clarification_answer",
            dedupe_key=f"clarification-answer:{message.pk}:{staff.pk}",
            template="applications/email/clarification_answer",
            context={"application": locked, "call": locked.competition, "message": message},
            scope=locked.competition.outbox_scope,
        )
    return message
