import django_filters
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from regions.models import Region


class CallApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[c for c in Application.Status.choices if c[0] != Application.Status.DRAFT],
        empty_label=_("Any status"),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), empty_label=_("Any region")
    )

    class Meta:
        model = Application
        fields = ["status", "region"]
