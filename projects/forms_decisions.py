from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from config.limits import LONG_TEXT_MAX, LimitedForm

MONEY = forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"})


class AwardForm(LimitedForm):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        widget=MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    conditions = forms.CharField(
        label=_("Conditions for the grantee (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WaitlistForm(LimitedForm):
    comment = forms.CharField(
        label=_("Internal note for staff (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(LimitedForm):
    feedback = forms.CharField(
        label=_("Feedback for the applicant"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    share_reviewer_comments = forms.BooleanField(
        label=_("Also share the reviewers' comments (never their names or scores)"), required=False
    )


class ReduceForm(LimitedForm):
    amount = forms.DecimalField(label=_("New amount"), max_digits=14, decimal_places=2, widget=MONEY)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(LimitedForm):
    comment = forms.CharField(
        label=_("How did the grantee decline? (the group sees this)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class TrancheForm(LimitedForm):
    label = forms.CharField(label=_("When"), max_length=200)
    due_on = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        widget=MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
    )


TrancheFormSet = formset_factory(TrancheForm, extra=0, min_num=1, validate_min=True, can_delete=True)


class PaidForm(LimitedForm):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))


BULK_ACTIONS = [("award", _("Award the requested amounts")), ("waitlist", _("Waitlist")), ("reject", _("Reject"))]


class BulkDecisionForm(LimitedForm):
    action = forms.ChoiceField(
        label=_("Decision"), choices=BULK_ACTIONS, widget=forms.Select(attrs={"class": "form-select"})
    )
    feedback = forms.CharField(
        label=_("Feedback for rejected applicants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1, "class": "form-control"}),
    )
    share_reviewer_comments = forms.BooleanField(label=_("Share the reviewers' comments"), required=False)
    applications = forms.TypedMultipleChoiceField(label=_("Applications"), coerce=int, choices=())

    def __init__(self, *args, application_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(pk, pk) for pk in application_ids]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reject" and not (cleaned.get("feedback") or "").strip():
            self.add_error("feedback", _("Write the feedback the rejected applicants will read."))
        return cleaned
