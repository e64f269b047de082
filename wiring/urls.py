"""The URL wiring of every app (the top layer: it may import them all)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dashboard/", RedirectView.as_view(pattern_name="applications:dashboard"), name="dashboard"),
    path("", include("applications.urls")),
    path("", include("reviews.urls")),
    path("", include("projects.urls")),
    path("", include("grants.urls")),
]
