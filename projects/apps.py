from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Funded projects")

    def ready(self):
        # contributions: registers reminders, page sections and receivers; tasks: the tasks the
        # services send by name.
        from . import contributions, tasks  # noqa: F401
