from django.urls import path

from . import (
    views_decisions,
    views_emergency,
    views_exports,
    views_mentoring,
    views_portfolio,
    views_programme,
    views_ranking,
    views_reports,
)

app_name = "projects"

urlpatterns = [
    path("staff/", views_portfolio.staff_dashboard, name="staff_dashboard"),
    path("staff/emergency/", views_emergency.emergency_requests, name="staff_emergency"),
    path("staff/portfolio/", views_portfolio.staff_portfolio, name="staff_portfolio"),
    path("staff/programmes/<int:pk>/", views_programme.programme_results_page, name="staff_programme"),
    path("staff/programmes/<int:pk>/exports/", views_exports.programme_exports, name="staff_programme_exports"),
    path(
        "staff/programmes/<int:pk>/exports/<int:export_pk>/download/",
        views_exports.programme_export_download,
        name="staff_programme_export_download",
    ),
    path(
        "staff/programmes/<int:pk>/good-practices.pdf",
        views_programme.programme_brochure,
        name="staff_programme_brochure",
    ),
    path("staff/calls/<int:pk>/ranking/", views_ranking.ranking, name="staff_ranking"),
    path("staff/calls/<int:pk>/decide/", views_decisions.bulk_decide, name="staff_bulk_decide"),
    path("staff/applications/<int:pk>/decide/", views_decisions.decide, name="staff_decide"),
    path("staff/proposals/<int:pk>/<str:verdict>/", views_decisions.proposal_decide, name="staff_proposal"),
    path("staff/tranches/<int:pk>/paid/", views_decisions.tranche_paid, name="staff_tranche_paid"),
    path("mentoring/", views_mentoring.mentor_dashboard, name="mentor_dashboard"),
    path("mentoring/checkins/<int:pk>/", views_mentoring.checkin_record, name="checkin_record"),
    path("staff/applications/<int:pk>/mentor/", views_mentoring.mentor_assign, name="staff_mentor_assign"),
    path("staff/applications/<int:pk>/dates/", views_mentoring.project_dates, name="staff_project_dates"),
    path("reports/<int:pk>/", views_reports.report_edit, name="report"),
    path("reports/<int:pk>/attachments/", views_reports.report_attachment, name="report_attachment"),
    path("staff/reports/<int:pk>/", views_reports.staff_report, name="staff_report"),
    path("programmes/<int:pk>/good-practices/", views_reports.good_practices, name="good_practices"),
    path("applications/<int:pk>/award-letter.pdf", views_reports.award_letter, name="award_letter"),
]
