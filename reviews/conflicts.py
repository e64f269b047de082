"""The conflict-of-interest rule, in one place.

A conflict a reviewer declared in a call covers an application of that call when it names the
application itself, its group, its region or its group's region. A covered application is never
assigned to that reviewer, never shown to them, and marked in the staff's assignment matrix. The
rule is the table ``COVERS``; the SQL and the Python forms below are both made from it.
"""

from django.db.models import Exists, OuterRef, Q

from applications.models import Application

from .models import Conflict

# (field of the conflict, path of the application it must equal)
COVERS = (
    ("application_id", "id"),
    ("group_id", "group_id"),
    ("region_id", "region_id"),
    ("region_id", "group__region_id"),
)


def _covering(application_ref: str) -> Q:
    """Conflicts covering the application at ``OuterRef(application_ref + ...)``."""
    covers = Q()
    for conflict_field, path in COVERS:
        covers |= Q(**{conflict_field: OuterRef(f"{application_ref}{path}")})
    return Q(competition_id=OuterRef(f"{application_ref}competition_id")) & covers


def conflicted(reviewer_id, application_ref: str = "") -> Exists:
    """An ``Exists`` for a queryset of applications (or of rows pointing at one through
    ``application_ref``, e.g. ``"application__"``): has the reviewer a conflict covering it?"""
    return Exists(Conflict.objects.filter(reviewer_id=reviewer_id).filter(_covering(application_ref)))


def any_conflict(application_ref: str = "") -> Exists:
    """Is the application covered by a conflict any reviewer declared in its call?"""
    return Exists(Conflict.objects.filter(_covering(application_ref)))


def conflicted_applications(reviewer_id, competition_id):
    return Application.objects.filter(competition_id=competition_id).filter(conflicted(reviewer_id))


def is_conflicted(reviewer, application) -> bool:
    return Application.objects.filter(pk=application.pk).filter(conflicted(reviewer.pk)).exists()


def _value(application, path):
    for part in path.split("__"):
        application = getattr(application, part)
    return application


def conflict_pairs(call, applications) -> set[tuple[int, int]]:
    """``{(reviewer_id, application_id)}`` covered by a conflict, for the staff's matrix: one query."""
    fields = sorted({field for field, _path in COVERS})
    applications = list(applications)
    conflicts = Conflict.objects.filter(competition=call)
    covering = Q()
    for conflict_field, path in COVERS:  # only the conflicts that can touch these rows
        covering |= Q(**{f"{conflict_field}__in": {_value(a, path) for a in applications} - {None}})
    conflicts = list(conflicts.filter(covering).values("reviewer_id", *fields)) if applications else []
    pairs = set()
    for application in applications:
        values = {path: _value(application, path) for _field, path in COVERS}
        for conflict in conflicts:
            if any(conflict[f] is not None and conflict[f] == values[path] for f, path in COVERS):
                pairs.add((conflict["reviewer_id"], application.pk))
    return pairs
