from django import template

from ..status import BADGES

register = template.Library()


@register.filter
def status_badge(status) -> str:
    """``<span class="badge text-bg-{{ a.status|status_badge }}">``: one colour per status."""
    return BADGES.get(status, "secondary")


@register.simple_tag(takes_context=True)
def call_answers(context, application, call, for_reviewer=False):
    """The answers to the call's own questions as this reader may see them: a reviewer sees the
    questions meant for reviewers, and none that identifies the group in a blind call; nor does
    anyone to whom a confidential call's group is only its code name."""
    from ..call_questions import answers_to_show, definition_answered
    from ..identity import may_see_real_identity

    request = context.get("request")
    user = getattr(request, "user", None)
    return answers_to_show(
        definition_answered(application, call),
        application.form_answers or {},
        for_reviewer=for_reviewer,
        hide_identifying=(for_reviewer and call.hides_groups_from_reviewers)
        or not may_see_real_identity(user, application.group, call),
        stage=application.stage,
    )


@register.simple_tag
def concept_answers(application, call, for_reviewer=False):
    """A full proposal's concept note as submitted (its answers, with the same blind rules as
    ``call_answers``), or ``None`` when it had none."""
    from ..call_questions import answers_to_show, definition_answered

    concept = application.concept or {}
    if not concept:
        return None
    return answers_to_show(
        definition_answered(application, call, concept.get("form_version")),
        concept.get("form_answers") or {},
        for_reviewer=for_reviewer,
        hide_identifying=for_reviewer and call.hides_groups_from_reviewers,
        stage="concept",
    )


@register.simple_tag
def clarification_thread(application):
    """The questions and answers about ``application``, oldest first, and whether the last one
    waits for the group (one query)."""
    from ..thread import awaits_answer

    messages = list(application.clarifications.all())
    return {"messages": messages, "awaits_answer": awaits_answer(messages)}
