"""Turning a service's refusal into messages on the next page, the same way on every page."""

from django.contrib import messages
from django.utils.translation import gettext as _


def report_errors(request, error) -> None:
    """One error message per message of a ValidationError (or a PermissionDenied)."""
    for message in getattr(error, "messages", None) or [_("You may not do this.")]:
        messages.error(request, message)
