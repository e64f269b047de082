"""What staff do with the outbox: resend a message that was given up on."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.rules import require_staff
from audit.services import audit_record

from .models import OutboxMessage
from .publish import publish_send


def _call_id(scope: str) -> int | None:
    kind, _sep, value = scope.partition(":")
    return int(value) if kind == "call" and value.isdigit() else None


@transaction.atomic
def outbox_resend(*, message_id: int, by) -> OutboxMessage:
    """Put a failed message back in the queue with a fresh retry window. It keeps its Message-ID,
    so a copy that did arrive after all is recognised as one."""
    require_staff(by)
    message = OutboxMessage.objects.select_for_update().get(pk=message_id, status=OutboxMessage.Status.FAILED)
    now = timezone.now()
    message.status = OutboxMessage.Status.PENDING
    message.next_attempt_at = now
    message.resent_at = now
    message.save(update_fields=["status", "next_attempt_at", "resent_at"])
    audit_record(
        by=by,
        action="outbox.resent",
        message=_("E-mail “%(subject)s” to %(email)s sent again")
        % {"subject": message.subject, "email": message.recipient_email},
        call_id=_call_id(message.scope),
        label=message.recipient_email,
        data={"outbox_message": message.pk, "kind": message.kind, "last_error": message.last_error[:500]},
    )
    transaction.on_commit(lambda: publish_send(message.pk))
    return message
