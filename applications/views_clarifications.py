"""Questions back to the group: staff ask on a submitted application, a member answers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required, staff_required

from . import selectors
from .clarifications import clarification_answer, clarification_ask
from .models import Application


@staff_required
@require_POST
def clarification_ask_view(request, pk):
    application = get_object_or_404(Application, pk=pk)
    try:
        clarification_ask(application=application, by=request.user, body=request.POST.get("body"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your question is sent to the group."))
    return redirect(application)


@member_required
@require_POST
def clarification_answer_view(request, pk):
    try:
        application = selectors.member_applications(request.user).get(pk=pk)
    except Application.DoesNotExist as missing:
        raise Http404 from missing
    try:
        clarification_answer(application=application, by=request.user, body=request.POST.get("body"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your answer is sent to the programme staff."))
    return redirect(application)
