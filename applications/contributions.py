"""What applications adds to the layers below: its reminder rules and the "apply" box of the call
page; and its own staff action on the application's page (a concept note's invitation).
Registered in ``ApplicationsConfig.ready()``."""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts.erasure import account_erasing
from audit.actions import declare
from grants.pages import call_page_sections
from notifications.reminders import reminder_rules

from .eligibility import apply_box_context
from .erasure import on_account_erasing
from .models import Application
from .pages import application_sections, application_staff_actions
from .reminders import drafts_due, full_proposals_due
from .selectors import groups_of

reminder_rules.register(drafts_due, order=10)
reminder_rules.register(full_proposals_due, order=11)
declare("application.found_eligible", _("Found eligible"))
declare("application.anonymised", _("Personal data erased"))
account_erasing.connect(on_account_erasing, dispatch_uid="applications.on_account_erasing")


@call_page_sections.register
def apply_section(request, call) -> str:
    context = {"call": call, "is_open": call.is_open(), **apply_box_context(call, list(groups_of(request.user)))}
    return render_to_string("applications/_apply_box.html", context, request=request)


@application_staff_actions.register(order=5)
def stage_decision_action(request, application, viewer) -> str:
    """A two-stage call's concept note, once submitted or reviewed: invite the group or not."""
    decidable = (Application.Status.SUBMITTED, Application.Status.REVIEWED)
    if not viewer.is_staff or not application.is_concept or application.status not in decidable:
        return ""
    context = {"application": application, "call": application.competition}
    return render_to_string("applications/staff/_stage_decision.html", context, request=request)


@application_sections.register(order=5)
def stage_outcome_section(request, application, viewer) -> str:
    """Where a two-stage call's concept note stands: invited (until the full proposal is in), or
    not invited, with the staff's feedback."""
    if application.status not in (Application.Status.INVITED, Application.Status.NOT_INVITED):
        return ""
    context = {"application": application, "call": application.competition, "is_member": viewer.is_member}
    return render_to_string("applications/_stage_outcome.html", context, request=request)
