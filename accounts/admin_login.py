"""The Django admin logs in through allauth: its form, its second factor and its rate limits.

Django's own admin log-in form checks the password only, so a staff account with TOTP could open
the admin (and with its session, every staff page) without the second factor.
"""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def admin_login(request, extra_context=None):
    """Send ``/admin/login/`` (GET or POST) to allauth's log-in, keeping a same-site ``next``."""
    target = request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    login_url = f"{reverse('account_login')}?{urlencode({'next': target})}"  # checked just above
    return redirect(login_url)


def install() -> None:
    admin.site.login = admin_login
