"""What the exchange tells people, through the platform's notification service, each in their own language.
The people of an organisation are those with access to it (editors and officers); an organisation without
people of its own is looked after by the officers of the federations it belongs to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cicopa.core import notifications
from cicopa.registry.models import MEMBER_STATUSES, AccessRole, Membership, Organisation, OrganisationAccess


def people_of(organisation: Organisation | int) -> list[Any]:
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    users = get_user_model().objects.filter(is_active=True)
    direct = list(users.filter(organisation_access__organisation_id=org_id).distinct().order_by("pk"))
    if direct:
        return direct
    parents = Membership.objects.filter(member_id=org_id, status__in=MEMBER_STATUSES).values("parent_id")
    officers = OrganisationAccess.objects.filter(organisation_id__in=parents, role=AccessRole.OFFICER).values("user_id")
    return list(users.filter(pk__in=officers).order_by("pk"))


def people_of_many(organisation_ids: Iterable[int]) -> dict[int, list[Any]]:
    """people_of for many organisations at once, in three queries whatever their number: {organisation id: its
    people}, those without any left out."""
    ids = set(organisation_ids)
    users = {
        u.pk: u for u in get_user_model().objects.filter(is_active=True, organisation_access__organisation_id__in=ids)
    }
    found: dict[int, list[Any]] = defaultdict(list)
    for org_id, user_id in (
        OrganisationAccess.objects.filter(organisation_id__in=ids)
        .values_list("organisation_id", "user_id")
        .order_by("organisation_id", "user_id")
    ):
        if user_id in users and users[user_id] not in found[org_id]:
            found[org_id].append(users[user_id])
    orphans = ids - set(found)
    if orphans:
        parents = defaultdict(set)
        for member_id, parent_id in Membership.objects.filter(
            member_id__in=orphans, status__in=MEMBER_STATUSES
        ).values_list("member_id", "parent_id"):
            parents[parent_id].add(member_id)
        officers = (
            OrganisationAccess.objects.filter(
                organisation_id__in=parents, role=AccessRole.OFFICER, user__is_active=True
            )
            .select_related("user")
            .order_by("user_id")
        )
        for access in officers:
            for member_id in parents[access.organisation_id]:
                if access.user not in found[member_id]:
                    found[member_id].append(access.user)
    return dict(found)


def _tell(
    organisation: Organisation, *, actor: Any, kind: str, subject: Any, template: str, context: dict[str, Any], url: str
) -> None:
    for user in people_of(organisation):
        if actor is not None and getattr(actor, "pk", None) == user.pk:
            continue  # nobody is told what they did themselves
        notifications.notify(
            user=user, kind=kind, subject=subject, body_template=template, context=context, url=url, actor=actor
        )


def listing_published(listing: Any, *, actor: Any) -> None:
    """A newly published listing that matches open listings of others: their publishers are told."""
    from cicopa.exchange import match_queries

    told: set[int] = set()
    for match in match_queries.matches_for(listing, limit=10, notify=True):
        other = match.listing
        if other.organisation_id in told:
            continue
        told.add(other.organisation_id)
        _tell(
            other.organisation,
            actor=actor,
            kind="exchange.match",
            subject=_("A new listing matches “%(yours)s”"),
            template="exchange/email/match.txt",
            context={"yours": other.title, "listing": listing, "publisher": listing.organisation.name},
            url=listing.get_absolute_url(),
        )


def message_received(enquiry: Any, message: Any, *, to: Organisation, actor: Any) -> None:
    _tell(
        to,
        actor=actor,
        kind="exchange.message",
        subject=_("%(sender)s wrote about “%(listing)s”"),
        template="exchange/email/message.txt",
        context={"sender": message.organisation.name, "listing": enquiry.listing.title, "body": message.body},
        url=enquiry.get_absolute_url(),
    )


def proposal_made(order: Any, proposal: Any, *, to: Organisation, actor: Any) -> None:
    _tell(
        to,
        actor=actor,
        kind="exchange.proposal",
        subject=_("%(party)s proposes terms for order %(number)s"),
        template="exchange/email/proposal.txt",
        context={"party": proposal.organisation.name, "number": order.pk, "order": order, "proposal": proposal},
        url=order.get_absolute_url(),
    )


ORDER_SUBJECTS = {
    "accept": _("%(party)s accepted the terms of order %(number)s"),
    "decline": _("%(party)s declined the terms of order %(number)s"),
    "withdraw": _("%(party)s withdrew its proposal for order %(number)s"),
    "deliver": _("%(party)s delivered order %(number)s"),
}


def order_step(order: Any, *, step: str, to: Organisation, actor: Any) -> None:
    party = order.buyer if to.pk == order.seller_id else order.seller
    _tell(
        to,
        actor=actor,
        kind=f"exchange.order.{step}",
        subject=ORDER_SUBJECTS[step],
        template="exchange/email/order.txt",
        context={"party": party.name, "number": order.pk, "order": order, "step": step},
        url=order.get_absolute_url(),
    )


def invoice_issued(invoice: Any, *, actor: Any) -> None:
    _tell(
        invoice.buyer,
        actor=actor,
        kind="exchange.invoice",
        subject=_("Invoice %(number)s from %(seller)s"),
        template="exchange/email/invoice.txt",
        context={"number": invoice.number, "seller": invoice.seller.name, "invoice": invoice},
        url=invoice.get_absolute_url(),
    )


INVOICE_SUBJECTS = {
    "acknowledge": _("%(party)s acknowledged invoice %(number)s"),
    "dispute": _("%(party)s disputed invoice %(number)s"),
    "pay": _("%(party)s recorded invoice %(number)s as paid"),
    "cancel": _("%(party)s cancelled invoice %(number)s"),
}


def invoice_step(invoice: Any, *, step: str, to: Organisation, actor: Any) -> None:
    party = invoice.buyer if to.pk == invoice.seller_id else invoice.seller
    _tell(
        to,
        actor=actor,
        kind=f"exchange.invoice.{step}",
        subject=INVOICE_SUBJECTS[step],
        template="exchange/email/invoice_step.txt",
        context={"party": party.name, "number": invoice.number, "invoice": invoice, "step": step},
        url=invoice.get_absolute_url(),
    )
