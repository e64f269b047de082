from django.apps import AppConfig


class WiringConfig(AppConfig):
    """The top layer: URL wiring, the demo data and the commands that need every app."""

    name = "wiring"
    verbose_name = "Wiring"
