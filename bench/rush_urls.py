"""bench/rush.py's URLconf: the project's routes, plus the baseline, a bare view that does one
INSERT on the same stack (every middleware, the same connection settings): what the server does
with no work of ours; and two floors, what any autosave must do at the least (bench/rush_profile.py
times them): a signed-in request that does nothing, and one that locks the member's draft and
writes one column."""

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from applications.models import Application, GroupMembership


@csrf_exempt
def bare_insert(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ping DEFAULT VALUES")
    return HttpResponse("ok")


def signed_in(request):
    """The floor of every request of an applicant: the session, the user and the CSRF check."""
    if not request.user.is_authenticated:
        raise Http404
    return HttpResponse(status=204)


def locked_write(request, pk):
    """The floor of an autosave that checks who writes: lock the draft with the membership asked in
    the same query, write one column, commit. No form, no answers, no partial."""
    if not request.user.is_authenticated:
        raise Http404
    member = GroupMembership.objects.filter(group_id=OuterRef("group_id"), user_id=request.user.pk)
    with transaction.atomic():
        row = (
            Application.objects.select_for_update(of=("self",))
            .filter(pk=pk, status=Application.Status.DRAFT)
            .values_list(Exists(member), flat=True)
            .first()
        )
        if not row:
            raise Http404
        Application.objects.filter(pk=pk).update(updated_at=timezone.now())
    return HttpResponse(status=204)


urlpatterns = [
    path("bench/insert/", bare_insert),
    path("bench/signed-in/", signed_in),
    path("bench/locked-write/<int:pk>/", locked_write),
    path("", include("wiring.urls")),
]
