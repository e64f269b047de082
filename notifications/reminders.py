"""The reminder sweep: one periodic task asks every registered rule what is due and writes each
reminder to the outbox once (its dedupe key names the thing, the milestone and the recipient).

This module owns the machinery (the registry, keyset batches, the outbox items); the rules live
in the apps that own what they remind of (``applications/reminders.py`` for drafts,
``reviews/reminders.py`` for reviews, ``projects/reminders.py`` for check-ins and reports) and
register themselves in their ``AppConfig.ready()``.

A rule is a callable ``rule(now) -> int`` (how many reminders it created). It must be safe to run
twice, or twice at once, and must create a reminder only while the thing is still undone. Due
dates live in the database, never in the broker. Rules work in batches of ``BATCH`` rows, so the
number of queries grows with the calls and the batches, not with the rows.
"""

from django.utils import timezone

from config.registry import Registry

from .services import outbox_bulk_enqueue

BATCH = 1000

reminder_rules = Registry("reminder rules")


def batches(queryset):
    """Keyset pagination: each batch is one query, whatever the table's size."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def reminder(user, kind, key, *, template, scope="", **context) -> dict:
    """One outbox item for ``outbox_bulk_enqueue``; ``key`` makes it unique for ever."""
    return {
        "user": user,
        "kind": kind,
        "dedupe_key": key,
        "template": template,
        "scope": scope,
        "context": {"kind": kind, **context},
    }


def enqueue(items) -> int:
    return outbox_bulk_enqueue(items)


def reminders_sweep(now=None) -> int:
    """Create every reminder that is due now, rule by rule. Safe to run twice, or twice at once."""
    now = now or timezone.now()
    return sum(rule(now) for rule in reminder_rules)
