"""The request of a programme export: what, in which format, of which phase, in which language."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.limits import LimitedForm
from grants.models import ProgrammePhase

from .export_jobs import check_request
from .models_exports import ProgrammeExport


class ExportForm(LimitedForm):
    what = forms.ChoiceField(label=_("What"), choices=ProgrammeExport.What.choices)
    file_format = forms.ChoiceField(label=_("Format"), choices=ProgrammeExport.Format.choices)
    phase = forms.ModelChoiceField(
        label=_("Phase"),
        queryset=ProgrammePhase.objects.none(),
        required=False,
        empty_label=_("The whole programme"),
        help_text=_("Only the donor report can be made for one phase."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, programme, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if programme.phases.exists():
            self.fields["phase"].queryset = programme.phases.all()
        else:
            del self.fields["phase"]  # nothing to choose

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                check_request(
                    what=data["what"],
                    file_format=data["file_format"],
                    phase=data.get("phase"),
                    language=data["language"],
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data
