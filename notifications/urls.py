from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("staff/outbox/failed/", views.failed_list, name="failed"),
    path("staff/outbox/<int:pk>/resend/", views.resend, name="resend"),
]
