"""View decorators shared by every app."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from .rules import is_programme_staff


def member_required(view):
    """Signed-in users only. Anyone else gets a 404 (the 404 page offers to log in), so a URL never
    tells an outsider whether the object behind it exists. htmx requests get a 401 instead, which
    our scripts turn into "your session expired"."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if getattr(request, "htmx", False):
                return HttpResponse(
                    _("Your session has expired. Log in again; your text is kept in this browser."), status=401
                )
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def staff_required(view):
    """Programme staff only. A logged-out visitor is sent to the log-in page (staff follow links
    from e-mails); for anyone logged in without the role the page does not exist."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_programme_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
