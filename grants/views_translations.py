"""The staff's page of a call's translations: what is missing in which language, and a form for
one language at a time."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.decorators import staff_required

from .forms_translations import CallTranslationForm
from .models import Competition
from .services_translations import call_texts, call_translations_save
from .translations import missing_by_language, other_languages


@staff_required
def call_translations(request, pk):
    call = get_object_or_404(Competition, pk=pk)
    languages = other_languages(call)
    rows = call_texts(call)
    missing = missing_by_language(call, rows)
    codes = [code for code, _name in languages]
    language = request.GET.get("language")
    if language not in codes:
        language = next((code for code in codes if code in missing), codes[0] if codes else None)
    form = None
    if language:
        form = CallTranslationForm(request.POST or None, rows=rows, language=language)
        if request.method == "POST" and form.is_valid():
            changed = call_translations_save(
                competition=call, language=language, texts=form.cleaned_data, by=request.user
            )
            names = dict(settings.LANGUAGES)
            if changed:
                messages.success(request, _("The texts in %(language)s are saved.") % {"language": names[language]})
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(f"{reverse('grants:staff_call_translations', kwargs={'pk': call.pk})}?language={language}")
    table = [
        {
            "label": row["label"],
            "present": [bool((row["obj"].translations or {}).get(row["field"], {}).get(code)) for code in codes],
        }
        for row in rows
    ]
    return render(
        request,
        "grants/staff/call_translations.html",
        {
            "call": call,
            "other_languages": [(code, name, missing.get(code, 0)) for code, name in languages],
            "language": language,
            "language_name": dict(settings.LANGUAGES).get(language, ""),
            "main_language_name": dict(settings.ALL_LANGUAGES).get(call.main_language, call.main_language),
            "table": table,
            "form": form,
        },
    )
