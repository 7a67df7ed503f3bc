"""Every write on the registry. Each function checks permissions, validates, saves and audits in one
transaction; pages, the API, imports and the CLI all come through here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cicopa.core import audit, subdivisions, versions
from cicopa.core import names as core_names
from cicopa.core.errors import EditConflict, PermissionDenied, ValidationError
from cicopa.core.models import Country, Sector
from cicopa.core.roles import is_secretariat
from cicopa.core.validators import text_problem
from cicopa.registry import permissions
from cicopa.registry.fields import PROFILE_FIELDS, SECRETARIAT_FIELDS
from cicopa.registry.models import (
    Membership,
    MembershipEvent,
    MembershipStatus,
    Office,
    Organisation,
    OrganisationKind,
    Person,
)

AUDITED_FIELDS = (*PROFILE_FIELDS, *SECRETARIAT_FIELDS)


def slug_base(name: str) -> str:
    return (slugify(name) or "organisation")[:100]


def unique_slug(name: str, *, taken: set[str] | None = None) -> str:
    base = slug_base(name)
    candidate, n = base, 1
    while (taken is not None and candidate in taken) or (Organisation.objects.filter(slug=candidate).exists()):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _snapshot(org: Organisation) -> dict[str, Any]:
    data = audit.snapshot(
        org, [f if f not in {"country", "membership_type", "legal_form"} else f + "_id" for f in AUDITED_FIELDS]
    )
    data["sectors"] = sorted(org.sectors.values_list("code", flat=True)) if org.pk else []
    return data


def organisation_snapshot(org: Organisation) -> dict[str, Any]:
    """The profile as the audit log records it: what an editor reads, and what a conflict compares."""
    return _snapshot(org)


def organisation_version(org: Organisation) -> str:
    return versions.version(_snapshot(org))


def _apply(org: Organisation, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(data) - allowed - {"sectors"}
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in sorted(unknown)})
    for field, value in data.items():
        if field != "sectors":
            setattr(org, field, "" if value is None and _is_text(field) else value)


def _is_text(field: str) -> bool:
    return Organisation._meta.get_field(field).get_internal_type() in {
        "CharField",
        "TextField",
        "EmailField",
        "URLField",
        "SlugField",
    }


def _settle_location(org: Organisation, before: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    """Coordinates set anew without saying they are approximate are taken as exact; no coordinates, no
    approximate location."""
    moved = (org.latitude, org.longitude) != (before.get("latitude"), before.get("longitude"))
    if org.latitude is None or org.longitude is None or (moved and "location_approximate" not in data):
        org.location_approximate = False


def _settle_subdivision(org: Organisation, data: Mapping[str, Any]) -> None:
    """A subdivision is written as ISO writes its code ('fr-ara ' is FR-ARA). A change of country that does not
    say the subdivision too leaves the old one behind, in the other country: it is cleared (the audit entry
    says so). A subdivision given with the change is checked against the new country (_validate)."""
    org.subdivision = (org.subdivision or "").strip().upper()
    if "country" in data and "subdivision" not in data and not subdivisions.is_valid(org.subdivision, org.country_id):
        org.subdivision = ""


def subdivision_problem(code: str, country: Country | None) -> str | None:
    """What is wrong with `code` as the subdivision of an organisation in `country`, in the reader's language;
    None if nothing is (no code, or one of the country's)."""
    if not code or subdivisions.is_valid(code, country.iso2 if country else None):
        return None
    other = subdivisions.country_of(code)
    code = code if len(code) <= subdivisions.MAX_LENGTH else code[: subdivisions.MAX_LENGTH] + "…"
    if country is None:
        return _("A subdivision is part of a country: choose the country first.")
    if other is None:
        example = next(iter(subdivisions.subdivisions(country.iso2)), None)
        if example is None:
            return _(
                "Unknown subdivision %(code)s: ISO 3166-2 lists no subdivisions of %(country)s; leave this empty."
            ) % {
                "code": code,
                "country": country.name,
            }
        return _(
            "Unknown subdivision %(code)s: give the ISO 3166-2 code of a subdivision of %(country)s, "
            "such as %(example)s."
        ) % {
            "code": code,
            "country": country.name,
            "example": example.code,
        }
    return _(
        "%(name)s (%(code)s) is in %(other)s, not in %(country)s: choose a subdivision of %(country)s, or none."
    ) % {
        "name": subdivisions.name(code),
        "code": code,
        "other": core_names.territory_name(other),
        "country": country.name,
    }


def _validate(org: Organisation, *, name_given: bool = True, unknown: Iterable[str] = ()) -> None:
    """Every problem of the organisation at once, so that an editor corrects them in one round. `unknown`:
    fields whose value a form could not read (it says why); they are not judged here."""
    unknown = set(unknown)
    problems: dict[str, list[str]] = {}
    if not name_given:
        problems["name"] = [_("An organisation needs a name.")]
    # Its own message for a subdivision that is no code of the country, whatever its length.
    checked = org.subdivision and not {"subdivision", "country"} & unknown
    if checked and (message := subdivision_problem(org.subdivision, org.country)):
        problems["subdivision"] = [message]
    try:
        org.full_clean(exclude=["search_title", "search_body", *unknown, *problems], validate_unique=True)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            problems.setdefault(field, messages)
    coordinates = {"latitude", "longitude"}
    if (org.latitude is None) != (org.longitude is None) and not coordinates & (unknown | set(problems)):
        problems["longitude"] = [_("Give both latitude and longitude, or neither.")]
    if problems:
        raise ValidationError(problems)


def _sectors(data: Mapping[str, Any]) -> list[Sector] | None:
    if "sectors" not in data:
        return None
    values = list(data["sectors"] or [])
    codes = [v.code if isinstance(v, Sector) else str(v) for v in values]
    found = {s.code: s for s in Sector.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({"sectors": _("Unknown sector: %(codes)s") % {"codes": ", ".join(missing)}})
    return [found[c] for c in codes]


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    data: Mapping[str, Any],
    parent: Organisation | None = None,
    member_since: datetime.date | None = None,
    is_demo: bool = False,
) -> Organisation:
    """Create an organisation; with `parent`, it becomes an active member of it from `member_since`
    (today by default). Officers create co-operatives in their own organisation this way."""
    kind = data.get("kind", OrganisationKind.COOPERATIVE)
    if not permissions.can_create_organisation(actor, kind, parent):
        raise PermissionDenied(_("You may not create this organisation."))
    org = Organisation(kind=kind, is_demo=is_demo)
    allowed = (*PROFILE_FIELDS, *SECRETARIAT_FIELDS) if is_secretariat(actor) else (*PROFILE_FIELDS, "kind")
    _apply(org, data, allowed)
    _settle_location(org, {}, data)
    _settle_subdivision(org, data)
    org.slug = data.get("slug") or unique_slug(org.name)
    sectors = _sectors(data)
    org.refresh_search_text([s.code for s in sectors or []])
    _validate(org, name_given=bool((data.get("name") or "").strip()))
    org.save()
    if sectors:
        org.sectors.set(sectors)
    audit.record(actor=actor, action="registry.organisation.create", obj=org, changes=audit.diff({}, _snapshot(org)))
    if parent is not None:
        membership_create(actor=actor, member=org, parent=parent, status=MembershipStatus.ACTIVE, since=member_since)
    return org


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, data: Mapping[str, Any], based_on: str | None = None
) -> Organisation:
    """Change an organisation's profile. Only the fields in `data` change. With `based_on` (the version the
    editor read, see organisation_version), a profile changed since by someone else is not overwritten:
    EditConflict instead."""
    if not permissions.can_edit_organisation(actor, organisation):
        raise PermissionDenied(_("You may not edit this organisation."))
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = _snapshot(org)
    if based_on is not None and based_on != versions.version(before):
        raise EditConflict(
            _("Someone else changed this organisation after you opened it; your changes were not saved."),
            current=versions.version(before),
        )
    allowed = (*PROFILE_FIELDS, *SECRETARIAT_FIELDS) if is_secretariat(actor) else PROFILE_FIELDS
    _apply(org, data, allowed)
    _settle_location(org, before, data)
    _settle_subdivision(org, data)
    sectors = _sectors(data)
    codes = [s.code for s in sectors] if sectors is not None else list(org.sectors.values_list("code", flat=True))
    org.refresh_search_text(codes)
    _validate(org, name_given="name" not in data or bool((data.get("name") or "").strip()))
    org.save()
    if sectors is not None:
        org.sectors.set(sectors)
    changes = audit.diff(before, _snapshot(org))
    if changes:
        audit.record(actor=actor, action="registry.organisation.update", obj=org, changes=changes)
    return org


