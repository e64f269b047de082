from django.urls import path

from . import views_reviewer, views_staff

app_name = "reviews"

urlpatterns = [
    path("review/", views_reviewer.queue, name="queue"),
    path("review/calls/<int:pk>/conflicts/", views_reviewer.declare_conflicts, name="conflicts"),
    path("review/<int:pk>/", views_reviewer.review, name="review"),
    path("review/<int:pk>/conflict/", views_reviewer.declare_assignment_conflict, name="assignment_conflict"),
    path("review/<int:pk>/attachments/<int:attachment_pk>/", views_reviewer.attachment_download, name="attachment"),
    path("staff/calls/<int:pk>/reviewers/", views_staff.reviewers, name="staff_reviewers"),
    path("staff/calls/<int:pk>/reviewers/add/", views_staff.pool_add, name="staff_pool_add"),
    path("staff/calls/<int:pk>/reviewers/<int:user_pk>/remove/", views_staff.pool_remove, name="staff_pool_remove"),
    path("staff/calls/<int:pk>/assign/auto/", views_staff.assign_auto, name="staff_assign_auto"),
    path("staff/calls/<int:pk>/assign/", views_staff.assign_manual, name="staff_assign_manual"),
    path("staff/assignments/<int:pk>/remove/", views_staff.assignment_remove, name="staff_assignment_remove"),
    path("staff/applications/<int:pk>/complete-review/", views_staff.complete_review, name="staff_complete_review"),
]
