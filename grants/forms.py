from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from config.limits import LimitedForm

from .models import TIME_ZONES, Competition, EligibilityQuestion, Indicator, RubricCriterion

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_WIDGET = forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"})


# The zones of the region we work in first; every other real place after them. Names without a
# "Region/City" form ("Factory", "EST5EDT", "Etc/GMT+3") are left out: nobody picks them on purpose.
REGION_ZONES = [
    "Europe/Warsaw", "Europe/Kyiv", "Europe/Minsk", "Europe/Vilnius", "Europe/Riga", "Europe/Tallinn",
    "Europe/Chisinau", "Europe/Bucharest", "Europe/Budapest", "Europe/Bratislava", "Europe/Prague",
    "Europe/Berlin", "Europe/Brussels", "Europe/London", "Asia/Tbilisi", "Asia/Yerevan", "Asia/Baku", "UTC",
]  # fmt: skip
OTHER_ZONES = [
    z for z in TIME_ZONES if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/")) and z not in REGION_ZONES
]
TIME_ZONE_CHOICES = [
    (_("Our region"), [(z, z.replace("_", " ")) for z in REGION_ZONES]),
    (_("All time zones"), [(z, z.replace("_", " ")) for z in OTHER_ZONES]),
]

# The call form's sections: (legend, fields).
CALL_SECTIONS = [
    (_("The call"), ["programme", "phase", "kind", "title", "slug", "description", "rules", "is_published",
                     "confidential"]),
    (_("Languages"), ["main_language", "email_note"]),
    (_("Money"), ["currency", "budget_pool", "min_grant", "max_grant", "award_confirmation_threshold"]),
    (_("Dates"), ["time_zone", "opens_at", "closes_at", "full_closes_at", "project_start_earliest",
                  "project_end_latest"]),
    (_("Emergency calls"), ["decision_days", "group_year_cap"]),
    (_("Who may apply"), ["eligible_regions", "informal_groups_allowed", "max_applications_per_group"]),
    (_("The application form"), ["budget_section", "attachments_section"]),
    (_("Review"), ["reviewers_per_application", "blind_review", "review_deadline", "disagreement_threshold"]),
    (
        _("Funded projects"),
        ["checkin_interval_weeks", "interim_report_due", "final_report_days", "alert_after_days",
         "letter_signatory", "contact_person"],
    ),
]  # fmt: skip


