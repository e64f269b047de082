"""The staff's portfolio across calls: funded projects, tranches, reports due and check-ins overdue,
filtered by programme, call, region, status, mentor and a search, a page at a time in SQL.

Every list is of rows that hang off an application, so one filter (``application_filter``) serves
all four with a path prefix. The search looks in group names only where the user may see them: a
confidential call's group is found by its code name, never by its real name, unless the user holds
the identity permission (otherwise a search would confirm a name the page then hides).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.rules import is_programme_staff
from applications.identity import IDENTITY_PERMISSION
from applications.models import Application
from applications.selectors import LONG_FIELDS
from config.limits import LimitedForm
from grants.models import Competition, Programme
from regions.models import Region

from .models import CheckIn, PaymentTranche, Report
from .selectors import COMMITTED_STATUSES

LISTS = {
    "projects": _("Funded projects"),
    "tranches": _("Tranches"),
    "reports": _("Reports due"),
    "checkins": _("Check-ins overdue"),
}


class PortfolioFilterForm(LimitedForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none(), required=False)
    call = forms.ModelChoiceField(label=_("Call"), queryset=Competition.objects.none(), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=get_user_model().objects.none(), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("name")
        self.fields["call"].queryset = Competition.objects.order_by("-closes_at")
        self.fields["region"].queryset = Region.objects.order_by("country", "name")
        self.fields["mentor"].queryset = (
            get_user_model().objects.filter(mentored_applications__isnull=False).distinct().order_by("email")
        )
        statuses = [(s.value, s.label) for s in Application.Status if s.value in COMMITTED_STATUSES]
        self.fields["status"].choices = [("", "---------"), *statuses]


def application_filter(filters: dict, user, prefix: str = "") -> Q:
    """A ``Q`` on applications (``prefix`` ``"application__"`` for rows that hang off one)."""
    q = Q(**{f"{prefix}status__in": COMMITTED_STATUSES})
    for name, path in (("programme", "competition__programme"), ("call", "competition"), ("region", "region")):
        if filters.get(name):
            q &= Q(**{f"{prefix}{path}": filters[name]})
    if filters.get("status"):
        q &= Q(**{f"{prefix}status": filters["status"]})
    if filters.get("mentor"):
        q &= Q(**{f"{prefix}mentor": filters["mentor"]})
    text = (filters.get("q") or "").strip()
    if text:
        names_visible = is_programme_staff(user) and user.has_perm(IDENTITY_PERMISSION)
        by_name = Q(**{f"{prefix}group__name__icontains": text})
        if not names_visible:
            by_name &= Q(**{f"{prefix}competition__confidential": False})
        q &= (
            Q(**{f"{prefix}reference__icontains": text})
            | Q(**{f"{prefix}title__icontains": text})
            | Q(**{f"{prefix}group__code_name__iexact": text})
            | by_name
        )
    return q


def funded_projects(filters, user):
    """The funded projects, latest decided first, each with what was paid. The sum is a subquery,
    not a join grouped by application: PostgreSQL then sorts and cuts the page before it sums,
    instead of summing every funded project of the programme for a page of 25."""
    paid = Subquery(
        PaymentTranche.objects.filter(application=OuterRef("pk"), paid_on__isnull=False)
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        Application.objects.filter(application_filter(filters, user))
        .select_related("competition", "group", "region", "mentor")
        .defer(*LONG_FIELDS)
        .annotate(paid=paid)
        .order_by("-decided_at", "-pk")
    )


def tranches(filters, user):
    return (
        PaymentTranche.objects.filter(application_filter(filters, user, "application__"))
        .select_related("application__competition", "application__group")
        .order_by("paid_on", "due_on", "pk")
    )


def reports_due(filters, user):
    waiting = (Report.Status.DRAFT, Report.Status.CHANGES_REQUESTED, Report.Status.SUBMITTED)
    return (
        Report.objects.filter(application_filter(filters, user, "application__"), status__in=waiting)
        .select_related("application__competition", "application__group")
        .order_by("due_on", "pk")
    )


def checkins_overdue(filters, user):
    return (
        CheckIn.objects.filter(
            application_filter(filters, user, "application__"),
            status=CheckIn.Status.OPEN,
            due_on__lt=timezone.localdate(),
        )
        .select_related("application__competition", "application__group", "application__mentor")
        .order_by("due_on", "pk")
    )


SELECTORS = {"projects": funded_projects, "tranches": tranches, "reports": reports_due, "checkins": checkins_overdue}


def application_of(row):
    return row if isinstance(row, Application) else row.application
