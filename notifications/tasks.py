"""Celery entry points for the outbox: each takes ids and is safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="notifications.tasks.outbox_send")
def outbox_send(message_id: int) -> bool:
    return services.outbox_send(message_id=message_id)


@shared_task(name="notifications.tasks.outbox_sweep")
def outbox_sweep() -> int:
    return services.outbox_sweep()