def organisation_check(
    *, actor: Any, organisation: Organisation | None, data: Mapping[str, Any], unknown: Iterable[str] = ()
) -> None:
    """Raise a ValidationError with every problem that saving `data` on `organisation` (None: a new one) would
    meet, and write nothing: a form shows them beside its own in the same round. `unknown`: fields the form
    could not read, left out of the checks."""
    secretariat = is_secretariat(actor)
    if organisation is None:
        org = Organisation(kind=data.get("kind", OrganisationKind.COOPERATIVE))
        allowed: tuple[str, ...] = (*PROFILE_FIELDS, *SECRETARIAT_FIELDS) if secretariat else (*PROFILE_FIELDS, "kind")
    else:
        if not permissions.can_edit_organisation(actor, organisation):
            raise PermissionDenied(_("You may not edit this organisation."))
        org = Organisation.objects.get(pk=organisation.pk)
        allowed = (*PROFILE_FIELDS, *SECRETARIAT_FIELDS) if secretariat else PROFILE_FIELDS
    _apply(org, {k: v for k, v in data.items() if k in allowed}, allowed)
    _settle_subdivision(org, data)
    if organisation is None:
        org.slug = data.get("slug") or unique_slug(org.name or "organisation")
    _validate(org, name_given="name" in unknown or bool((org.name or "").strip()), unknown=unknown)


