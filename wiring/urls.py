"""The URL wiring of every app (the top layer: it may import them all)."""

from django.contrib import admin
from django.urls import include, path

from accounts.views import erase_my_account

from . import views
from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("account/delete/", erase_my_account, name="erase_my_account"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("", include("applications.urls")),
    path("", include("reviews.urls")),
    path("", include("projects.urls")),
    path("", include("grants.urls")),
    path("", include("notifications.urls")),
]
