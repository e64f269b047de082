from django.contrib import admin
from django_fsm_log.admin import StateLogInline

from .models import ApplicantGroup, Application, Attachment, BudgetLine, GroupInvitation, GroupMembership


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(ApplicantGroup)
class ApplicantGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "contact_email")
    list_filter = ("kind", "region__country")
    search_fields = ("name", "contact_email")
    inlines = [GroupMembershipInline]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read mostly: the status changes only through the services (staff pages), never here."""

    list_display = ("reference", "title", "competition", "group", "status", "requested_amount", "submitted_at")
    list_filter = ("status", "competition")
    search_fields = ("reference", "title", "group__name")
    readonly_fields = ("status", "reference", "submitted_at", "submitted_snapshot", "awarded_amount")
    inlines = [BudgetLineInline, AttachmentInline, StateLogInline]


@admin.register(GroupInvitation)
class GroupInvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "group", "created_at", "accepted_at")
