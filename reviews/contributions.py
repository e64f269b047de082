"""What reviews adds to the layers below: its reminder rule and its staff action on the application's
page. Registered in ``ReviewsConfig.ready()``."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django_fsm.signals import post_transition

from applications.erasure import erasure_steps
from applications.models import Application
from applications.pages import application_staff_actions
from audit.actions import declare
from grants.signals import call_rounds_changed, call_saved
from notifications.reminders import reminder_rules

from .ranking import RANKED_STATUSES, ranking_changed
from .reminders import reviews_due
from .scoring import weighted_scores_refresh

reminder_rules.register(reviews_due, order=20)
declare("assignment.created", _("Reviewer assigned"))
declare("assignment.removed", _("Reviewer unassigned"))
declare("pool.added", _("Reviewer added to the pool"))
declare("pool.removed", _("Reviewer removed from the pool"))


@erasure_steps.register(order=20)
def erase_review_texts(application) -> None:
    """Reviewers' comments and conflict reasons quote the application: they go, the scores stay."""
    from .models import Conflict, CriterionScore, Review

    Review.objects.filter(assignment__application=application).update(overall_comment="")
    CriterionScore.objects.filter(review__assignment__application=application).update(comment="")
    Conflict.objects.filter(application=application).update(reason="")
    Conflict.objects.filter(group_id=application.group_id).update(reason="")


@application_staff_actions.register(order=20)
def complete_review_action(request, application, viewer) -> str:
    if not viewer.is_staff or application.status != Application.Status.IN_REVIEW:
        return ""
    return render_to_string("reviews/_complete_review.html", {"application": application}, request=request)


@receiver(call_saved)
def rescore_when_the_call_is_saved(sender, call, **kwargs):
    """The criteria's weights and maximum scores are saved with the call: the submitted reviews'
    weighted scores follow, in the same transaction (one UPDATE; nothing when none is submitted)."""
    weighted_scores_refresh(competition_id=call.pk)


@receiver(call_rounds_changed)
def rerank_when_the_rounds_change(sender, call, **kwargs):
    """A cut-off added or removed moves applications between a rolling call's rounds."""
    ranking_changed(competition_id=call.pk)


@receiver(post_transition, sender=Application)
def rerank_when_an_application_enters_or_leaves_the_ranking(sender, instance, source, target, **kwargs):
    """A step into review, or out of the ranked states (a withdrawal), moves the call's ranking:
    marked in the step's transaction (``transition_run``'s caller holds one)."""
    if (source in RANKED_STATUSES) != (target in RANKED_STATUSES):
        ranking_changed(competition_id=instance.competition_id)


@receiver(post_delete, sender=Application)
def rerank_when_an_application_is_deleted(sender, instance, **kwargs):
    """Its stored row goes with it (CASCADE); the ranks after it must close up."""
    if instance.status in RANKED_STATUSES:
        ranking_changed(competition_id=instance.competition_id)
