"""What projects adds to the layers below: reminder rules, the receiver of call changes, the
check that money was paid, its sections of the application's and the call's pages, and the names
of its audited actions. Registered in ``ProjectsConfig.ready()``."""

from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.erasure import account_erasing
from applications.erasure import erasure_steps
from applications.models import Application, money_paid_checks
from applications.pages import application_sections, application_staff_actions, call_applications_sections
from applications.status import next_step_sources
from audit.actions import declare
from grants.signals import call_saved
from notifications.reminders import reminder_rules
from reviews.selectors import shared_reviewer_comments

from .emergency import emergency_decisions_due
from .export_jobs import erase_own_exports, erase_programme_exports
from .mentoring import reschedule_call
from .models import Report
from .reminders import checkins_due, reports_due
from .reports import EDITABLE
from .selectors import FUNDED, is_decidable, money_summary

reminder_rules.register(checkins_due, order=30)
reminder_rules.register(reports_due, order=40)
reminder_rules.register(emergency_decisions_due, order=50)

declare("tranche.paid", _("Payment"), shared_with_group=True)
declare("award.reduced", _("Award reduced"), shared_with_group=True)
declare("tranches.set", _("Payment schedule"))
declare("proposal.made", _("Award proposed"))
declare("proposal.cancelled", _("Award proposal cancelled"))
declare("mentor.assigned", _("Mentor"))
declare("project.dates_changed", _("Project dates"))
declare("programme.exported", _("Programme export"))


@erasure_steps.register(order=30)
def erase_project_texts(application) -> None:
    """Reports' and check-ins' texts, award conditions and good practices go; indicator figures,
    spending, tranches and dates stay for the programme's reporting."""
    from .models import AwardProposal, CheckIn, GoodPractice, Report

    Report.objects.filter(application=application).update(narrative="", results="", staff_comment="")
    CheckIn.objects.filter(application=application).update(notes="", actions="")
    AwardProposal.objects.filter(application=application).update(conditions="")
    GoodPractice.objects.filter(application=application).delete()


# Prepared exports may hold what an erasure removes: they go at once rather than after a week.
erasure_steps.register(erase_programme_exports, order=40)
account_erasing.connect(erase_own_exports, dispatch_uid="projects.erase_own_exports")


declare("report.accepted", _("Report accepted"), shared_with_group=True)
declare("report.changes_requested", _("Changes requested"), shared_with_group=True)
declare("good_practice.marked", _("Good practice"))


@next_step_sources.register
def funded_next_steps(applications) -> dict:
    """An awarded project's next step names its next report and when it is due (one query)."""
    funded = [a for a in applications if a.status in FUNDED]
    if not funded:
        return {}
    next_report = {}
    for report in Report.objects.filter(application__in=funded, status__in=EDITABLE).order_by("due_on"):
        next_report.setdefault(report.application_id, report)
    steps = {}
    for application in funded:
        report = next_report.get(application.pk)
        if application.status == Application.Status.REPORTED:
            steps[application.pk] = gettext("The final report is in; staff are reading it.")
        elif report:
            steps[application.pk] = gettext("Awarded: sign the contract. Next: %(kind)s, due %(date)s.") % {
                "kind": report.get_kind_display(),
                "date": date_format(report.due_on, "DATE_FORMAT"),
            }
        else:
            steps[application.pk] = gettext("Awarded: sign the contract; your mentor will be in touch.")
    return steps


@money_paid_checks.register
def a_tranche_is_paid(application) -> bool:
    return application.tranches.filter(paid_on__isnull=False).exists()


@receiver(call_saved)
def reschedule_when_the_interval_changes(sender, call, changed, **kwargs):
    if "checkin_interval_weeks" in changed:
        reschedule_call(call)


DECIDED = (*FUNDED, Application.Status.CLOSED, Application.Status.WAITLISTED, Application.Status.REJECTED)


@application_sections.register(order=10)
def decision_section(request, application, viewer) -> str:
    withdrawn_award = application.status == Application.Status.WITHDRAWN and application.awarded_amount is not None
    if application.status not in DECIDED and not withdrawn_award:
        return ""
    context = {
        "application": application,
        "call": application.competition,
        "outcome": "withdrawn" if withdrawn_award else application.status,
        "tranches": list(application.tranches.all()),
        # What a rejected group reads when staff chose to share: comments only, no names, no scores.
        "shared_comments": shared_reviewer_comments(application) if viewer.is_member else [],
    }
    return render_to_string("projects/_application_decision.html", context, request=request)


@application_sections.register(order=30)
def follow_up_section(request, application, viewer) -> str:
    if application.status not in (*FUNDED, Application.Status.CLOSED):
        return ""
    context = {
        "application": application,
        "checkins": application.checkins.order_by("due_on"),
        "reports": application.reports.order_by("due_on"),
        "is_member": viewer.is_member,
        "today": timezone.localdate(),
    }
    return render_to_string("projects/_application_follow_up.html", context, request=request)


@application_staff_actions.register(order=10)
def decide_action(request, application, viewer) -> str:
    if not viewer.is_staff or not (is_decidable(application) or application.status in FUNDED) or application.is_concept:
        return ""  # a concept note is invited or not (applications' own action), never awarded
    return render_to_string("projects/_decide_link.html", {"application": application}, request=request)


@call_applications_sections.register(order=10)
def call_money_section(request, call, viewer=None) -> str:
    return render_to_string(
        "projects/_call_money.html", {"call": call, "summary": money_summary(call)}, request=request
    )