@transaction.atomic
def membership_create(
    *,
    actor: Any,
    member: Organisation,
    parent: Organisation,
    status: str = MembershipStatus.APPLICANT,
    since: datetime.date | None = None,
    note: str = "",
) -> Membership:
    if not permissions.can_manage_membership(actor, parent=parent):
        raise PermissionDenied(_("You may not manage the members of %(parent)s.") % {"parent": parent})
    if not permissions.can_add_member(actor, parent=parent, member=member):
        raise PermissionDenied(
            _(
                "%(member)s already belongs to a federation, has its own editors or is in another country: only the "
                "secretariat can link it to %(parent)s."
            )
            % {"member": member, "parent": parent}
        )
    if member.pk == parent.pk:
        raise ValidationError({"parent": _("An organisation cannot be a member of itself.")})
    if status not in MembershipStatus.values:
        raise ValidationError({"status": _("Unknown membership status: %(status)s") % {"status": status}})
    if Membership.objects.filter(member=member, parent=parent).exists():
        raise ValidationError(
            {"parent": _("%(member)s is already linked to %(parent)s.") % {"member": member, "parent": parent}}
        )
    if _is_ancestor(member, parent):
        raise ValidationError(
            {
                "parent": _("%(parent)s already belongs to %(member)s; a cycle is not allowed.")
                % {"member": member, "parent": parent}
            }
        )
    today = timezone.localdate()
    if since and since > today:
        raise ValidationError({"since": _("The date cannot be in the future: record the change when it happens.")})
    _check_note(note)
    m = Membership.objects.create(member=member, parent=parent, status=status, since=since or today)
    MembershipEvent.objects.create(membership=m, status=status, date=since or today, note=note)
    audit.record(actor=actor, action="registry.membership.create", obj=m, changes={"status": [None, status]})
    return m


def _check_note(note: str) -> None:
    """A membership event's note: what its column holds, as plain text."""
    if message := text_problem(note, MembershipEvent._meta.get_field("note").max_length):
        raise ValidationError({"note": message})


def _is_ancestor(candidate: Organisation, of: Organisation) -> bool:
    """True when `of` already belongs, directly or not, to `candidate`."""
    seen: set[int] = set()
    frontier = {of.pk}
    while frontier:
        if candidate.pk in frontier:
            return True
        seen |= frontier
        frontier = set(Membership.objects.filter(member_id__in=frontier).values_list("parent_id", flat=True)) - seen
    return False


