from django.contrib import admin

from .models import (
    Competition,
    Indicator,
    Programme,
    ProgrammeFunder,
    ProgrammeIndicator,
    ProgrammePhase,
    RubricCriterion,
)


class RubricCriterionInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0


class CallIndicatorInline(admin.TabularInline):
    """The call chooses which of its programme's indicators apply (``programme_indicator``)."""

    model = Indicator
    extra = 0


class FunderInline(admin.TabularInline):
    model = ProgrammeFunder
    extra = 0


class PhaseInline(admin.TabularInline):
    model = ProgrammePhase
    extra = 0


class ProgrammeIndicatorInline(admin.TabularInline):
    model = ProgrammeIndicator
    extra = 0


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "currency", "budget_pool", "opens_at", "closes_at", "is_published")
    list_filter = ("is_published", "programme", "currency")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("eligible_regions",)
    inlines = [RubricCriterionInline, CallIndicatorInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "funder_name", "currency", "total_budget", "starts_on", "ends_on")
    filter_horizontal = ("regions",)
    inlines = [FunderInline, PhaseInline, ProgrammeIndicatorInline]
