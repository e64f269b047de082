"""A two-stage call's second stage: staff invite a concept note's group to write the full
proposal, or tell it that it is not invited (with feedback when they give it).

The steps are transitions of the application's one state machine (``invite``, ``not_invite``;
the group's ``submit_full`` runs in ``services.application_submit``), run through
``transition_run`` and logged with who and when in the same transaction; the group is told by
e-mail in its own language, through the outbox.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .call_questions import full_form_prefill
from .models import Application
from .services import notify_members
from .transitions import application_lock, transition_run


def _concept_lock(application) -> Application:
    locked = application_lock(application)
    if not locked.is_concept:
        raise ValidationError(_("Only a two-stage call's concept note is invited to a full proposal, or not."))
    return locked


@transaction.atomic
def application_invite(*, application, by, comment="") -> Application:
    """Invite the group to the full proposal. The concept note as submitted is kept
    (``Application.concept``) and stays readable; the full form starts with the concept's answers
    to questions of the same key, and the texts, budget and files the group already wrote."""
    locked = transition_run(_concept_lock(application), "invite", by, comment.strip())
    call = locked.competition
    locked.concept = locked.submitted_snapshot or {}
    locked.stage = Application.Stage.FULL
    locked.form_answers = full_form_prefill(call.form_definition, locked.form_answers or {})
    locked.form_version = call.form_version
    locked.submitted_at = None
    locked.submitted_snapshot = None
    locked.screened_at = None  # the full proposal is screened anew
    locked.screened_by = None
    locked.draft_version += 1  # a page open on the concept is now stale
    locked.save()
    notify_members(
        locked,
        kind="application_invited",
        template="applications/email/invited",
        extra={"deadline": call.full_closes_at, "comment": comment.strip()},
        in_group_language=True,
    )
    return locked


@transaction.atomic
def application_not_invite(*, application, by, feedback="") -> Application:
    """Tell the group its concept note is not invited to the full proposal; ``feedback`` (may be
    empty) is shown on its page and in the e-mail."""
    feedback = feedback.strip()
    locked = transition_run(_concept_lock(application), "not_invite", by, feedback)
    locked.decision_feedback = feedback
    locked.save(update_fields=["decision_feedback", "updated_at"])
    notify_members(
        locked,
        kind="application_not_invited",
        template="applications/email/not_invited",
        extra={"feedback": feedback},
        in_group_language=True,
    )
    return locked
