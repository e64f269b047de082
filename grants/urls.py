from django.urls import path

from . import views_public, views_staff, views_translations

app_name = "grants"

urlpatterns = [
    path("", views_public.home, name="home"),
    path("calls/", views_public.call_list, name="call_list"),
    path("calls/<slug:slug>/", views_public.call_detail, name="call_detail"),
    path("staff/calls/new/", views_staff.call_create, name="staff_call_create"),
    path("staff/calls/<int:pk>/edit/", views_staff.call_edit, name="staff_call_edit"),
    path("staff/calls/<int:pk>/outbox/", views_staff.call_outbox, name="staff_outbox"),
    path("staff/calls/<int:pk>/log/", views_staff.call_log, name="staff_call_log"),
    path("staff/calls/<int:pk>/questions/", views_staff.call_questions, name="staff_call_questions"),
    path("staff/calls/<int:pk>/cutoffs/", views_staff.call_cutoffs, name="staff_call_cutoffs"),
    path("staff/cutoffs/<int:pk>/remove/", views_staff.cutoff_remove, name="staff_cutoff_remove"),
    path("staff/calls/<int:pk>/questions/copy/", views_staff.call_questions_copy, name="staff_call_questions_copy"),
    path("staff/calls/<int:pk>/translations/", views_translations.call_translations, name="staff_call_translations"),
]
