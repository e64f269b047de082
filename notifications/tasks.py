"""Celery entry points for the outbox: each takes ids and is safe to run twice."""

from celery import shared_task

from . import reminders, services


@shared_task(name="notifications.tasks.outbox_send")
def outbox_send(*message_ids: int) -> int:
    """Send these messages (one task for a submission's e-mails to every member); how many were
    sent. Each is claimed on its own, so one failing does not hold the others back."""
    return sum(services.outbox_send(message_id=message_id) for message_id in message_ids)


@shared_task(name="notifications.tasks.outbox_sweep")
def outbox_sweep() -> int:
    return services.outbox_sweep()


@shared_task(name="notifications.tasks.reminders_sweep")
def reminders_sweep() -> int:
    """Write every due reminder to the outbox, then send what is pending."""
    created = reminders.reminders_sweep()
    services.outbox_sweep()
    return created
