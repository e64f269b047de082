"""Who may do what in review. Every permission of this app is named here."""

import rules

from accounts.rules import is_programme_staff, is_reviewer


@rules.predicate
def is_assigned_reviewer(user, assignment):
    return assignment is not None and assignment.reviewer_id == user.pk


rules.add_perm("reviews.review_assignment", is_reviewer & is_assigned_reviewer)
rules.add_perm("reviews.manage_reviews", is_programme_staff)
