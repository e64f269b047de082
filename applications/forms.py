from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from config.limits import LimitedForm
from regions.models import Region

from .call_questions import PREFIX, add_question_fields
from .models import ApplicantGroup, Application, BudgetLine
from .submission import SHORT_FORM_SKIPS

MONEY_WIDGET = forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"})


class ApplicantGroupForm(forms.ModelForm):
    class Meta:
        model = ApplicantGroup
        fields = [
            "name",
            "kind",
            "region",
            "contact_email",
            "contact_phone",
            "registration_number",
            "description",
            "language",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES  # only the languages this NGO offers

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ApplicantGroup.Kind.ORGANISATION and not cleaned.get("registration_number"):
            self.add_error("registration_number", _("A registered organisation needs its registration number."))
        return cleaned


class InvitationForm(LimitedForm):
    email = forms.EmailField(label=_("E-mail of the person to invite"))


class RegionChoiceField(forms.ModelChoiceField):
    """A region choice that validates against regions already read (``known``), when the page has
    them, instead of asking the database again."""

    known: dict | None = None

    def to_python(self, value):
        if self.known is None or value in self.empty_values:
            return super().to_python(value)
        region = self.known.get(str(value))
        if region is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return region


class ApplicationForm(forms.ModelForm):
    """The applicant's part of an application. Everything is optional until submit."""

    class Meta:
        model = Application
        fields = [
            "title",
            "summary",
            "problem",
            "activities",
            "expected_results",
            "beneficiaries",
            "region",
            "planned_start",
            "planned_end",
            "requested_amount",
            "own_contribution",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "problem": forms.Textarea(attrs={"rows": 4}),
            "activities": forms.Textarea(attrs={"rows": 5}),
            "expected_results": forms.Textarea(attrs={"rows": 4}),
            "beneficiaries": forms.Textarea(attrs={"rows": 3}),
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "planned_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "requested_amount": MONEY_WIDGET,
            "own_contribution": MONEY_WIDGET,
        }
        field_classes = {"region": RegionChoiceField}

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        eligible = competition.eligible_regions.all()
        self.fields["region"].queryset = eligible if eligible.exists() else Region.objects.all()
        if eligible._result_cache:  # prefetched by the submit page: validate against that list
            self.fields["region"].known = {str(region.pk): region for region in eligible}
        currency = competition.currency
        self.fields["requested_amount"].label = _("Requested amount (%(currency)s)") % {"currency": currency}
        self.fields["own_contribution"].label = _("Own contribution (%(currency)s)") % {"currency": currency}
        self.fields["own_contribution"].required = False
        if competition.emergency:
            for name in SHORT_FORM_SKIPS:
                del self.fields[name]
        add_question_fields(self, competition, self.instance.form_answers or {}, self.instance.stage)

    def question_fields(self):
        """The bound fields of the call's own questions, in the form's order."""
        return [self[name] for name in self.fields if name.startswith(PREFIX)]

    def question_file_forms(self) -> list[dict]:
        """The small forms of the file questions (their inputs sit among the questions)."""
        return [
            {"id": f"qfile-{name[len(PREFIX) :]}", "box": f"qfile-box-{name[len(PREFIX) :]}", "url": field.widget_url}
            for name, field in self.fields.items()
            if name.startswith(PREFIX) and hasattr(field, "widget_url")
        ]

    def _get_validation_exclusions(self):
        # The region field has just found the region among the call's: the model's own
        # foreign-key check would read it once more.
        return {*super()._get_validation_exclusions(), "region"}


class BudgetLineForm(LimitedForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The initial value is what the browser posts for an untouched row; without it every untouched
    # row "has changed" (its select posts the first choice) and fails validation.
    category = forms.ChoiceField(
        label=_("Category"), choices=BudgetLine.Category.choices, initial=BudgetLine.Category.OTHER
    )
    description = forms.CharField(label=_("Description"), max_length=300)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=10,
        decimal_places=2,
        initial=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )
    unit_cost = forms.DecimalField(
        label=_("Unit cost"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        widget=MONEY_WIDGET,
    )


class BaseBudgetFormSet(forms.BaseFormSet):
    def rows(self):
        """The lines that validated, as the service wants them; invalid rows are left out; none
        when the call has no budget table (the formset is then not bound)."""
        if not self.is_bound:
            return []
        rows = []
        for index, form in enumerate(self.forms):
            line_id = form.cleaned_data.get("id") if hasattr(form, "cleaned_data") else None
            if not form.has_changed() and not line_id:
                continue
            if self._should_delete_form(form):
                if line_id:
                    rows.append({"id": line_id, "DELETE": True, "index": index})
                continue
            if form.is_valid():
                rows.append({**form.cleaned_data, "DELETE": False, "index": index})
        return rows


BudgetFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseBudgetFormSet, extra=0, can_delete=True, max_num=100, validate_max=True
)


def budget_formset(data=None, application=None):
    initial = None
    if data is None and application is not None:
        initial = [
            {
                "id": line.pk,
                "category": line.category,
                "description": line.description,
                "quantity": line.quantity,
                "unit_cost": line.unit_cost,
            }
            for line in application.budget_lines.all()
        ]
    formset = BudgetFormSet(data=data, initial=initial, prefix="lines")
    if data is None and not initial:
        formset.extra = 1
    return formset


class AttachmentForm(LimitedForm):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, PNG, JPEG, DOCX, XLSX, ODT or ODS, up to %(limit)s MB.") % {
            "limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        }


class GroupEraseForm(LimitedForm):
    reason = forms.CharField(
        label=_("Who asked for the erasure, when and how"), widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label=_("I understand: the group's name, contacts, texts and files are erased for good.")
    )


class WithdrawForm(LimitedForm):
    comment = forms.CharField(
        label=_("Why are you withdrawing? (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StageDecisionForm(LimitedForm):
    """Staff's choice on a two-stage call's concept note."""

    DECISIONS = [("invite", _("Invite to the full proposal")), ("not_invite", _("Do not invite"))]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    feedback = forms.CharField(
        label=_("Note or feedback the group will read (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScreeningForm(LimitedForm):
    ACTIONS = [("eligible", _("Eligible: may be reviewed")), ("ineligible", _("Ineligible"))]
    action = forms.ChoiceField(
        label=_("Decision"), choices=ACTIONS, widget=forms.Select(attrs={"class": "form-select"})
    )
    reason = forms.CharField(
        label=_("Reason the applicant will read (for ineligible)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1, "class": "form-control"}),
    )
    applications = forms.ModelMultipleChoiceField(label=_("Applications"), queryset=Application.objects.none())

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = Application.objects.filter(
            competition=competition, status=Application.Status.SUBMITTED
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "ineligible" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Tell the applicant why the application is ineligible."))
        return cleaned
