"""Changes to calls. Services take data (never forms) and check their actor first.

Times typed by staff are read in the call's time zone. Every change is written to the audit log
in the same transaction, and ``signals.call_saved`` lets the layers above follow (``projects``
reschedules check-ins when the interval changes).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.rules import require_staff
from audit.services import audit_record

from .call_forms import questions_of, validate_definition
from .models import CallFormVersion, Competition, EligibilityQuestion, Indicator, RubricCriterion
from .signals import call_saved

ZONED_FIELDS = ("opens_at", "closes_at", "full_closes_at", "review_deadline")


def _in_call_zone(moment, zone):
    if moment is None:
        return None
    naive = timezone.make_naive(moment) if timezone.is_aware(moment) else moment
    return timezone.make_aware(naive, zone)


def _save_rows(call, model, rows):
    """Apply rows ``{"id": pk or None, "DELETE": bool, **fields}`` to the call's ``model`` objects."""
    existing = {obj.pk: obj for obj in model.objects.filter(competition=call)}
    for row in rows:
        row = dict(row)
        current = existing.get(row.pop("id", None))
        if row.pop("DELETE", False):
            if current:
                current.delete()
            continue
        current = current or model(competition=call)
        for name, value in row.items():
            setattr(current, name, value)
        current.save()


@transaction.atomic
def competition_save(
    *, competition, data: dict, criteria=(), indicators=(), eligibility_questions=(), by
) -> Competition:
    """Create or change a call from validated ``data`` (field name → value), with its rubric
    criteria, indicators and eligibility questions as rows (see ``_save_rows``)."""
    require_staff(by)
    is_new = competition.pk is None
    if not is_new:
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
    data = dict(data)
    regions = data.pop("eligible_regions", None)
    before = {name: getattr(competition, name) for name in data}
    for name, value in data.items():
        setattr(competition, name, value)
    for name in ZONED_FIELDS:
        if name in data:
            setattr(competition, name, _in_call_zone(data[name], competition.tzinfo))
    competition.save()
    if regions is not None:
        competition.eligible_regions.set(regions)
    _save_rows(competition, RubricCriterion, criteria)
    _save_rows(competition, Indicator, indicators)
    _save_rows(competition, EligibilityQuestion, eligibility_questions)
    changed = sorted(name for name in data if is_new or getattr(competition, name) != before[name])
    labels = ", ".join(str(Competition._meta.get_field(name).verbose_name) for name in changed)
    audit_record(
        by=by,
        action="call.created" if is_new else "call.changed",
        message=_("Call created") if is_new else (_("Call changed: %(fields)s") % {"fields": labels or "—"}),
        call_id=competition.pk,
        label=competition.title,
        data={"fields": changed},
    )
    call_saved.send(sender=Competition, call=competition, changed=changed, by=by)
    return competition


@transaction.atomic
def call_form_replace(*, competition, definition: dict, by) -> Competition:
    """Replace the call's own questions with a checked ``definition`` (``ValidationError`` naming
    the question at fault, and nothing changed). A different definition is a new version; the
    applications keep the version they answered. ``by`` None: the ``call_form import`` command.
    The definition's kind becomes the call's (a two-stage form makes a two-stage call)."""
    if by is not None:
        require_staff(by)
    cleaned = validate_definition(definition)
    locked = Competition.objects.select_for_update().get(pk=competition.pk)
    if cleaned == locked.form_definition and cleaned["kind"] == locked.kind:
        return locked
    changed = cleaned != locked.form_definition
    if locked.form_definition and changed:
        locked.form_version += 1
    locked.form_definition = cleaned
    locked.kind = cleaned["kind"]
    locked.save(update_fields=["form_definition", "form_version", "kind", "updated_at"])
    if changed:
        CallFormVersion.objects.create(competition=locked, version=locked.form_version, definition=cleaned)
    audit_record(
        by=by,
        action="call.form_changed",
        message=_("The call's questions changed (version %(version)s)") % {"version": locked.form_version},
        call_id=locked.pk,
        label=locked.title,
        data={"version": locked.form_version, "questions": len(questions_of(cleaned)), "kind": locked.kind},
    )
    return locked
