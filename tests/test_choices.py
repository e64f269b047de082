"""Choice labels come from a mapping built once per field, still in the language of each request."""

from django.utils import translation

from applications.models import Application
from notifications.models import OutboxMessage


def test_the_label_is_translated_into_the_active_language_each_time():
    application = Application(status=Application.Status.SUBMITTED)
    with translation.override("en"):
        assert application.get_status_display() == "Submitted"
    with translation.override("pl"):
        polish = application.get_status_display()
    assert polish == _pl("Submitted") != "Submitted"
    with translation.override("en"):
        assert application.get_status_display() == "Submitted"  # the mapping kept the lazy label


def test_each_field_has_its_own_labels_and_an_unknown_value_is_shown_as_it_is():
    message = OutboxMessage(status=OutboxMessage.Status.SENT)
    with translation.override("en"):
        assert message.get_status_display() == str(OutboxMessage.Status.SENT.label)
        assert Application(status="no-such-status").get_status_display() == "no-such-status"


def _pl(text):
    with translation.override("pl"):
        return translation.gettext(text)


def test_every_model_of_ours_with_choices_reads_its_labels_from_the_mapping():
    from django.apps import apps

    from config.choices import ChoiceLabels

    ours = {"accounts", "regions", "audit", "notifications", "grants", "applications", "reviews", "projects"}
    slow = [
        model.__name__
        for model in apps.get_models()
        if model._meta.app_label in ours
        and any(field.choices for field in model._meta.concrete_fields)
        and not issubclass(model, ChoiceLabels)
    ]
    assert slow == []
