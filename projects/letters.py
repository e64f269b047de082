"""The award letter as a PDF, rendered from a template in the group's language (``pdf.py`` draws it)."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from applications.call_questions import answers_to_show, definition_answered
from applications.identity import may_see_real_identity

from .pdf import html_to_pdf


def award_letter_pdf(application, viewer) -> bytes:
    """``viewer``: who downloads it (a confidential call's group is named only for those who may)."""
    call = application.competition
    with translation.override(application.group.language), timezone.override(call.tzinfo):
        html = render_to_string(
            "projects/award_letter.html",
            {
                "application": application,
                "call": call,
                "programme": call.programme,
                "tranches": list(application.tranches.all()),
                "first_report": application.reports.order_by("due_on").first(),
                "today": timezone.localdate(),
                "identity_viewer": viewer,
                "letter_answers": answers_to_show(
                    definition_answered(application, call),
                    application.form_answers or {},
                    in_letter=True,
                    hide_identifying=not may_see_real_identity(viewer, application.group, call),
                ),
            },
        )
        title = translation.gettext("Award letter %(ref)s") % {"ref": application.reference}
    return html_to_pdf(html, title=title, author=call.programme.funder_name, margin=20, font_size=11)
