"""Where each person lands after logging in: their role's own page."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from accounts.roles import user_role_names

# First role the person holds wins: staff run the programme even if they also mentor.
HOME_BY_ROLE = (
    (settings.ROLE_STAFF, "projects:staff_dashboard"),
    (settings.ROLE_REVIEWER, "reviews:queue"),
    (settings.ROLE_MENTOR, "projects:mentor_dashboard"),
)


@login_required
def dashboard(request):
    roles = user_role_names(request.user)
    for role, page in HOME_BY_ROLE:
        if role in roles:
            return redirect(page)
    return redirect("applications:dashboard")
