"""Services for the answers that are files: set (or replace) and remove a file question's answer
of a draft. Apart from ``services.py`` only to keep modules small."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .attachments import attachment_create
from .models import Attachment
from .question_files import file_question, validate_answer_file
from .services import _lock_draft, attachment_files_delete


def _question(locked, key):
    question = file_question(locked.competition.form_definition, key)
    if question is None:
        raise ValidationError(_("This call no longer asks for this file."), code="no_question")
    return question


def _drop_previous(locked, key):
    for old in Attachment.objects.filter(application=locked, purpose=Attachment.Purpose.ANSWER, question=key):
        attachment_files_delete(old)
        old.delete()


@transaction.atomic
def answer_file_set(*, application, key: str, uploaded_file, by) -> Attachment:
    """Check the file against the question (its types and size) and keep it as the answer, in
    place of an earlier one. ``ValidationError`` in the applicant's words; nothing changes then."""
    locked = _lock_draft(application, by)
    question = _question(locked, key)
    validate_answer_file(question, uploaded_file)
    _drop_previous(locked, key)
    attachment = attachment_create(
        application=locked, uploaded_file=uploaded_file, by=by, purpose=Attachment.Purpose.ANSWER
    )
    attachment.question = key
    attachment.save(update_fields=["question"])
    answer = {"attachment": attachment.pk, "name": attachment.original_name, "size": attachment.size}
    locked.form_answers = {**(locked.form_answers or {}), key: answer}
    locked.form_version = locked.competition.form_version
    locked.save(update_fields=["form_answers", "form_version", "updated_at"])
    return attachment


@transaction.atomic
def answer_file_remove(*, application, key: str, by) -> None:
    locked = _lock_draft(application, by)
    _question(locked, key)
    _drop_previous(locked, key)
    answers = dict(locked.form_answers or {})
    answers.pop(key, None)
    locked.form_answers = answers
    locked.save(update_fields=["form_answers", "updated_at"])
