"""Two-factor authentication, required for the roles named in ``SMALLGRANTS_REQUIRE_MFA_ROLES``.

Staff and reviewers see names that may put grantees at risk, so a funder can insist that they
protect their accounts with a second factor (allauth's TOTP). Until they set it up, every page
but the account pages sends them to the set-up page.
"""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .roles import user_role_names

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        required = set(settings.SMALLGRANTS_REQUIRE_MFA_ROLES)
        user = request.user
        if (
            required
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and required & user_role_names(user)
            and not is_mfa_enabled(user)
        ):
            messages.warning(request, _("Your role requires two-factor authentication. Set it up to continue."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)
