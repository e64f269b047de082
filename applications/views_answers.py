"""A file question's own small form: upload (or replace, or remove) the file that answers it.
With htmx the question's box is swapped in place, errors on it; without, back to the draft."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from grants.call_forms import in_language

from . import services_answers
from .question_files import box_context, file_question
from .views_applications import _member_application_to_save


@member_required
@require_POST
def question_file(request, pk, key):
    application = _member_application_to_save(request, pk)
    question = file_question(application.competition.form_definition, key)
    if question is None:
        raise Http404
    errors = []
    try:
        if request.POST.get("remove"):
            services_answers.answer_file_remove(application=application, key=key, by=request.user)
        elif "file" not in request.FILES:
            errors.append(_("Choose a file first."))
        else:
            services_answers.answer_file_set(
                application=application, key=key, uploaded_file=request.FILES["file"], by=request.user
            )
    except ValidationError as error:
        errors += error.messages
    if request.headers.get("HX-Request"):
        application.refresh_from_db(fields=["form_answers"])
        context = box_context(application, question, (application.form_answers or {}).get(key), errors)
        return render(request, "applications/_file_question.html", context)  # htmx swaps 200s only
    for error in errors:
        messages.error(request, f"{in_language(question['label'])}: {error}")
    if not errors:
        messages.success(request, _("The file is saved with your answers."))
    return redirect("applications:edit", pk=pk)
