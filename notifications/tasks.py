"""Celery entry points for the outbox: each takes ids and is safe to run twice."""

from celery import shared_task

from . import reminders, services


@shared_task(name="notifications.tasks.outbox_send")
def outbox_send(message_id: int) -> bool:
    return services.outbox_send(message_id=message_id)


@shared_task(name="notifications.tasks.outbox_sweep")
def outbox_sweep() -> int:
    return services.outbox_sweep()


@shared_task(name="notifications.tasks.reminders_sweep")
def reminders_sweep() -> int:
    """Write every due reminder to the outbox, then send what is pending."""
    created = reminders.reminders_sweep()
    services.outbox_sweep()
    return created
