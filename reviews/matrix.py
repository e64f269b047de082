"""The cells of the staff's assignment matrix: a page of 50 applications × a pool of 30 reviewers
is 1,500 cells. Rendered here with ``format_html`` rather than by a template loop, which cost
about 20 µs a cell (30 ms a page, most of the page's time: bench/README.md, "Issue 12, second
pass"); the markup is the same.
"""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .conflicts import conflict_pairs
from .models import Review

EMPTY = mark_safe("<td></td>")
PLACEHOLDER = 2147483647  # reversed once, replaced by each assignment's id


def matrix_rows(call, pool, applications) -> list[dict]:
    """``[{"application", "count", "cells"}]``: one row per application, ``cells`` its HTML, one
    ``<td>`` per pool member in the pool's order."""
    conflicts = conflict_pairs(call, applications)
    remove_url = reverse("reviews:staff_assignment_remove", kwargs={"pk": PLACEHOLDER})
    labels = {
        "submitted": format_html('<span class="text-success">✔ {}</span>', _("submitted")),
        "draft": _("draft"),
        "assigned": _("assigned"),
        "conflict": format_html('<span class="text-danger">{}</span>', _("conflict")),
    }
    unassign = _("unassign")
    rows = []
    for application in applications:
        by_reviewer = {a.reviewer_id: a for a in application.assignments.all() if a.stage == application.stage}
        cells = []
        for member in pool:
            assignment = by_reviewer.get(member.reviewer_id)
            if (member.reviewer_id, application.pk) in conflicts:
                state = "conflict"  # shown even when assigned before the conflict was declared
            elif assignment:
                review = getattr(assignment, "review", None)
                submitted = review and review.status == Review.Status.SUBMITTED
                state = "submitted" if submitted else ("draft" if review else "assigned")
            else:
                cells.append(EMPTY)
                continue
            button = ""
            if assignment and state != "submitted":  # one form for the page; each button names its URL
                button = format_html(
                    ' <button type="submit" form="unassign-form" formaction="{}" class="btn btn-sm btn-link p-0">'
                    '{}<span class="visually-hidden"> {} {}</span></button>',
                    remove_url.replace(str(PLACEHOLDER), str(assignment.pk)),
                    unassign,
                    member.reviewer.display_name,
                    application.reference,
                )
            cells.append(format_html("<td>{}{}</td>", labels[state], button))
        cells = mark_safe("".join(cells))  # each cell built by format_html, which escapes
        rows.append({"application": application, "cells": cells, "count": len(by_reviewer)})
    return rows
