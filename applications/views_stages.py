"""Staff's choice on a two-stage call's concept note: invite the group to the full proposal, or
not (with feedback). The page is the application's; this view only takes the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required

from . import stages
from .forms import StageDecisionForm
from .models import Application


@staff_required
@require_POST
def stage_decide(request, pk):
    application = get_object_or_404(Application, pk=pk)
    form = StageDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to invite the group to the full proposal."))
        return redirect(application)
    feedback = form.cleaned_data["feedback"]
    try:
        if form.cleaned_data["decision"] == "invite":
            stages.application_invite(application=application, by=request.user, comment=feedback)
            messages.success(request, _("The group is invited to write the full proposal and told so by e-mail."))
        else:
            stages.application_not_invite(application=application, by=request.user, feedback=feedback)
            messages.success(request, _("The group is told that its concept note is not invited."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [_("You may not do this.")])))
    return redirect(application)
