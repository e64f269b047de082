"""What applications adds to the layers below: its reminder rule and the "apply" box of the call
page. Registered in ``ApplicationsConfig.ready()``."""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts.erasure import account_erasing
from audit.actions import declare
from grants.pages import call_page_sections
from notifications.reminders import reminder_rules

from .eligibility import apply_box_context
from .erasure import on_account_erasing
from .reminders import drafts_due
from .selectors import groups_of

reminder_rules.register(drafts_due, order=10)
declare("application.found_eligible", _("Found eligible"))
declare("application.anonymised", _("Personal data erased"))
account_erasing.connect(on_account_erasing, dispatch_uid="applications.on_account_erasing")


@call_page_sections.register
def apply_section(request, call) -> str:
    context = {"call": call, "is_open": call.is_open(), **apply_box_context(call, list(groups_of(request.user)))}
    return render_to_string("applications/_apply_box.html", context, request=request)
