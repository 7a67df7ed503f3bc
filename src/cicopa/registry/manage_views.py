"""Pages where officers and the secretariat look after an organisation: its members, its officers and who
may edit it. Every change goes through the registry's services, which check permissions and audit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cicopa.core.errors import form_errors, report_errors
from cicopa.core.formats import format_date
from cicopa.core.roles import is_secretariat
from cicopa.registry import access_services, permissions, queries, services
from cicopa.registry.forms import (
    AccessInviteForm,
    InvitationPasswordForm,
    MembershipAddForm,
    MembershipStatusForm,
    OfficeEndForm,
    OfficeForm,
    PersonForm,
)
from cicopa.registry.models import AccessInvitation, Membership, Office, Organisation, OrganisationAccess


@login_required
def organisation_memberships(request: HttpRequest, slug: str) -> HttpResponse:
    """The members of an organisation, for its officers and the secretariat: change a member's status,
    add an existing organisation as a member."""
    org = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_manage_membership(request.user, parent=org):
        raise PermissionDenied
    if request.method == "POST":
        _membership_action(request, org)
        return redirect(request.get_full_path())
    group = request.GET.get("status", "current")
    group = group if group in queries.MEMBERSHIP_GROUPS else "current"
    page = queries.memberships_of(org, group, _page_number(request))
    q = request.GET.get("q", "").strip()[:200]
    return render(
        request,
        "registry/memberships.html",
        {
            "org": org,
            "group": group,
            "page": page,
            "q": q,
            "candidates": queries.membership_candidates(request.user, org, q) if q else [],
            "is_secretariat": is_secretariat(request.user),
            "status_form": MembershipStatusForm(),
            "add_form": MembershipAddForm(),
            "groups": [
                ("current", _("Current"), page.counts["current"]),
                ("past", _("Withdrawn or expelled"), page.counts["past"]),
                ("all", _("All"), page.counts["all"]),
            ],
        },
    )


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _posted_id(request: HttpRequest, name: str) -> int:
    """The record id a form posted, or 0 (which matches nothing) when it is not a number."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else 0


def _membership_action(request: HttpRequest, org: Organisation) -> None:
    """Carry out a posted change through the services; what happened, or why not, as a message."""
    try:
        if request.POST.get("action") == "status":
            form = MembershipStatusForm(request.POST)
            membership = get_object_or_404(Membership, pk=_posted_id(request, "membership"), parent=org)
            if not form.is_valid():
                raise ValidationError(form.errors)
            membership = services.membership_set_status(
                actor=request.user,
                membership=membership,
                status=form.cleaned_data["status"],
                date=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
            )
            messages.success(
                request,
                _("%(member)s is now %(status)s.")
                % {"member": membership.member.name, "status": membership.get_status_display().lower()},
            )
        elif request.POST.get("action") == "add":
            add = MembershipAddForm(request.POST)
            if not add.is_valid():
                raise ValidationError(add.errors)
            member = get_object_or_404(Organisation, slug=add.cleaned_data["member"])
            services.membership_create(
                actor=request.user,
                member=member,
                parent=org,
                status=add.cleaned_data["status"],
                since=add.cleaned_data["since"],
            )
            messages.success(request, _("%(member)s was added to the members.") % {"member": member.name})
    except ValidationError as exc:
        report_errors(request, exc)


