"""The applicant's groups: create, edit, invite members, accept an invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.rules import is_programme_staff
from config.redirects import redirect_back

from . import selectors, services
from .forms import ApplicantGroupForm, GroupEraseForm, InvitationForm
from .identity import GroupIdentity, group_page_identity
from .models import ApplicantGroup, GroupInvitation
from .status import with_next_steps


@login_required
def group_create(request):
    form = ApplicantGroupForm(request.POST or None, initial={"contact_email": request.user.email})
    if request.method == "POST" and form.is_valid():
        group = services.group_create(by=request.user, **form.cleaned_data)
        messages.success(
            request, _("Your group “%(name)s” is ready. You can now apply to open calls.") % {"name": group.name}
        )
        return redirect_back(request, group.get_absolute_url())
    return render(request, "applications/group_form.html", {"form": form})


APPLICATIONS_PAGE_SIZE = 25


@member_required
def group_detail(request, pk):
    """The group; to its members, also every application it made, a page at a time."""
    group = _get_group(request, pk)
    is_member = any(m.user_id == request.user.pk for m in group.memberships.all())
    applications = None
    if is_member:
        applications = Paginator(selectors.group_applications(group), APPLICATIONS_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        applications.object_list = with_next_steps(applications.object_list)
    return render(
        request,
        "applications/group_detail.html",
        {
            "group": group,
            "shown": group_page_identity(group, request.user, purpose="group page"),
            "invite_form": InvitationForm(),
            "is_member": is_member,
            "applications": applications,
            "erase_form": GroupEraseForm() if is_programme_staff(request.user) and not group.erased_at else None,
        },
    )


@member_required
def group_edit(request, pk):
    group = get_object_or_404(selectors.groups_of(request.user), pk=pk)
    form = ApplicantGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        services.group_update(group=group, by=request.user, **form.cleaned_data)
        messages.success(request, _("The group's details are saved."))
        return redirect(group)
    return render(request, "applications/group_form.html", {"form": form, "group": group})


@member_required
@require_POST
def group_invite(request, pk):
    group = get_object_or_404(selectors.groups_of(request.user), pk=pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.group_invite(group=group, email=form.cleaned_data["email"], by=request.user)
        except ValidationError as error:
            form.add_error("email", error.message_dict.get("email", error.messages))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
            return redirect(group)
    group = selectors.group_with_members(selectors.groups_of(request.user), pk)
    return render(
        request,
        "applications/group_detail.html",
        {"group": group, "shown": GroupIdentity(group.name, group.contact_email, group.contact_phone, True)}
        | {"invite_form": form, "is_member": True},
        status=400,
    )


@login_required
def invitation_accept(request, token):
    invitation = get_object_or_404(GroupInvitation.objects.select_related("group"), token=token)
    if request.method == "POST":
        try:
            services.invitation_accept(token=token, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("You are now a member of “%(name)s”.") % {"name": invitation.group.name})
            return redirect(invitation.group)
    return render(request, "applications/invitation_accept.html", {"invitation": invitation})


def _get_group(request, pk):
    from django.http import Http404

    try:
        return selectors.group_with_members(selectors.groups_visible_to(request.user), pk)
    except ApplicantGroup.DoesNotExist as missing:
        raise Http404 from missing
