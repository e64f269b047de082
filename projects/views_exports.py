"""A programme's exports (staff): ask for one, watch the list until it is ready, download it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.decorators import staff_required
from grants.models import Programme

from . import export_jobs
from .forms_exports import ExportForm
from .models_exports import ProgrammeExport

PAGE_SIZE = 25


@staff_required
def programme_exports(request, pk):
    """GET: the user's exports of the programme, newest first (the list alone for htmx's polling);
    POST: ask for one, then back to the list."""
    programme = get_object_or_404(Programme, pk=pk)
    form = ExportForm(programme, request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        export_jobs.export_request(programme=programme, by=request.user, **form.cleaned_data)
        messages.success(request, _("Your file is being prepared. It appears in the list below when it is ready."))
        return redirect("projects:staff_programme_exports", pk=programme.pk)
    page = Paginator(export_jobs.exports_of(programme, request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "page": page,
        "preparing": any(export.in_progress for export in page.object_list),
    }
    if request.htmx and request.method == "GET":
        return render(request, "projects/staff/_exports_list.html", context)
    return render(request, "projects/staff/exports.html", {**context, "form": form})


@staff_required
def programme_export_download(request, pk, export_pk):
    """The file, for the staff member who asked for it only, once it is ready."""
    export = get_object_or_404(
        ProgrammeExport, pk=export_pk, programme_id=pk, requested_by=request.user, status=ProgrammeExport.Status.READY
    )
    try:
        stored = export.file.open("rb")
    except (FileNotFoundError, ValueError) as gone:  # deleted by the sweep since the list was shown
        raise Http404 from gone
    response = FileResponse(stored, as_attachment=True, filename=export.filename, content_type=export.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
