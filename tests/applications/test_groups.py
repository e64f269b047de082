"""Groups: create, edit, invite by e-mail, accept; any member may edit the group's drafts."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from applications import services
from applications.models import ApplicantGroup, GroupMembership
from tests.factories import ApplicationFactory, GroupFactory, RegionFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def test_create_a_group_makes_the_creator_its_lead(client):
    user = UserFactory()
    region = RegionFactory()
    client.force_login(user)
    response = client.post(
        reverse("applications:group_create"),
        {
            "name": "Yard Friends",
            "kind": "informal",
            "region": region.pk,
            "contact_email": "yard@example.org",
            "language": "pl",
        },
    )
    group = ApplicantGroup.objects.get()
    assert response["Location"] == group.get_absolute_url()
    assert GroupMembership.objects.get(group=group).user == user
    assert GroupMembership.objects.get(group=group).role == "lead"


def test_a_registered_organisation_needs_its_number(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("applications:group_create"),
        {
            "name": "NGO",
            "kind": "organisation",
            "region": RegionFactory().pk,
            "contact_email": "n@example.org",
            "language": "en",
        },
    )
    assert "A registered organisation needs its registration number." in response.content.decode()
    assert not ApplicantGroup.objects.exists()


def test_invite_accept_and_then_edit_the_groups_draft(client, django_capture_on_commit_callbacks):
    draft = ApplicationFactory()
    lead = member_of(draft.group)
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:group_invite", kwargs={"pk": draft.group.pk}), {"email": "New@Example.org"})
    assert mail.outbox[0].to == ["new@example.org"]
    path = re.search(r"/invitations/[\w-]+/", mail.outbox[0].body).group(0)
    invited = UserFactory(email="new@example.org")
    client.force_login(invited)
    assert client.get(reverse("applications:edit", kwargs={"pk": draft.pk})).status_code == 404
    assert "Join" in client.get(path).content.decode()
    client.post(path)
    assert GroupMembership.objects.filter(group=draft.group, user=invited, role="member").exists()
    assert client.get(reverse("applications:edit", kwargs={"pk": draft.pk})).status_code == 200


def test_an_invitation_is_only_for_its_address():
    group = GroupFactory()
    invitation = services.group_invite(group=group, email="a@example.org", by=member_of(group))
    with pytest.raises(Exception, match="another e-mail address"):
        services.invitation_accept(token=invitation.token, by=UserFactory(email="b@example.org"))
    assert group.memberships.count() == 1


def test_outsiders_cannot_see_edit_or_invite_to_a_group(client):
    group = GroupFactory()
    member_of(group)
    client.force_login(UserFactory())
    assert client.get(reverse("applications:group_detail", kwargs={"pk": group.pk})).status_code == 404
    assert client.get(reverse("applications:group_edit", kwargs={"pk": group.pk})).status_code == 404
    assert (
        client.post(reverse("applications:group_invite", kwargs={"pk": group.pk}), {"email": "x@example.org"})
    ).status_code == 404
    assert not group.invitations.exists()


def test_inviting_a_member_twice_is_a_clear_error(client):
    group = GroupFactory()
    lead = member_of(group)
    client.force_login(lead)
    response = client.post(reverse("applications:group_invite", kwargs={"pk": group.pk}), {"email": lead.email})
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
