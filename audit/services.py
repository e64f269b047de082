"""Writing the audit log. Call it inside the transaction of the change it records."""

from django.db import transaction

from .models import AuditEntry


def audit_record(*, by, action: str, message: str, call_id=None, application_id=None, label="", data=None):
    """Record that ``by`` did ``action``. Must run in the caller's transaction (it is rolled back with it)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    return AuditEntry.objects.create(
        actor=by if getattr(by, "pk", None) else None,
        action=action,
        message=str(message),
        call_id=call_id,
        application_id=application_id,
        object_label=str(label)[:200],
        data=data or {},
    )
