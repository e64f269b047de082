from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import users_with_role
from config.limits import LONG_TEXT_MAX, LimitedForm

from .models import CheckIn

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MentorForm(LimitedForm):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = users_with_role(settings.ROLE_MENTOR).order_by("full_name", "email")


class ProjectDatesForm(LimitedForm):
    planned_start = forms.DateField(label=_("Project start"), widget=DATE)
    planned_end = forms.DateField(label=_("Project end"), widget=DATE)


class CheckInForm(forms.ModelForm):
    class Meta:
        model = CheckIn
        fields = ["held_on", "format", "progress", "notes", "actions"]
        widgets = {
            "held_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "actions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("held_on", "format", "progress"):
            self.fields[name].required = True

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on and held_on > timezone.localdate():
            raise forms.ValidationError(_("A check-in cannot have been held in the future."))
        return held_on


class ReportForm(LimitedForm):
    """Narrative, results, one figure per indicator and the spending per budget line."""

    narrative = forms.CharField(
        label=_("What happened"), required=False, max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    results = forms.CharField(
        label=_("Results against what was promised"),
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, indicators, budget_lines, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators, self.budget_lines = list(indicators), list(budget_lines)
        for indicator in self.indicators:
            self.fields[f"indicator_{indicator.pk}"] = forms.IntegerField(
                label=indicator.name, min_value=0, required=False
            )
        for line in self.budget_lines:
            self.fields[f"spent_{line.pk}"] = forms.DecimalField(
                label=_("Spent on “%(line)s” (planned %(planned)s %(currency)s)")
                % {"line": line.description, "planned": line.total, "currency": currency},
                max_digits=14,
                decimal_places=2,
                required=False,
                validators=[MinValueValidator(Decimal("0"))],
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            )

    def indicator_fields(self):
        return [self[f"indicator_{i.pk}"] for i in self.indicators]

    def spending_fields(self):
        return [self[f"spent_{line.pk}"] for line in self.budget_lines]

    def draft(self):
        return {
            "narrative": self.cleaned_data["narrative"],
            "results": self.cleaned_data["results"],
            "indicators": {i.pk: self.cleaned_data.get(f"indicator_{i.pk}") for i in self.indicators},
            "spending": {line.pk: self.cleaned_data.get(f"spent_{line.pk}") for line in self.budget_lines},
        }

    @staticmethod
    def initial_from(report):
        initial = {"narrative": report.narrative, "results": report.results}
        initial.update({f"indicator_{v.indicator_id}": v.value for v in report.indicator_values.all()})
        initial.update({f"spent_{s.budget_line_id}": s.spent for s in report.spending.all()})
        return initial


class StaffReportForm(LimitedForm):
    comment = forms.CharField(
        label=_("Comment for the group"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GoodPracticeForm(LimitedForm):
    summary = forms.CharField(
        label=_("Public summary (no names)"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
