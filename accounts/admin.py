from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("full_name", "language", "time_zone", "home_region")}),
    )
    list_display = ("email", "full_name", "is_staff", "is_active")
    search_fields = ("email", "full_name")
