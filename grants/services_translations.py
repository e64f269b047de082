"""Saving a call's translations (the rule that reads them is ``grants.translations``). Apart from
``services.py`` only to keep modules small."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.rules import require_staff
from audit.services import audit_record

from .models import Competition
from .translations import other_languages, texts_of


def call_texts(call) -> list[dict]:
    """The call's texts to translate, from three queries whatever their number."""
    return texts_of(call, call.criteria.all(), call.eligibility_questions.all())


@transaction.atomic
def call_translations_save(*, competition, language: str, texts: dict, by) -> list[str]:
    """Store the call's texts in ``language`` (``texts``: the row's key → text; an empty text
    removes the translation, so readers see the main language again). Returns the labels of the
    texts that changed, written to the call's change log in the same transaction."""
    require_staff(by)
    call = Competition.objects.select_for_update().get(pk=competition.pk)
    if language not in dict(other_languages(call)):
        raise ValidationError(_("The call cannot be translated into this language."))
    changed_objects, changed_labels = {}, []
    for row in call_texts(call):
        if row["key"] not in texts:
            continue
        obj, field, text = row["obj"], row["field"], (texts[row["key"]] or "").strip()
        current = obj.translations or {}
        if current.get(field, {}).get(language, "") == text:
            continue
        by_language = {code: value for code, value in current.get(field, {}).items() if code != language}
        if text:
            by_language[language] = text
        obj.translations = {**current, field: by_language}
        changed_objects[(type(obj), obj.pk)] = obj
        changed_labels.append(str(row["label"]))
    for obj in changed_objects.values():
        obj.save(update_fields=["translations"])
    if changed_labels:
        audit_record(
            by=by,
            action="call.translated",
            message=_("Translation into %(language)s changed: %(texts)s")
            % {"language": dict(settings.LANGUAGES)[language], "texts": ", ".join(changed_labels)},
            call_id=call.pk,
            label=call.title,
            data={"language": language, "texts": changed_labels},
        )
    return changed_labels
