from django.urls import path

from . import views_public, views_staff

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
]
