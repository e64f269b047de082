"""Form errors are announced: a field's error is its description (``aria-describedby`` to the error's
id, ``aria-invalid``), and error summaries are alerts (``role="alert"``), in our crispy forms and in
allauth's account pages. The browser tests check the same in Chromium and run axe-core on the pages
(tests/browser/test_every_page.py, test_phone.py)."""

import re

import pytest
from django import forms
from django.template import Context, Template

from tests.factories import PASSWORD, UserFactory


class TwoFields(forms.Form):
    name = forms.CharField(label="Name")
    amount = forms.IntegerField(label="Amount", max_value=10)

    def clean(self):
        raise forms.ValidationError("The whole form is wrong.")


def described_by_its_error(html, name):
    """The input ``name`` is marked invalid and described by an element that holds an error."""
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field, field
    ids = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    error_ids = [i for i in ids if re.search(rf'id="{re.escape(i)}"[^>]*>[^<]*(<[^>]+>)*[^<]*\S', html)]
    assert error_ids, (ids, html)
    return error_ids


def test_crispy_forms_describe_fields_by_their_errors_and_summaries_are_alerts():
    form = TwoFields(data={"name": "", "amount": "99"})
    assert not form.is_valid()
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
    summary = re.search(r'<div class="alert[^"]*alert-danger"[^>]*>', html).group(0)
    assert 'role="alert"' in summary, summary
    assert "The whole form is wrong." in html
    described_by_its_error(html, "name")
    described_by_its_error(html, "amount")


def test_crispy_formset_errors_are_alerts():
    formset = forms.formset_factory(TwoFields, min_num=2, validate_min=True)(
        data={"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"}
    )
    assert not formset.is_valid()
    html = Template("{% load crispy_forms_tags %}{% crispy formset %}").render(Context({"formset": formset}))
    summary = re.search(r'<div class="alert[^"]*alert-danger"[^>]*>', html).group(0)
    assert 'role="alert"' in summary, summary


@pytest.mark.django_db
def test_allauth_sign_up_errors_are_announced(client):
    response = client.post(
        "/accounts/signup/", {"email": "not-an-address", "password1": PASSWORD, "password2": PASSWORD + "x"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    described_by_its_error(html, "email")
    described_by_its_error(html, "password2")


@pytest.mark.django_db
def test_a_failed_log_in_is_an_alert(client):
    UserFactory(email="someone@example.org")
    response = client.post("/accounts/login/", {"login": "someone@example.org", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    alert = re.search(r'<div class="alert[^"]*alert-danger"[^>]*role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert alert and "not correct" in alert.group(1), html


@pytest.mark.django_db
def test_every_page_starts_with_a_skip_link_to_the_main_content(client):
    html = client.get("/calls/").content.decode()
    body = html.split("<body", 1)[1]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert 'href="#main"' in first_link and "visually-hidden-focusable" in first_link, first_link
    assert re.search(r'<main id="main"[^>]*tabindex="-1"', html)
