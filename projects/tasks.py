"""Celery entry points of the programme's exports: each takes ids and is safe to run twice."""

from celery import shared_task

from . import export_jobs


@shared_task(name="projects.tasks.export_build")
def export_build(export_id: int) -> str | None:
    """Build one requested export (a second delivery finds it claimed and does nothing)."""
    return export_jobs.export_build(export_id)


@shared_task(name="projects.tasks.exports_sweep")
def exports_sweep() -> dict:
    """Send again what the broker did not take, fail dead builds, delete week-old files."""
    return export_jobs.exports_sweep()
