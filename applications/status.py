"""How an application's status is shown to its group: a colour of its own and the next step in
plain words, with a date where one matters. The layers above add steps for the statuses they own
(``projects`` knows the reports of an awarded project) through ``next_step_sources``."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.registry import Registry

from .models import Application

S = Application.Status

BADGES = {
    S.DRAFT: "warning",
    S.SUBMITTED: "primary",
    S.INELIGIBLE: "dark",
    S.IN_REVIEW: "info",
    S.REVIEWED: "info",
    S.AWARDED: "success",
    S.WAITLISTED: "warning",
    S.REJECTED: "danger",
    S.REPORTED: "success",
    S.CLOSED: "secondary",
    S.WITHDRAWN: "light",
    S.INVITED: "warning",
    S.NOT_INVITED: "danger",
}

# Callables ``source(applications) -> {application_id: text}``, one query at most each.
next_step_sources = Registry("next steps of applications")


def _concept_steps(application) -> str:
    """A two-stage call's concept note, before staff choose whom to invite."""
    steps = {
        S.DRAFT: _("Finish and submit your concept note before %(deadline)s.")
        % {"deadline": date_format(application.competition.closes_at, "DATETIME_FORMAT")},
        S.SUBMITTED: _("Staff read the concept notes; the groups they shortlist are invited to write a full proposal."),
        S.IN_REVIEW: _("Your concept note is being reviewed; the groups shortlisted are then invited."),
        S.REVIEWED: _("Your concept note is reviewed; staff choose whom to invite to the full proposal."),
        S.NOT_INVITED: _("Your concept note was not invited to a full proposal: any feedback is on its page."),
    }
    return steps.get(application.status, "")


def _own_steps(application) -> str:
    call = application.competition
    if application.is_concept and _concept_steps(application):
        return _concept_steps(application)
    if application.status == S.INVITED:
        return _(
            "You are invited to write the full proposal, which starts from your concept note. "
            "Submit it before %(deadline)s."
        ) % {"deadline": date_format(call.full_closes_at or call.closes_at, "DATETIME_FORMAT")}
    steps = {
        S.DRAFT: _("Finish and submit it before %(deadline)s.")
        % {"deadline": date_format(call.closes_at, "DATETIME_FORMAT")}
        if call.closes_at
        else _("Finish and submit it."),
        S.SUBMITTED: _("Staff check that it is eligible; then reviewers score it."),
        S.INELIGIBLE: _("It cannot be funded: the reason is on its page."),
        S.IN_REVIEW: _("Reviewers are scoring it; the decision follows."),
        S.REVIEWED: _("The review is done; the decision comes next."),
        S.WAITLISTED: _("It can still be funded if money frees up in this call."),
        S.REJECTED: _("It will not be funded: the feedback is on its page."),
        S.CLOSED: _("The project is closed. Thank you!"),
        S.WITHDRAWN: _("Withdrawn."),
    }
    if application.status == S.SUBMITTED and call.emergency:
        return ngettext(
            "Staff decide it within %(days)s day of submission.",
            "Staff decide it within %(days)s days of submission.",
            call.decision_days,
        ) % {"days": call.decision_days}
    return steps.get(application.status, "")


def next_steps(applications) -> dict[int, str]:
    """``{application_id: the next step}`` for a list of applications (their calls loaded)."""
    applications = list(applications)
    steps = {a.pk: _own_steps(a) for a in applications}
    for source in next_step_sources:
        steps.update(source(applications))
    return steps


def with_next_steps(applications) -> list:
    """The applications, each with ``next_step`` set, for a list that shows it."""
    applications = list(applications)
    steps = next_steps(applications)
    for application in applications:
        application.next_step = steps[application.pk]
    return applications
