"""A person deletes their own account (their personal data goes; see accounts/erasure.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .erasure import account_erase


class AccountEraseForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your password"), widget=forms.PasswordInput, max_length=200)
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand: my account and my personal data are deleted for good.")
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


@login_required
def erase_my_account(request):
    form = AccountEraseForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_erase(user=request.user, by=request.user)
        logout(request)
        messages.success(request, _("Your account and your personal data are deleted."))
        return redirect("grants:home")
    return render(request, "accounts/erase_account.html", {"form": form})