class CompetitionForm(forms.ModelForm):
    """A call, in sections. Opening and closing times are entered in the call's own time zone;
    the address is made from the title when left empty."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)

    class Meta:
        model = Competition
        fields = [
            "programme",
            "phase",
            "title",
            "slug",
            "description",
            "rules",
            "is_published",
            "currency",
            "budget_pool",
            "min_grant",
            "max_grant",
            "budget_section",
            "attachments_section",
            "time_zone",
            "opens_at",
            "closes_at",
            "full_closes_at",
            "project_start_earliest",
            "project_end_latest",
            "eligible_regions",
            "informal_groups_allowed",
            "max_applications_per_group",
            "reviewers_per_application",
            "blind_review",
            "review_deadline",
            "disagreement_threshold",
            "checkin_interval_weeks",
            "award_confirmation_threshold",
            "letter_signatory",
            "contact_person",
            "interim_report_due",
            "final_report_days",
            "alert_after_days",
            "confidential",
            "kind",
            "main_language",
            "email_note",
            "decision_days",
            "group_year_cap",
        ]
        widgets = {
            "email_note": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "rules": forms.Textarea(attrs={"rows": 4}),
            "opens_at": DATETIME_WIDGET,
            "closes_at": DATETIME_WIDGET,
            "full_closes_at": DATETIME_WIDGET,
            "review_deadline": DATETIME_WIDGET,
            "interim_report_due": DATE_WIDGET,
            "award_confirmation_threshold": MONEY_WIDGET,
            "project_start_earliest": DATE_WIDGET,
            "project_end_latest": DATE_WIDGET,
            "budget_pool": MONEY_WIDGET,
            "min_grant": MONEY_WIDGET,
            "max_grant": MONEY_WIDGET,
            "group_year_cap": MONEY_WIDGET,
            "eligible_regions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at", "full_closes_at", "review_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        phase = self.fields["phase"]
        phase.queryset = phase.queryset.select_related("programme")
        phase.label_from_instance = lambda item: f"{item.programme} · {item.name}"
        slug = self.fields["slug"]
        slug.label = _("Name in the web address")
        slug.help_text = _(
            "Made from the title if you leave it empty: letters, digits and hyphens, e.g. backyard-2027."
        )
        slug.required = False
        slug.widget.attrs["data-slug-from"] = "id_title"
        language = self.fields["main_language"]
        language.choices, language.required = settings.LANGUAGES, False
        self.fields["decision_days"].required = False
        if not self.instance.pk:
            self.fields["confidential"].help_text = _(
                "Never name the grantees in public pages or exports for outsiders. "
                "An emergency call is always created confidential."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*(Fieldset(legend, *fields) for legend, fields in CALL_SECTIONS))

    def clean_decision_days(self):
        """Only emergency calls use it: left empty, it keeps its default."""
        value = self.cleaned_data.get("decision_days")
        return value or self.instance.decision_days or Competition._meta.get_field("decision_days").default

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:80]
        if not slug:
            raise forms.ValidationError(_("Give the call a title or a name for its web address."))
        if Competition.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another call already uses this address; choose another."))
        return slug

    def clean_main_language(self):
        """Left out (an older form, a script): the call keeps its language, a new one the site's."""
        return self.cleaned_data.get("main_language") or self.instance.main_language or settings.LANGUAGE_CODE

    def clean(self):
        cleaned = super().clean()
        low, high, pool = cleaned.get("min_grant"), cleaned.get("max_grant"), cleaned.get("budget_pool")
        if low is not None and high is not None and low > high:
            self.add_error("max_grant", _("The maximum grant must not be below the minimum."))
        if high is not None and pool is not None and high > pool:
            self.add_error("max_grant", _("The maximum grant must not exceed the budget pool."))
        opens, closes, kind = cleaned.get("opens_at"), cleaned.get("closes_at"), cleaned.get("kind")
        if kind and not closes and Competition(kind=kind).needs_deadline and "closes_at" not in self.errors:
            self.add_error(
                "closes_at", _("A call of this kind needs a deadline; only rolling and emergency calls may stay open.")
            )
        if kind == Competition.Kind.EMERGENCY and not self.instance.pk:
            cleaned["confidential"] = True  # confidential by default: its groups face a crisis
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The deadline must come after the opening."))
        self._check_full_deadline(cleaned)
        start, end = cleaned.get("project_start_earliest"), cleaned.get("project_end_latest")
        if start and end and end < start:
            self.add_error("project_end_latest", _("The project period must end after it starts."))
        return cleaned

    def clean_kind(self):
        """The kind shapes the applications' states: it stays once one has been submitted."""
        kind = self.cleaned_data.get("kind")
        if self.instance.pk and kind != self.instance.kind and self.instance.has_submissions():
            raise forms.ValidationError(
                _("Applications have been submitted to this call: its kind can no longer change.")
            )
        return kind

    def _check_full_deadline(self, cleaned):
        """A two-stage call needs the full proposals' deadline, after the concept notes'; other
        kinds of call have none."""
        kind, closes, full = cleaned.get("kind"), cleaned.get("closes_at"), cleaned.get("full_closes_at")
        if kind != Competition.Kind.TWO_STAGE:
            cleaned["full_closes_at"] = None
        elif full is None:
            self.add_error("full_closes_at", _("A two-stage call needs the deadline of its full proposals."))
        elif closes and full <= closes:
            self.add_error(
                "full_closes_at", _("Full proposals must be due after the concept notes' deadline (closes at).")
            )


class RowsFormSet(BaseInlineFormSet):
    """An inline formset that hands its rows to a service as data, not as forms."""

    def rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            if not form.cleaned_data or (form.instance.pk is None and not form.has_changed()):
                continue
            fields = {k: v for k, v in form.cleaned_data.items() if k not in ("id", "DELETE", self.fk.name)}
            rows.append({"id": form.instance.pk, "DELETE": self._should_delete_form(form), **fields})
        return rows


CriterionFormSet = inlineformset_factory(
    Competition,
    RubricCriterion,
    formset=RowsFormSet,
    fields=["name", "description", "weight", "max_score", "position"],
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
    extra=1,
    can_delete=True,
)


class IndicatorFormSet(
    inlineformset_factory(
        Competition,
        Indicator,
        formset=RowsFormSet,
        fields=["name", "programme_indicator", "position"],
        extra=1,
        can_delete=True,
    )
):
    """The call's indicators; each may add to one of its programme's indicators (the call chooses
    which of them apply)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields["programme_indicator"]
        programme_id = self.instance.programme_id if self.instance.pk else None
        field.queryset = field.queryset.filter(programme_id=programme_id) if programme_id else field.queryset.none()


EligibilityQuestionFormSet = inlineformset_factory(
    Competition,
    EligibilityQuestion,
    formset=RowsFormSet,
    fields=["text", "kind", "options", "qualifying", "yes_qualifies", "refusal", "position"],
    widgets={"options": forms.Textarea(attrs={"rows": 3}), "qualifying": forms.Textarea(attrs={"rows": 2})},
    extra=1,
    can_delete=True,
)


class CutoffForm(LimitedForm):
    at = forms.DateTimeField(
        label=_("New cut-off"),
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("In the call's time zone. Requests submitted until then form its round."),
    )
