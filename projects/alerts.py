"""E-mails to every programme staff member about a funded project (a check-in off track, a report in)."""

from django.conf import settings

from accounts.roles import users_with_role
from notifications.services import outbox_enqueue


def alert_staff(*, kind, key, template, context, call):
    """One e-mail per staff member, each at most once (``key`` names the event)."""
    for person in users_with_role(settings.ROLE_STAFF):
        outbox_enqueue(
            user=person,
            kind=kind,
            dedupe_key=f"{key}:{person.pk}",
            template=template,
            context=context,
            scope=call.outbox_scope,
        )
