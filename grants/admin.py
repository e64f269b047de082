from django.contrib import admin

from .models import Competition, Programme, RubricCriterion


class RubricCriterionInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "currency", "budget_pool", "opens_at", "closes_at", "is_published")
    list_filter = ("is_published", "programme", "currency")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("eligible_regions",)
    inlines = [RubricCriterionInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "funder_name")
