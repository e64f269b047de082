"""A file question's answer: a private attachment (purpose "answer", the question's key), checked
against the question's own types and size limit as well as the attachments' rules, with the same
metadata-free copy for reviewers. The answer in ``form_answers`` is ``{"attachment", "name",
"size"}``; uploading again replaces the file.

The file is sent by a small form of its own (not the autosaved one, which would send it again with
every keystroke); its input sits among the questions with the HTML ``form`` attribute."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.call_forms import in_language, questions_of

KEEP = object()  # what the autosaved form "posts" for a file question: the saved answer stays


def accepted_extensions(question) -> list[str]:
    extensions = []
    for kind in question.get("file_types") or []:
        extensions += [".jpg", ".jpeg"] if kind == "jpg" else [f".{kind}"]
    return extensions


def validate_answer_file(question, uploaded_file) -> str:
    """The detected content type, or ``ValidationError`` in the applicant's words."""
    from .attachments import ALLOWED_ATTACHMENT_TYPES, validate_attachment  # it reads models, which read us

    limit = question.get("max_mb") or 10
    if uploaded_file.size > limit * 1024 * 1024:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(uploaded_file.size / 1024 / 1024, 1), "limit": limit},
            code="too_large",
        )
    mime = validate_attachment(uploaded_file)
    if not set(ALLOWED_ATTACHMENT_TYPES[mime]) & set(accepted_extensions(question)):
        raise ValidationError(
            _("This question accepts only these types of file: %(types)s.")
            % {"types": ", ".join(t.upper() for t in question.get("file_types") or [])},
            code="bad_type",
        )
    return mime


def file_question(definition, key) -> dict | None:
    return next((q for q in questions_of(definition) if q["key"] == key and q["type"] == "file"), None)


def box_context(application, question, answer, errors=()) -> dict:
    key = question["key"]
    return {
        "name": "q_" + key,
        "key": key,
        "answer": answer if isinstance(answer, dict) else None,
        "form_id": f"qfile-{key}",
        "box_id": f"qfile-box-{key}",
        "upload_url": reverse("applications:question_file", kwargs={"pk": application.pk, "key": key}),
        "accept": ",".join(accepted_extensions(question)),
        "types": ", ".join(t.upper() for t in question.get("file_types") or []),
        "max_mb": question.get("max_mb"),
        "errors": list(errors),
        "label": in_language(question["label"]),
    }


def invalid_attrs(attrs) -> bool:
    """Has the field an error? Django marks its widget's attributes so (``aria-invalid``); the box
    then carries ``is-invalid``, which shows the error that crispy writes beside it."""
    attrs = attrs or {}
    return attrs.get("aria-invalid") in ("true", True) or "is-invalid" in str(attrs.get("class", ""))


class FileAnswerWidget(forms.Widget):
    """The saved file (a link), a file input and an "upload" button that belong to the question's
    own small form."""

    def __init__(self, application, question, attrs=None):
        super().__init__(attrs)
        self.application, self.question = application, question

    def value_from_datadict(self, data, files, name):
        return KEEP

    def value_omitted_from_data(self, data, files, name):
        return False

    def id_for_label(self, id_):
        return id_

    def render(self, name, value, attrs=None, renderer=None):
        context = box_context(self.application, self.question, value)
        context["invalid"] = invalid_attrs(attrs)  # shows the error crispy writes beside it
        return render_to_string("applications/_file_question.html", context)


class FileAnswerField(forms.Field):
    def __init__(self, application, question, **kwargs):
        super().__init__(widget=FileAnswerWidget(application, question), **kwargs)
        self.widget_url = reverse("applications:question_file", kwargs={"pk": application.pk, "key": question["key"]})

    def bound_data(self, data, initial):
        return initial  # a page shown again with errors still shows the saved file

    def clean(self, value):
        return KEEP
