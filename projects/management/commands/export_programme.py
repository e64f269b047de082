"""Write one of a programme's tables as CSV (UTF-8 with BOM) or XLSX: ``export_programme
--programme ID --table applications|reviews|awards|reports --output FILE.csv|FILE.xlsx``.

The file is for outsiders unless ``--staff-email`` names a staff member: then reviewer names are
written, and real names of confidential groups if that person may see them (logged)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.rules import is_programme_staff
from grants.models import Programme
from projects import exports


class Command(BaseCommand):
    help = "Write a programme's applications, reviews, awards or reports as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, required=True)
        parser.add_argument("--table", choices=sorted(exports.BUILDERS), required=True)
        parser.add_argument("--output", required=True, help="a .csv or .xlsx file")
        parser.add_argument("--staff-email", default="", help="export as this staff member")

    def handle(self, *args, programme, table, output, staff_email, **options):
        found = Programme.objects.filter(pk=programme).first()
        if found is None:
            raise CommandError(_("There is no programme %(id)s.") % {"id": programme})
        file_format = Path(output).suffix.lstrip(".").lower()
        if file_format not in exports.FORMATS:
            raise CommandError(_("The output file must end in .csv or .xlsx."))
        user = None
        if staff_email:
            user = get_user_model().objects.filter(email__iexact=staff_email).first()
            if user is None or not is_programme_staff(user):
                raise CommandError(_("%(email)s is not a staff member.") % {"email": staff_email})
        try:
            data = exports.programme_table(found, table, user)
        except exports.NothingToExport as empty:
            raise CommandError(str(empty)) from empty
        Path(output).write_bytes(exports.render(data, file_format))
        self.stderr.write(_("Written: %(path)s") % {"path": output})
