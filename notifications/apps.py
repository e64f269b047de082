from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Make sure ``task.delay()`` from Django code uses our configured Celery app.
        import config.celery  # noqa: F401
        from audit.actions import declare

        from . import tasks  # noqa: F401 - registers the tasks the services send by name

        declare("outbox.resent", _("E-mail sent again"))
