"""Read queries of the outbox."""

from .models import OutboxMessage


def outbox_for_scope(scope: str, *, status: str = ""):
    """The messages of one scope (e.g. ``"call:12"``), newest first, optionally of one status;
    without their bodies, which a list never shows."""
    messages = OutboxMessage.objects.filter(scope=scope).defer("body", "html_body")
    if status:
        messages = messages.filter(status=status)
    return messages.order_by("-created_at", "-pk")


def failed_messages():
    """Every message given up on, of any call or none (sign-up, password reset, invitations)."""
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).order_by("-created_at", "-pk")


def failed_count() -> int:
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()
