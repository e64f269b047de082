"""A blind call hides the group from its reviewers: in every page, download and e-mail they get.

The test gives the group, its members and their addresses distinctive words, runs the reviewer's
whole journey (added to the pool, conflicts declared, assigned, reminded, a draft saved, the review
submitted), collects everything the reviewer receives (every page reachable from their pages,
every download with its headers, every outbox row and every sent e-mail addressed to them) and
fails if any of it names the group or its people.
"""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from notifications.models import OutboxMessage
from notifications.reminders import reminders_sweep
from notifications.services import outbox_sweep
from reviews import services as review_services
from reviews.models import Conflict, Review
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    GroupFactory,
    UserFactory,
    member_of,
    minimal_pdf,
    reviewer_user,
    staff_user,
)

pytestmark = pytest.mark.django_db

PDF = minimal_pdf()  # real files: reviewers download copies rewritten without metadata


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), "green").save(out, format="PNG")
    return out.getvalue()


PNG = _png()

GROUP_NAME = "Zebrafinch Collective of Quarrytown"
GROUP_EMAIL = "hello@zebrafinch-collective.example"
GROUP_PHONE = "+48 555 013 377"
GROUP_REGISTRATION = "KRS-7319046628"
MEMBERS = [
    ("Wenceslas Quillfeather", "wenceslas.quillfeather@mailbox.example"),
    ("Ottilie Brambleworth", "o.brambleworth@post.example"),
]
# Never crawled: they change state or leave the site (logging out, switching the language).
SKIPPED_PATHS = ("/static/", "/accounts/logout/", "/i18n/")


def _secrets(group, members):
    """Every string that would identify the group, lower-cased, with the word that makes it unique."""
    values = {group.name, group.contact_email, group.contact_phone, group.registration_number}
    for user in members:
        values |= {user.full_name, user.email, user.display_name}
        values |= set(user.emailaddress_set.values_list("email", flat=True))
    values |= {"Zebrafinch", "Quillfeather", "Brambleworth", "zebrafinch-collective", "brambleworth@"}
    return sorted({v.lower() for v in values if v})


def _leaks(text, secrets):
    text = unescape(text).lower()
    return [s for s in secrets if s in text]


class Collector:
    """Everything the reviewer receives, as (where, text) pairs."""

    def __init__(self, client):
        self.client = client
        self.received = []
        self.seen = set()

    def take(self, where, response, *, path=""):
        parts = [f"{name}: {value}" for name, value in response.items()]  # every header
        if getattr(response, "streaming", False):
            parts.append(b"".join(response.streaming_content).decode("utf-8", "replace"))
        else:
            parts.append(response.content.decode("utf-8", "replace"))
        body = parts[-1]
        self.received.append((where, "\n".join(parts)))
        return body

    def crawl(self, *start, limit=80):
        """GET ``start`` and every same-site link (and redirect) reachable from it."""
        queue = list(start)
        while queue and len(self.seen) < limit:
            path = queue.pop(0)
            if path in self.seen or path.startswith(SKIPPED_PATHS):
                continue
            self.seen.add(path)
            response = self.client.get(path)
            body = self.take(f"GET {path} ({response.status_code})", response, path=path)
            if response.status_code in (301, 302):
                queue.append(urljoin(path, response["Location"]))
                continue
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            for href in re.findall(r'(?:href|action|hx-get|hx-post)="([^"#]+)', body):
                target = urlsplit(urljoin(path, unescape(href)))
                if target.scheme in ("", "http", "https") and target.netloc in ("", "testserver"):
                    queue.append(target.path + (f"?{target.query}" if target.query else ""))


@pytest.fixture
def blind_call_world():
    now = timezone.now()
    call = CompetitionFactory(blind_review=True, review_deadline=now + timedelta(days=5), reviewers_per_application=1)
    criterion = CriterionFactory(competition=call, name="Relevance", max_score=5)
    group = GroupFactory(
        name=GROUP_NAME,
        contact_email=GROUP_EMAIL,
        contact_phone=GROUP_PHONE,
        registration_number=GROUP_REGISTRATION,
        description=f"{GROUP_NAME} plants trees.",
    )
    members = [
        member_of(group, user=UserFactory(full_name=name, email=email), role=role)
        for (name, email), role in zip(MEMBERS, ("lead", "member"), strict=True)
    ]
    application = ApplicationFactory(competition=call, group=group)
    lead = members[0]
    attachments = [
        application_services.attachment_add(
            application=application, uploaded_file=SimpleUploadedFile(name, content), by=lead
        )
        for name, content in (
            (f"{GROUP_NAME} budget.pdf", PDF),
            ("Quillfeather and Brambleworth at work.png", PNG),
        )
    ]
    application_services.application_submit(application=application, by=lead)
    staff = staff_user()
    application_services.application_mark_eligible(application=application, by=staff)
    reviewer = reviewer_user(full_name="Rita Reviewer")
    review_services.pool_add(competition=call, reviewer=reviewer, by=staff)
    return {
        "now": now,
        "call": call,
        "criterion": criterion,
        "group": group,
        "members": members,
        "application": application,
        "attachments": attachments,
        "staff": staff,
        "reviewer": reviewer,
    }


