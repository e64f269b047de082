"""The staff's page of failed e-mails, with a resend button for each."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required

from . import selectors, staff
from .models import OutboxMessage

PAGE_SIZE = 50


@staff_required
def failed_list(request):
    page = Paginator(selectors.failed_messages(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "retry_hours": settings.OUTBOX_RETRY_HOURS}
    return render(request, "notifications/staff/failed.html", context)


@staff_required
@require_POST
def resend(request, pk):
    try:
        message = staff.outbox_resend(message_id=pk, by=request.user)
    except OutboxMessage.DoesNotExist:
        messages.info(request, _("This e-mail is no longer failed; nothing was resent."))
    else:
        messages.success(request, _("The e-mail to %(email)s is queued again.") % {"email": message.recipient_email})
    return redirect("notifications:failed")
