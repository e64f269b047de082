"""Running a step of the application's one state machine (DESIGN.md, "The lifecycle").

Each layer's services run the steps of the concept they own (``applications`` submission and
withdrawal, ``reviews`` the review, ``projects`` decisions and reports), always through
``transition_run``: nothing else calls a transition. The caller holds a transaction; the row is
locked, the permission checked (django-fsm-2 does not check it by itself), the transition run and
saved, and django-fsm-log writes who and when in the same transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from .models import Application


def not_possible(application) -> ValidationError:
    return ValidationError(
        _("This application is now “%(status)s”, so this step is not possible.")
        % {"status": application.get_status_display()},
        code="wrong_state",
    )


def application_lock(application) -> Application:
    """The application's row, locked until the caller's transaction ends."""
    return Application.objects.select_for_update().get(pk=application.pk)


def transition_run(locked: Application, name: str, by, comment: str = "") -> Application:
    """Run transition ``name`` on a locked application as ``by`` (``None``: the system itself)."""
    method = getattr(locked, name)
    if not can_proceed(method, check_conditions=False):
        raise not_possible(locked)
    if not has_transition_perm(method, by):
        if not can_proceed(method):
            raise ValidationError(_("The conditions for this step are not met."), code="conditions")
        raise PermissionDenied
    if not can_proceed(method):  # django-fsm would raise TransitionNotAllowed: say it in words
        raise ValidationError(_("The conditions for this step are not met."), code="conditions")
    method(by=by, description=comment or None)
    locked.save()
    return locked