def test_nothing_a_blind_calls_reviewer_receives_names_the_group(client, blind_call_world):
    w = blind_call_world
    call, reviewer, application, criterion = w["call"], w["reviewer"], w["application"], w["criterion"]
    secrets = _secrets(w["group"], w["members"])
    assert GROUP_NAME.lower() in secrets and MEMBERS[0][1] in secrets
    client.force_login(reviewer)
    seen = Collector(client)

    # Before the declaration: the queue asks for it; the declaration page; the declaration.
    seen.crawl(reverse("reviews:queue"))
    conflicts_url = reverse("reviews:conflicts", kwargs={"pk": call.pk})
    seen.take("POST conflicts", client.post(conflicts_url, {"confirm": "on", "reason": "None."}, follow=True))

    # Assigned by staff: the assignment e-mail; then the reminders of the review's due date.
    assignment = review_services.assignment_create(application=application, reviewer=reviewer, by=w["staff"])
    assert OutboxMessage.objects.filter(recipient=reviewer, kind="review_assigned").exists()
    assert reminders_sweep(call.review_deadline - timedelta(days=2)) >= 1
    assert reminders_sweep(call.review_deadline + timedelta(hours=1)) >= 1
    assert set(OutboxMessage.objects.filter(recipient=reviewer).values_list("kind", flat=True)) == {
        "review_assigned",
        "review_due_3d",
        "review_overdue",
    }

    # Every page and download of the open assignment, reached by following links.
    review_url = reverse("reviews:review", kwargs={"pk": assignment.pk})
    seen.crawl(reverse("reviews:queue"), conflicts_url, review_url)
    downloads = [
        reverse("reviews:attachment", kwargs={"pk": assignment.pk, "attachment_pk": a.pk}) for a in w["attachments"]
    ]
    assert set(downloads) <= seen.seen, "the review page no longer links to every attachment"
    for url in downloads:
        assert any(where.startswith(f"GET {url} (200)") for where, _text in seen.received)

    # A draft, a refused submission, the submission, and the read-only page afterwards.
    score = f"score_{criterion.pk}"
    seen.take("POST save", client.post(review_url, {score: "4", "action": "save"}, follow=True))
    seen.take("POST submit refused", client.post(review_url, {score: "4", "action": "submit"}, follow=True))
    seen.take(
        "POST submit",
        client.post(review_url, {score: "4", "recommendation": "fund", "action": "submit"}, follow=True),
    )
    assert Review.objects.get(assignment=assignment).status == Review.Status.SUBMITTED
    seen.seen.clear()
    seen.crawl(reverse("reviews:queue"), conflicts_url, review_url)

    # Every e-mail addressed to the reviewer: the outbox rows, and what was actually sent.
    assert outbox_sweep() >= 3
    messages = OutboxMessage.objects.filter(recipient=reviewer)
    assert messages.count() == 3
    for message in messages:
        seen.received.append((f"outbox {message.kind}", f"{message.subject}\n{message.body}\n{message.html_body}"))
    sent = [m for m in mail.outbox if reviewer.email in m.to]
    assert len(sent) == 3
    for email in sent:
        text = "\n".join(
            [email.subject, email.body, str(email.from_email), *email.reply_to, *email.cc, *email.bcc]
            + [f"{k}: {v}" for k, v in email.extra_headers.items()]
            + [content for content, _mime in getattr(email, "alternatives", [])]
        )
        seen.received.append((f"e-mail {email.subject}", text))

    assert len(seen.received) > 10
    leaks = {where: found for where, text in seen.received if (found := _leaks(text, secrets))}
    assert leaks == {}


def test_the_conflict_declaration_of_a_blind_call_names_no_group(client, blind_call_world):
    """A blind call's reviewers declare regions up front and conflicts per application: the page
    neither lists nor lets them search the groups that applied (a search would name them too)."""
    client.force_login(blind_call_world["reviewer"])
    url = reverse("reviews:conflicts", kwargs={"pk": blind_call_world["call"].pk})
    secrets = _secrets(blind_call_world["group"], blind_call_world["members"])
    for query in ("", f"?q={GROUP_NAME[:4]}"):
        response = client.get(url + query)
        assert response.status_code == 200
        html = response.content.decode()
        assert _leaks(html, secrets) == [] and 'name="q"' not in html
    # Posting a group's id does not work either: a blind call offers no group to tick.
    group = blind_call_world["group"]
    client.post(url, {"confirm": "on", "groups": [group.pk]})
    assert not Conflict.objects.filter(group=group).exists()
