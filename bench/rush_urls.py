"""bench/rush.py's URLconf: the project's routes, plus the baseline, a bare view that does one
INSERT on the same stack (every middleware, the same connection settings): what the server does
with no work of ours."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare_insert(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ping DEFAULT VALUES")
    return HttpResponse("ok")


urlpatterns = [path("bench/insert/", bare_insert), path("", include("wiring.urls"))]
