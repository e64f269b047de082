"""``call_form export SLUG`` prints a call's whole definition as JSON (its kind, its stages and
each stage's questions); ``call_form import SLUG FILE`` loads one, setting the call's kind, and
refuses an invalid file (naming the question at fault) without changing anything."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from grants.call_forms import definition_for_kind
from grants.models import Competition
from grants.services import call_form_replace


class Command(BaseCommand):
    help = "Export or import a call's kind, stages and questions as JSON."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("slug")
        parser.add_argument("file", nargs="?")

    def handle(self, *args, action, slug, file=None, **options):
        try:
            call = Competition.objects.get(slug=slug)
        except Competition.DoesNotExist as missing:
            raise CommandError(f"No call has the address “{slug}”.") from missing
        if action == "export":
            definition = definition_for_kind(call.form_definition, call.kind)
            self.stdout.write(json.dumps({**definition, "version": call.form_version}, ensure_ascii=False, indent=2))
            return
        if not file:
            raise CommandError("Name the JSON file to import.")
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        if isinstance(data, dict):
            data.pop("version", None)
        try:
            call = call_form_replace(competition=call, definition=data, by=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"The questions of “{call.slug}” are now version {call.form_version}.")
