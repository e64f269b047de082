"""What the group submitted, frozen as JSON at Submit: the texts, the answers to the call's own
questions with their version, the budget and the files' fingerprints."""

import hashlib

from .models import Application, Attachment


def submitted_snapshot(application, lines=None) -> dict:
    """The built-in budget and attachments only where the call has them; the files that answer
    questions with their fingerprints, beside the answers that name them."""
    call = application.competition
    if not call.budget_section:
        lines = []
    files = application.attachments.filter(purpose__in=[Attachment.Purpose.APPLICATION, Attachment.Purpose.ANSWER])
    return {
        **{name: getattr(application, name) for name in Application.TEXT_FIELDS},
        "region": str(application.region) if application.region_id else "",
        "planned_start": application.planned_start.isoformat() if application.planned_start else None,
        "planned_end": application.planned_end.isoformat() if application.planned_end else None,
        "requested_amount": str(application.requested_amount),
        "own_contribution": str(application.own_contribution),
        "currency": application.competition.currency,
        "form_version": application.form_version,
        "form_answers": dict(application.form_answers or {}),
        "budget_lines": [
            {
                "category": line.category,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_cost": str(line.unit_cost),
                "total": str(line.total),
            }
            for line in (application.budget_lines.all() if lines is None else lines)
        ],
        "attachments": [
            {"name": a.original_name, "size": a.size, "sha256": _sha256(a)}
            for a in files
            if a.purpose == Attachment.Purpose.APPLICATION and call.attachments_section
        ],
        "answer_files": [
            {"question": a.question, "name": a.original_name, "size": a.size, "sha256": _sha256(a)}
            for a in files
            if a.purpose == Attachment.Purpose.ANSWER
        ],
    }


def _sha256(attachment) -> str:
    digest = hashlib.sha256()
    with attachment.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()
