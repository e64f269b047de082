"""A call in several languages: the fallback rule, the staff's translations page, what applicants,
reviewers and e-mail recipients read, and constant query counts."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from applications import services as application_services
from audit.models import AuditEntry
from grants.models import Competition, EligibilityQuestion, RubricCriterion
from grants.services_translations import call_translations_save
from grants.translations import call_missing_languages, translated
from projects import awards, decisions
from projects.letters import award_letter_pdf
from reviews.forms import ReviewForm
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    UserFactory,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.django_db

UK = {"title": {"uk": "Подвір'я 2027"}, "description": {"uk": "Гранти для сусідських проєктів."}}


def _call(**kwargs):
    kwargs.setdefault("title", "Backyard 2027")
    kwargs.setdefault("description", "Grants for neighbourhood projects.")
    kwargs.setdefault("translations", UK)
    return CompetitionFactory(**kwargs)


# --- the rule ----------------------------------------------------------------------------------


def test_the_readers_language_else_the_calls_main_language():
    call = _call(main_language="en")
    assert translated(call, "title", "uk") == "Подвір'я 2027"
    assert translated(call, "title", "pl") == "Backyard 2027"  # no Polish: the main language
    assert translated(call, "rules", "uk") == ""  # nothing anywhere
    with translation.override("uk"):
        assert translated(call, "description") == "Гранти для сусідських проєктів."


def test_the_main_language_is_read_from_the_columns_even_if_a_translation_was_left_in_it():
    call = _call(main_language="uk", title="Подвір'я (main)")
    assert translated(call, "title", "uk") == "Подвір'я (main)"
    assert translated(call, "title", "en") == "Подвір'я (main)"


def test_a_criterion_and_an_eligibility_question_follow_the_same_rule():
    call = _call()
    criterion = CriterionFactory(competition=call, name="Relevance", translations={"name": {"pl": "Trafność"}})
    question = EligibilityQuestion.objects.create(
        competition=call,
        text="Are you three?",
        refusal="Only groups of three.",
        translations={"refusal": {"pl": "Tylko trójki."}},
    )
    assert translated(criterion, "name", "pl") == "Trafność"
    assert translated(criterion, "name", "uk") == "Relevance"
    assert translated(question, "refusal", "pl") == "Tylko trójki."
    assert translated(question, "text", "pl") == "Are you three?"


# --- the staff's page --------------------------------------------------------------------------


def _url(call, language=""):
    url = reverse("grants:staff_call_translations", kwargs={"pk": call.pk})
    return f"{url}?language={language}" if language else url


def test_only_staff_open_the_translations_page(client):
    call = _call()
    assert client.get(_url(call)).status_code == 302  # to the log-in page
    client.force_login(UserFactory())
    assert client.get(_url(call)).status_code == 404
    client.force_login(staff_user())
    assert client.get(_url(call)).status_code == 200
    assert client.get(reverse("grants:staff_call_translations", kwargs={"pk": 999999})).status_code == 404


def test_staff_see_what_is_missing_and_save_a_language_with_its_audit(client):
    call = _call(rules="Three people at least.", email_note="Call Anna with questions.")
    criterion = CriterionFactory(competition=call, name="Relevance", description="Fits the neighbourhood.")
    staff = staff_user()
    client.force_login(staff)
    html = client.get(_url(call, "uk")).content.decode()
    assert "What is translated" in html and "Criterion 1: Name" in html
    assert html.count("data-missing") == 4 + 3 * 6  # uk lacks the rules, the note, the criterion; others all 6
    assert 'value="Подвір&#x27;я 2027"' in html  # what is there already
    missing = client.get(reverse("applications:staff_call_applications", kwargs={"pk": call.pk})).content.decode()
    assert "Translations missing in: Polish, Belarusian, Ukrainian, Russian." in missing

    response = client.post(
        _url(call, "uk"),
        {
            "call-title": "Подвір'я 2027",
            "call-description": "Гранти для сусідських проєктів.",
            "call-rules": "Щонайменше троє людей.",
            "call-email_note": "Телефонуйте Анні.",
            f"criterion-{criterion.pk}-name": "Актуальність",
            f"criterion-{criterion.pk}-description": "",
        },
    )
    assert response.status_code == 302
    call.refresh_from_db()
    criterion.refresh_from_db()
    assert call.translations["rules"] == {"uk": "Щонайменше троє людей."}
    assert call.translations["title"] == {"uk": "Подвір'я 2027"}  # unchanged, kept
    assert criterion.translations == {"name": {"uk": "Актуальність"}}  # an empty text stores nothing
    entry = AuditEntry.objects.get(action="call.translated", call_id=call.pk)
    assert entry.actor == staff and entry.data["language"] == "uk"
    assert entry.data["texts"] == ["Rules", "Note in the groups' e-mails", "Criterion 1: Name"]
    html = client.get(_url(call, "uk")).content.decode()
    assert html.count("data-missing") == 1 + 6 * 3  # only the criterion's description in Ukrainian


def test_a_too_long_text_is_refused_on_its_field_and_nothing_is_saved(client):
    call = _call()
    client.force_login(staff_user())
    response = client.post(_url(call, "pl"), {"call-title": "x" * 201, "call-description": "Granty."})
    assert response.status_code == 200
    form = response.context["form"]
    assert "call-title" in form.errors
    assert 'value="' + "x" * 201 in response.content.decode()  # what was typed is shown again
    call.refresh_from_db()
    assert call.translations == UK
    assert not AuditEntry.objects.filter(action="call.translated").exists()


def test_the_main_language_cannot_be_translated_and_only_staff_may_save():
    call = _call(main_language="en")
    with pytest.raises(Exception, match="cannot be translated"):
        call_translations_save(competition=call, language="en", texts={"call-title": "X"}, by=staff_user())
    with pytest.raises(Exception):  # noqa: B017 - the staff rule's own error
        call_translations_save(competition=call, language="pl", texts={"call-title": "X"}, by=UserFactory())
    call.refresh_from_db()
    assert call.translations == UK


def test_a_fully_translated_call_lacks_nothing(settings):
    settings.LANGUAGES = [("en", "English"), ("uk", "Ukrainian")]
    call = _call()
    assert call_missing_languages(call) == []
    CriterionFactory(competition=call, name="Relevance")
    assert call_missing_languages(call) == ["Ukrainian"]


# --- what readers see --------------------------------------------------------------------------


def test_an_applicant_in_ukrainian_reads_the_ukrainian_call_a_polish_one_the_main_language(client):
    call = _call()
    CriterionFactory(competition=call, name="Relevance", translations={"name": {"uk": "Актуальність"}})
    client.force_login(UserFactory())
    for url in (call.get_absolute_url(), reverse("grants:call_list"), "/"):
        ukrainian = client.get(url, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
        assert "Подвір&#x27;я 2027" in ukrainian and "Backyard 2027" not in ukrainian
        assert "Гранти для сусідських проєктів." in ukrainian
        polish = client.get(url, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
        assert "Backyard 2027" in polish and "Подвір" not in polish
    assert "Актуальність" in client.get(call.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="uk").content.decode()


def test_the_applicants_own_pages_show_the_call_in_their_language(client):
    application = ApplicationFactory(competition=_call())
    client.force_login(member_of(application.group))
    html = client.get(reverse("applications:dashboard"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Подвір&#x27;я 2027" in html
    html = client.get(reverse("applications:detail", kwargs={"pk": application.pk}), HTTP_ACCEPT_LANGUAGE="uk")
    assert "Подвір&#x27;я 2027" in html.content.decode()


def test_a_reviewers_score_fields_name_the_criterion_in_their_language():
    call = _call()
    criterion = CriterionFactory(competition=call, name="Relevance", translations={"name": {"pl": "Trafność"}})
    with translation.override("pl"):
        form = ReviewForm(criteria=RubricCriterion.objects.filter(pk=criterion.pk).select_related("competition"))
        assert "Trafność" in str(form.fields[f"score_{criterion.pk}"].label)


def test_emails_use_the_recipients_language_and_the_calls_note(django_capture_on_commit_callbacks):
    call = _call(email_note="Questions: Anna, 555 123.", translations={**UK, "email_note": {"uk": "Питання: Анна."}})
    application = ApplicationFactory(competition=call)
    ukrainian = member_of(application.group, user__language="uk")
    polish = member_of(application.group, role="member", user__language="pl")
    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_submit(application=application, by=ukrainian)
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "Подвір'я 2027" in bodies[ukrainian.email] and "Питання: Анна." in bodies[ukrainian.email]
    assert "Backyard 2027" in bodies[polish.email] and "Questions: Anna, 555 123." in bodies[polish.email]


def test_the_decision_email_and_the_award_letter_are_in_the_groups_language(django_capture_on_commit_callbacks):
    call = _call(
        translations={"title": {"pl": "Podwórko 2027"}, "email_note": {"pl": "Pytania: Anna."}}, email_note="Q: Anna."
    )
    staff = staff_user()
    rejected = ApplicationFactory(competition=call, status="reviewed", group__language="pl")
    member_of(rejected.group, user__language="en")
    with django_capture_on_commit_callbacks(execute=True):
        decisions.application_reject(application=rejected, by=staff, feedback="Not this time.")
    body = mail.outbox[-1].body
    assert "Podwórko 2027" in body and "Pytania: Anna." in body

    awarded = ApplicationFactory(
        competition=call,
        status="reviewed",
        group__language="pl",
        requested_amount=Decimal("1000"),
        lines=[(1, Decimal("1000"))],
    )
    awards.award_decide(application=awarded, amount=Decimal("1000"), by=staff)
    awarded.refresh_from_db()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(award_letter_pdf(awarded, staff))).pages)
    assert "Podwórko 2027" in text


# --- query counts ------------------------------------------------------------------------------


def _queries(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return len(queries)


def test_public_pages_read_translations_without_a_query_per_call(client):
    _call()
    few = {url: _queries(client, url, HTTP_ACCEPT_LANGUAGE="uk") for url in ("/", reverse("grants:call_list"))}
    for _ in range(5):
        _call()
    for url, count in few.items():
        assert _queries(client, url, HTTP_ACCEPT_LANGUAGE="uk") == count


def test_the_translations_page_and_the_call_detail_count_queries_once_whatever_the_criteria(client):
    call = _call()
    client.force_login(staff_user())
    CriterionFactory(competition=call)
    page, detail = _queries(client, _url(call, "uk")), _queries(client, call.get_absolute_url())
    for _ in range(6):
        CriterionFactory(competition=call, translations={"name": {"uk": "Критерій"}})
        EligibilityQuestion.objects.create(competition=call, text="Q?", refusal="No.")
    assert _queries(client, _url(call, "uk")) == page
    assert _queries(client, call.get_absolute_url()) == detail
    assert Competition.objects.get(pk=call.pk).translations == UK


def test_an_emptied_text_is_removed_and_readers_fall_back_to_the_main_language(client):
    call = _call()
    client.force_login(staff_user())
    client.post(_url(call, "uk"), {"call-title": "", "call-description": "Гранти для сусідських проєктів."})
    call.refresh_from_db()
    assert call.translations["title"] == {}
    assert translated(call, "title", "uk") == "Backyard 2027"


def test_staff_set_the_main_language_and_the_e_mail_note_on_the_call_form(client):
    from tests.grants.test_call_form import _data

    client.force_login(staff_user())
    data = _data(title="Podwórko", slug="podworko", main_language="pl", email_note="Pytania: Anna.")
    assert client.post(reverse("grants:staff_call_create"), data).status_code == 302
    call = Competition.objects.get(slug="podworko")
    assert (call.main_language, call.email_note) == ("pl", "Pytania: Anna.")
    data = _data(title="Other", slug="other-call")
    del data["main_language"]  # an older form without the field: the site's language
    assert client.post(reverse("grants:staff_call_create"), data).status_code == 302
    assert Competition.objects.get(slug="other-call").main_language == "en"
    html = client.get(_url(call)).content.decode()
    assert "The call is written in Polish" in html and ">English<" in html and ">Polish<" not in html
