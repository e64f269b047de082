from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import users_with_role
from applications.models import ApplicantGroup, Application
from config.limits import LONG_TEXT_MAX, LimitedForm
from grants.translations import translated
from regions.models import Region

from .models import Review


class ConflictDeclarationForm(LimitedForm):
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups I am close to (member, relative, friend, paid or unpaid work)"),
        help_text=_("Search for each group by name above, then tick it here."),
        queryset=ApplicantGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions whose applications I should not review"),
        queryset=Region.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    home_region = forms.ModelChoiceField(
        label=_("My home region"),
        queryset=Region.objects.all(),
        required=False,
        help_text=_("Staff may keep reviewers away from applications of their own region."),
    )
    reason = forms.CharField(
        label=_("Anything staff should know (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label=_("I have declared every conflict of interest I know of, and will declare any I discover."),
        required=True,
    )

    SHOWN_GROUPS = 30

    def __init__(self, *args, competition, search="", **kwargs):
        """Only the groups found by ``search`` (and those already ticked) are offered: a call can
        hold thousands of groups, too many to list."""
        super().__init__(*args, **kwargs)
        if competition.hides_groups_from_reviewers:
            # A list (or a search) of the applying groups would name them: conflicts are declared
            # per application on the review page instead (applications/identity.py).
            self.fields["groups"].widget = forms.MultipleHiddenInput()
            self.fields["groups"].help_text = ""
            return
        candidates = ApplicantGroup.objects.filter(
            Exists(
                Application.objects.filter(group=OuterRef("pk"), competition=competition).exclude(
                    status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN]
                )
            )
        )
        posted = self.data.getlist("groups") if hasattr(self.data, "getlist") else self.data.get("groups", [])
        ticked = [value for value in posted if str(value).isdigit()] if self.is_bound else []
        found = candidates.none()
        if search:
            found = candidates.filter(name__icontains=search).order_by("name").values("pk")[: self.SHOWN_GROUPS]
        self.fields["groups"].queryset = candidates.filter(Q(pk__in=ticked) | Q(pk__in=found)).order_by("name")


class AssignmentConflictForm(LimitedForm):
    reason = forms.CharField(
        label=_("Why do you have a conflict of interest?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(LimitedForm):
    """One score and comment per rubric criterion, an overall comment and a recommendation."""

    overall_comment = forms.CharField(
        label=_("Overall comment"), required=False, max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        choices=[("", _("— choose —")), *Review.Recommendation.choices],
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        fields = {}
        for criterion in self.criteria:
            name = translated(criterion, "name")
            fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("Score for “%(name)s” (0–%(max)s)") % {"name": name, "max": criterion.max_score},
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                error_messages={
                    "min_value": _("Give a score from 0 to %(max)s.") % {"max": criterion.max_score},
                    "max_value": _("Give a score from 0 to %(max)s.") % {"max": criterion.max_score},
                },
                help_text=translated(criterion, "description"),
                widget=forms.NumberInput(attrs={"min": 0, "max": criterion.max_score, "step": 1}),
            )
            fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(name)s”") % {"name": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields = {**fields, **self.fields}

    def criterion_fields(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self):
        return {
            c.pk: {
                "score": self.cleaned_data.get(f"score_{c.pk}"),
                "comment": self.cleaned_data.get(f"comment_{c.pk}", ""),
            }
            for c in self.criteria
        }

    @staticmethod
    def initial_from(review):
        if review is None:
            return {}
        initial = {"overall_comment": review.overall_comment, "recommendation": review.recommendation}
        for row in review.scores.all():
            initial[f"score_{row.criterion_id}"] = row.score
            initial[f"comment_{row.criterion_id}"] = row.comment
        return initial


class PoolAddForm(LimitedForm):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = (
            users_with_role(settings.ROLE_REVIEWER)
            .exclude(review_pools__competition=competition)
            .order_by("full_name", "email")
        )


class ManualAssignForm(LimitedForm):
    """The application is named by its reference (typed, or found with the matrix's search):
    a call can hold 10,000 applications, too many for a select."""

    application = forms.CharField(
        label=_("Application reference"),
        max_length=40,
        help_text=_("Find it with the search below the forms, then type or paste its reference."),
    )
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.competition = competition
        self.fields["reviewer"].queryset = User.objects.filter(review_pools__competition=competition).order_by(
            "full_name", "email"
        )

    def clean_application(self):
        reference = self.cleaned_data["application"].strip()
        application = Application.objects.filter(
            competition=self.competition,
            reference__iexact=reference,
            status__in=[Application.Status.SUBMITTED, Application.Status.IN_REVIEW],
        ).first()
        if application is None:
            raise forms.ValidationError(_("No application of this call awaiting review has this reference."))
        return application


class AutoAssignForm(LimitedForm):
    avoid_same_region = forms.BooleanField(
        label=_("Never assign a reviewer from the applicant's region"), required=False
    )