@transaction.atomic
def membership_set_status(
    *, actor: Any, membership: Membership, status: str, date: datetime.date | None = None, note: str = ""
) -> Membership:
    if not permissions.can_manage_membership(actor, parent=membership.parent):
        raise PermissionDenied(_("You may not manage the members of %(parent)s.") % {"parent": membership.parent})
    if status not in MembershipStatus.values:
        raise ValidationError({"status": _("Unknown membership status: %(status)s") % {"status": status}})
    m = Membership.objects.select_for_update().select_related("member", "parent").get(pk=membership.pk)
    if not permissions.can_set_membership_status(actor, membership=m, status=status):
        raise PermissionDenied(
            _(
                "%(member)s now belongs to another federation, has its own editors or is in another country: only "
                "the secretariat can make it a member of %(parent)s again."
            )
            % {"member": m.member, "parent": m.parent}
        )
    if m.status == status:
        raise ValidationError(
            {"status": _("The membership is already %(status)s.") % {"status": m.get_status_display()}}
        )
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future: record the change when it happens.")})
    if m.since and date < m.since:
        raise ValidationError({"date": _("The date cannot be before the membership began.")})
    _check_note(note)
    old = m.status
    m.status = status
    m.until = date if status in (MembershipStatus.WITHDRAWN, MembershipStatus.EXPELLED) else None
    m.save(update_fields=["status", "until"])
    MembershipEvent.objects.create(membership=m, status=status, date=date, note=note)
    audit.record(
        actor=actor, action="registry.membership.set_status", obj=m, changes={"status": [old, status], "note": note}
    )
    return m


@transaction.atomic
def office_assign(
    *,
    actor: Any,
    organisation: Organisation,
    role: str,
    person: Person | None = None,
    person_data: Mapping[str, Any] | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    is_demo: bool = False,
) -> Office:
    """Give an office in `organisation` to an existing person or to a new one described by `person_data`."""
    if not permissions.can_manage_offices(actor, organisation):
        raise PermissionDenied(_("You may not manage the officers of %(org)s.") % {"org": organisation})
    if person is None:
        person = Person(is_demo=is_demo, **dict(person_data or {}))
        person.full_clean()
        person.save()
        audit.record(
            actor=actor, action="registry.person.create", obj=person, changes={"full_name": [None, person.full_name]}
        )
    office = Office(person=person, organisation=organisation, role=role, start=start, end=end)
    if start and end and end < start:
        raise ValidationError({"end": _("A term cannot end before it starts.")})
    office.full_clean()
    office.save()
    audit.record(
        actor=actor,
        action="registry.office.assign",
        obj=office,
        changes={
            "role": [None, role],
            "start": [None, str(start) if start else None],
            "end": [None, str(end) if end else None],
        },
    )
    return office


@transaction.atomic
def office_end(*, actor: Any, office: Office, end: datetime.date | None = None) -> Office:
    if not permissions.can_manage_offices(actor, office.organisation):
        raise PermissionDenied(_("You may not manage the officers of %(org)s.") % {"org": office.organisation})
    end = end or timezone.localdate()
    if office.start and end < office.start:
        raise ValidationError({"end": _("A term cannot end before it starts.")})
    old = office.end
    office.end = end
    office.save(update_fields=["end"])
    audit.record(
        actor=actor, action="registry.office.end", obj=office, changes={"end": [str(old) if old else None, str(end)]}
    )
    return office


PERSON_FIELDS = ("full_name", "title", "email", "phone")


@transaction.atomic
def person_save(*, actor: Any, person: Person, changed: Iterable[str] = PERSON_FIELDS) -> Person:
    """Create or correct a person's details (the secretariat's back office)."""
    if not is_secretariat(actor):
        raise PermissionDenied(_("Only the secretariat edits people's details here."))
    before = audit.snapshot(Person.objects.get(pk=person.pk), PERSON_FIELDS) if person.pk else {}
    person.full_clean()
    person.save()
    changes = audit.diff(before, audit.snapshot(person, PERSON_FIELDS))
    audit.record(
        actor=actor,
        action="registry.person.update" if before else "registry.person.create",
        obj=person,
        changes=changes,
    )
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, data: Mapping[str, Any]) -> Person:
    """Correct the details of someone who holds or held an office (see permissions.can_edit_person)."""
    if not permissions.can_edit_person(actor, person):
        raise PermissionDenied(_("You may not change the details of %(name)s.") % {"name": person.full_name})
    before = audit.snapshot(person, PERSON_FIELDS)
    for f in PERSON_FIELDS:
        if f in data:
            setattr(person, f, data[f])
    person.full_clean()
    person.save()
    changes = audit.diff(before, audit.snapshot(person, PERSON_FIELDS))
    if changes:
        audit.record(actor=actor, action="registry.person.update", obj=person, changes=changes)
    return person
