"""Changes to calls. Services take data (never forms) and check their actor first.

Times typed by staff are read in the call's time zone. Every change is written to the audit log
in the same transaction, and ``signals.call_saved`` lets the layers above follow (``projects``
reschedules check-ins when the interval changes).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.rules import require_staff
from audit.services import audit_record

from .call_forms import questions_of, validate_definition
from .models import CallCutoff, CallFormVersion, Competition, EligibilityQuestion, Indicator, RubricCriterion
from .signals import call_rounds_changed, call_saved

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
    the question at fault, and nothing changed). Until an application is submitted the current
    version is edited in place; once one is (the form is frozen), a change is a new version and
    the applications keep the version they answered. The definition's kind becomes the call's (a
    two-stage form makes a two-stage call). ``by`` None: the ``call_form import`` command."""
    if by is not None:
        require_staff(by)
    cleaned = validate_definition(definition)
    locked = Competition.objects.select_for_update().get(pk=competition.pk)
    if cleaned == locked.form_definition and cleaned["kind"] == locked.kind:
        return locked
    if cleaned["kind"] != locked.kind and locked.has_submissions():
        raise ValidationError(_("Applications have been submitted to this call: its kind can no longer change."))
    changed = cleaned != locked.form_definition
    if locked.form_frozen and changed:
        locked.form_version += 1
        locked.form_frozen = False
    locked.form_definition = cleaned
    locked.kind = cleaned["kind"]
    locked.save(update_fields=["form_definition", "form_version", "form_frozen", "kind", "updated_at"])
    CallFormVersion.objects.update_or_create(
        competition=locked, version=locked.form_version, defaults={"definition": cleaned}
    )
    audit_record(
        by=by,
        action="call.form_changed",
        message=_("The call's questions changed (version %(version)s)") % {"version": locked.form_version},
        call_id=locked.pk,
        label=locked.title,
        data={"version": locked.form_version, "questions": len(questions_of(cleaned)), "kind": locked.kind},
    )
    return locked


@transaction.atomic
def cutoff_add(*, competition, at, by) -> CallCutoff:
    """Add a future cut-off date to a rolling call (``at`` read in the call's time zone). The
    requests submitted since the previous cut-off and until ``at`` form its round, including those
    already submitted that were waiting for a later cut-off or for none."""
    require_staff(by)
    call = Competition.objects.select_for_update().get(pk=competition.pk)
    if not call.rolling:
        raise ValidationError(_("Only rolling calls have cut-off dates."))
    at = _in_call_zone(at, call.tzinfo)
    if at <= timezone.now():
        raise ValidationError({"at": _("The cut-off must be in the future.")})
    if at < call.opens_at or (call.closes_at and at > call.closes_at):
        raise ValidationError({"at": _("The cut-off must fall while the call is open.")})
    if call.cutoffs.filter(at=at).exists():
        raise ValidationError({"at": _("This call already has a cut-off at that moment.")})
    cutoff = CallCutoff.objects.create(competition=call, at=at)
    call.applications.filter(submitted_at__lte=at).filter(Q(cutoff__isnull=True) | Q(cutoff__at__gt=at)).update(
        cutoff=cutoff
    )
    call_rounds_changed.send(sender=Competition, call=call)
    audit_record(
        by=by,
        action="call.cutoff_added",
        message=_("Cut-off added: %(at)s") % {"at": _local(at, call)},
        call_id=call.pk,
        label=call.title,
        data={"cutoff": cutoff.pk},
    )
    return cutoff


@transaction.atomic
def cutoff_remove(*, cutoff, by) -> None:
    """Remove a cut-off no application belongs to yet (a round with applications stays)."""
    require_staff(by)
    call = Competition.objects.select_for_update().get(pk=cutoff.competition_id)
    if cutoff.applications.exists():
        raise ValidationError(_("Applications already belong to this round: the cut-off stays."))
    at = cutoff.at
    cutoff.delete()
    call_rounds_changed.send(sender=Competition, call=call)
    audit_record(
        by=by,
        action="call.cutoff_removed",
        message=_("Cut-off removed: %(at)s") % {"at": _local(at, call)},
        call_id=call.pk,
        label=call.title,
    )


def _local(moment, call) -> str:
    return date_format(timezone.localtime(moment, call.tzinfo), "DATETIME_FORMAT")