@login_required
def organisation_officers(request: HttpRequest, slug: str) -> HttpResponse:
    """The officers of an organisation and their terms: record a new officer, end a term."""
    org = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_manage_offices(request.user, org):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("action") == "end":
        _end_term(request, org)
        return redirect(request.path)
    if request.method == "POST" and request.POST.get("action") == "person":
        _correct_person(request, org)
        return redirect(request.path)
    people = {p.pk: p for p in queries.people_of(org)}
    form = OfficeForm(
        request.POST if request.method == "POST" else None,
        people=sorted(((pk, p.full_name) for pk, p in people.items()), key=lambda item: item[1]),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = people.get(data.get("person") or 0)
        try:
            office = services.office_assign(
                actor=request.user,
                organisation=org,
                role=data["role"],
                person=person,
                person_data=None if person else {f: data[f] for f in ("full_name", "title", "email", "phone")},
                start=data["start"],
                end=data["end"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was recorded as an officer.") % {"name": office.person.full_name})
            return redirect(request.path)
    current, past = queries.offices(org)
    return render(
        request,
        "registry/officers.html",
        {
            "org": org,
            "current": current,
            "past": past,
            "form": form,
            "editable": {o.pk for o in current if permissions.can_edit_person(request.user, o.person)},
        },
    )


def _correct_person(request: HttpRequest, org: Organisation) -> None:
    """Correct the details of the posted office's holder through the service; the outcome as a message."""
    office = get_object_or_404(
        Office.objects.select_related("person"), pk=_posted_id(request, "office"), organisation=org
    )
    form = PersonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        person = services.person_update(actor=request.user, person=office.person, data=form.cleaned_data)
    except ValidationError as exc:
        report_errors(request, exc)
        return
    messages.success(request, _("The details of %(name)s were saved.") % {"name": person.full_name})


def _end_term(request: HttpRequest, org: Organisation) -> None:
    """End the posted office's term through the service; what happened, or why not, as a message."""
    office = get_object_or_404(Office, pk=_posted_id(request, "office"), organisation=org)
    end = OfficeEndForm(request.POST)
    try:
        if not end.is_valid():
            raise ValidationError(end.errors)
        office = services.office_end(actor=request.user, office=office, end=end.cleaned_data["end"])
    except ValidationError as exc:
        report_errors(request, exc)
        return
    messages.success(
        request,
        _("The term of %(name)s as %(office)s ends on %(date)s.")
        % {
            "name": office.person.full_name,
            "office": office.get_role_display().lower(),
            "date": format_date(office.end) if office.end else "",
        },
    )


@login_required
def organisation_access(request: HttpRequest, slug: str) -> HttpResponse:
    """Who may edit an organisation's profile: invite someone by e-mail, remove an editor."""
    org = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_manage_access(request.user, org):
        raise PermissionDenied
    secretariat = is_secretariat(request.user)
    form = AccessInviteForm(request.POST if request.POST.get("action") == "invite" else None, secretariat=secretariat)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                access = get_object_or_404(
                    OrganisationAccess.objects.select_related("user"),
                    pk=_posted_id(request, "access"),
                    organisation=org,
                )
                access_services.access_revoke(actor=request.user, access=access)
                messages.success(
                    request, _("%(user)s can no longer edit this organisation.") % {"user": access.user.get_username()}
                )
                return redirect(request.path)
            if request.POST.get("action") == "withdraw":
                invitation = get_object_or_404(AccessInvitation, pk=_posted_id(request, "invitation"), organisation=org)
                access_services.invitation_withdraw(actor=request.user, invitation=invitation)
                messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
                return redirect(request.path)
            if form.is_valid():
                invitation = access_services.access_invite(
                    actor=request.user,
                    organisation=org,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
                messages.success(
                    request,
                    _(
                        "An invitation is on its way to %(email)s. They will be able to act for this organisation "
                        "once they accept it."
                    )
                    % {"email": invitation.email},
                )
                return redirect(request.path)
        except ValidationError as exc:
            form_errors(form, exc)
    people = queries.access_to(org)
    invitations = queries.invitations_to(org)[:100]
    return render(
        request,
        "registry/access.html",
        {"org": org, "people": people, "invitations": invitations, "form": form, "secretariat": secretariat},
    )


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's e-mail links to: accept (logged in with the invited address, or by choosing a
    password for a new account) or decline."""
    inv = access_services.invitation_from_token(token)
    if inv is None:
        raise Http404(_("This invitation link is not valid, or has expired."))
    form = InvitationPasswordForm(request.POST if request.POST.get("action") == "create" else None)
    has_account = queries.has_account(inv.email)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "decline":
                access_services.invitation_decline(invitation=inv)
                messages.success(request, _("You declined the invitation."))
                return redirect("registry:invitation", token=token)
            if action == "accept":
                access_services.invitation_accept(actor=request.user, invitation=inv)
            elif action == "create" and form.is_valid():
                access = access_services.invitation_accept_with_new_account(
                    invitation=inv, password=form.cleaned_data["password1"]
                )
                login(request, access.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                raise ValidationError({})
        except ValidationError as exc:
            if form.is_bound:
                form_errors(form, exc)
            else:
                report_errors(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You can now act for %(org)s.") % {"org": inv.organisation.name})
            return redirect(inv.organisation)
    inv.refresh_from_db()
    return render(
        request,
        "registry/invitation.html",
        {"invitation": inv, "form": form, "has_account": has_account, "token": token},
    )
