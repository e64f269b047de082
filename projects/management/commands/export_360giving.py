"""Write a programme's awarded grants as a 360Giving package: ``export_360giving --programme ID
--output FILE`` (``-`` for standard output)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grants.models import Programme
from projects.open_data import NothingToPublish, programme_package_json


class Command(BaseCommand):
    help = "Write a programme's awarded grants as a 360Giving JSON package (confidential grantees anonymised)."

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, required=True, help="the programme's id")
        parser.add_argument("--output", required=True, help="the file to write, or - for standard output")

    def handle(self, *args, programme, output, **options):
        found = Programme.objects.filter(pk=programme).first()
        if found is None:
            raise CommandError(_("There is no programme %(id)s.") % {"id": programme})
        try:
            body = programme_package_json(found)
        except NothingToPublish as empty:
            raise CommandError(str(empty)) from empty
        if output == "-":
            self.stdout.write(body)
            return
        Path(output).write_text(body + "\n", encoding="utf-8")
        self.stderr.write(_("Written: %(path)s") % {"path": output})
