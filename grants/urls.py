from django.urls import path

from . import views_decisions, views_projects, views_public, views_staff

app_name = "grants"

urlpatterns = [
    path("", views_public.home, name="home"),
    path("calls/", views_public.call_list, name="call_list"),
    path("calls/<slug:slug>/", views_public.call_detail, name="call_detail"),
    path("staff/", views_staff.staff_dashboard, name="staff_dashboard"),
    path("staff/calls/new/", views_staff.call_create, name="staff_call_create"),
    path("staff/calls/<int:pk>/edit/", views_staff.call_edit, name="staff_call_edit"),
    path("staff/calls/<int:pk>/applications/", views_staff.call_applications, name="staff_call_applications"),
    path("staff/calls/<int:pk>/screen/", views_staff.call_screen, name="staff_call_screen"),
    path("staff/applications/<int:pk>/decide/", views_decisions.decide, name="staff_decide"),
    path("staff/proposals/<int:pk>/<str:verdict>/", views_decisions.proposal_decide, name="staff_proposal"),
    path("staff/tranches/<int:pk>/paid/", views_decisions.tranche_paid, name="staff_tranche_paid"),
    path("staff/calls/<int:pk>/decide/", views_decisions.bulk_decide, name="staff_bulk_decide"),
    path("mentoring/", views_projects.mentor_dashboard, name="mentor_dashboard"),
    path("mentoring/checkins/<int:pk>/", views_projects.checkin_record, name="checkin_record"),
    path("staff/applications/<int:pk>/mentor/", views_projects.mentor_assign, name="staff_mentor_assign"),
    path("staff/applications/<int:pk>/dates/", views_projects.project_dates, name="staff_project_dates"),
    path("reports/<int:pk>/", views_projects.report_edit, name="report"),
    path("reports/<int:pk>/attachments/", views_projects.report_attachment, name="report_attachment"),
    path("staff/reports/<int:pk>/", views_projects.staff_report, name="staff_report"),
    path("staff/calls/<int:pk>/outbox/", views_projects.call_outbox, name="staff_outbox"),
    path("programmes/<int:pk>/good-practices/", views_projects.good_practices, name="good_practices"),
    path("applications/<int:pk>/award-letter.pdf", views_public.award_letter, name="award_letter"),
]
