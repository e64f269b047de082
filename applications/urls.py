from django.urls import path

from . import views_answers, views_clarifications, views_groups, views_staff, views_stages
from . import views_applications as views

app_name = "applications"

urlpatterns = [
    path("my/", views.dashboard, name="dashboard"),
    path("calls/<slug:slug>/apply/", views.application_start, name="start"),
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="edit"),
    path("applications/<int:pk>/autosave/", views.application_autosave, name="autosave"),
    path("applications/<int:pk>/submit/", views.application_submit, name="submit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path(
        "applications/<int:pk>/clarifications/answer/",
        views_clarifications.clarification_answer_view,
        name="clarification_answer",
    ),
    path(
        "staff/applications/<int:pk>/clarifications/ask/",
        views_clarifications.clarification_ask_view,
        name="staff_clarification_ask",
    ),
    path("applications/<int:pk>/answers/<slug:key>/file/", views_answers.question_file, name="question_file"),
    path("applications/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/download/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("staff/calls/<int:pk>/applications/", views_staff.call_applications, name="staff_call_applications"),
    path("staff/calls/<int:pk>/screen/", views_staff.call_screen, name="staff_call_screen"),
    path("staff/applications/<int:pk>/stage/", views_stages.stage_decide, name="staff_stage_decide"),
    path("staff/identity-log/", views_staff.identity_log, name="staff_identity_log"),
    path("staff/groups/<int:pk>/erase/", views_staff.group_erase, name="staff_group_erase"),
    path("groups/new/", views_groups.group_create, name="group_create"),
    path("groups/<int:pk>/", views_groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views_groups.group_edit, name="group_edit"),
    path("groups/<int:pk>/invite/", views_groups.group_invite, name="group_invite"),
    path("invitations/<str:token>/", views_groups.invitation_accept, name="invitation_accept"),
]
