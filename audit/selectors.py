"""Reading the audit log, per call and per application, newest first."""

from .models import AuditEntry


def audit_for_call(call_id):
    return AuditEntry.objects.filter(call_id=call_id).select_related("actor")


def audit_for_application(application_id):
    return AuditEntry.objects.filter(application_id=application_id).select_related("actor")
