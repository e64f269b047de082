"""Celery entry point of the retention period (beat runs it daily; safe to run twice)."""

from celery import shared_task

from . import erasure


@shared_task(name="applications.tasks.retention_sweep")
def retention_sweep() -> int:
    """Anonymise finished applications past their programme's retention period."""
    return erasure.retention_sweep()
