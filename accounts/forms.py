"""What sign-up asks beyond e-mail and password: the person's name, so e-mails greet a person."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        help_text=_("As you want to be addressed in e-mails. It may be a first name only."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["full_name"]

    def signup(self, request, user):
        """Called by allauth when the account is created."""
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
