"""May this group apply to this call? Asked before a draft exists, and answered in plain words.

The call's rules on regions and kinds of group, its limit of applications per group and its own
eligibility questions are checked here once, so the call page can tell a group at once why it may
not apply, and ``application_create`` refuses the same cases. ``submission`` checks them again at
Submit (the group's region may have changed since)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grants.translations import translated


class NotEligible(ValidationError):
    """The group may not start an application: ``problems`` (whatever it answers) and
    ``answer_problems`` (question id → why that answer does not qualify), in plain words."""

    def __init__(self, problems, answer_problems):
        super().__init__(list(problems) + list(answer_problems.values()))
        self.problems = list(problems)
        self.answer_problems = dict(answer_problems)


def group_problems(call, group, *, eligible_regions=None, submitted_count=None) -> list[str]:
    """Why ``group`` may not apply to ``call``, whatever it answers; empty when it may.

    ``eligible_regions``: the call's eligible regions if already read (the call page prefetches
    them); ``submitted_count``: the group's submitted applications to the call, if already counted.
    """
    problems = []
    if group.kind == "informal" and not call.informal_groups_allowed:
        problems.append(_("This call is open to registered organisations only, and your group is an informal one."))
    regions = list(call.eligible_regions.all()) if eligible_regions is None else eligible_regions
    if regions and group.region_id not in {region.pk for region in regions}:
        problems.append(
            _("Your group's region (%(region)s) is not eligible for this call. It is open to: %(regions)s.")
            % {
                "region": group.region.name if group.region_id else _("none given"),
                "regions": ", ".join(sorted(region.name for region in regions)),
            }
        )
    if submitted_count is None:
        submitted_count = call.applications.filter(group=group).exclude(status__in=["draft", "withdrawn"]).count()
    if submitted_count >= call.max_applications_per_group:
        count = call.max_applications_per_group
        problems.append(
            ngettext(
                "Your group has already submitted the %(count)s application this call allows.",
                "Your group has already submitted the %(count)s applications this call allows.",
                count,
            )
            % {"count": count}
        )
    return problems


def answer_problems(questions, answers: dict) -> dict[int, str]:
    """For each question not answered, or answered in a way that does not qualify, the words to
    show beside it. ``answers``: question id → the answer's value ("yes", "no" or a choice)."""
    problems = {}
    for question in questions:
        answer = answers.get(question.pk)
        if not answer or answer not in {value for value, _label in question.answer_choices()}:
            problems[question.pk] = _("Please answer this question.")
        elif not question.qualifies(answer):
            problems[question.pk] = translated(question, "refusal")
    return problems


def answers_from(questions, data) -> dict[int, str]:
    """The answers posted by the apply form (``eligibility-<id>`` fields)."""
    return {question.pk: data.get(f"eligibility-{question.pk}", "") for question in questions}


def answers_record(questions, answers) -> dict:
    """What is kept on the application: the questions as they were asked, and the answers."""
    return {
        "questions": [{"id": q.pk, "text": q.text, "answer": answers.get(q.pk, "")} for q in questions],
    }


def apply_box_context(call, groups, *, answers=None, answer_issues=None, chosen_group=None) -> dict:
    """What the call's apply box shows: each of the user's groups with the reasons it may not
    apply (told before anything is written), and the call's eligibility questions with the
    answers already given and the reason beside any that does not qualify. Two queries, however
    many groups."""
    from django.db.models import Count

    regions = list(call.eligible_regions.all())
    counts = (
        dict(
            call.applications.filter(group__in=[g.pk for g in groups])
            .exclude(status__in=["draft", "withdrawn"])
            .values_list("group")
            .annotate(n=Count("pk"))
        )
        if groups
        else {}
    )
    for group in groups:
        group.apply_problems = group_problems(
            call, group, eligible_regions=regions, submitted_count=counts.get(group.pk, 0)
        )
    answers, answer_issues = answers or {}, answer_issues or {}
    questions = [
        {
            "question": q,
            "name": f"eligibility-{q.pk}",
            "choices": q.answer_choices(),
            "answer": answers.get(q.pk, ""),
            "problem": answer_issues.get(q.pk, ""),
        }
        for q in call.eligibility_questions.all()
    ]
    return {
        "my_groups": groups,
        "eligible_groups": [g for g in groups if not g.apply_problems],
        "eligibility_questions": questions,
        "chosen_group": chosen_group,
    }
