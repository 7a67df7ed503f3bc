"""The exchange of goods and services between co-operatives: offers and needs (listings), the enquiries
about them, orders agreed between two organisations, and the invoices that follow.

Amounts are integers in the minor unit of their ISO 4217 currency (cents for EUR, none for JPY), never floats;
`core.money` formats them for the reader. Rules that touch one record live here; everything that writes is in
`services.py` (listings), `trade_services.py` (enquiries and orders) and `invoice_services.py` (invoices)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cicopa.core.i18n import CONTENT_LANGUAGES, TranslatedName, in_reader_language
from cicopa.core.models import Country, PlainTextModel, Sector
from cicopa.registry.models import Organisation

# The largest amount (in minor units) that any price, line or invoice may hold: 999,999,999,999 cents is just
# under a thousand million euros, far above any trade between co-operatives, and far below what a 64-bit
# integer holds even after a quantity multiplies it.
MAX_AMOUNT_MINOR = 999_999_999_999
MAX_QUANTITY = Decimal("999999999.999")

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES if code in CONTENT_LANGUAGES]


class CategoryLevel(models.TextChoices):
    SECTION = "section", _("section")
    DIVISION = "division", _("division")


class Category(TranslatedName):
    """A section (one digit) or division (two digits) of the UN Central Product Classification, Ver. 2.1.
    Goods and services are listed under a division (or a section when nothing finer fits); matching compares
    categories, so a need written in Spanish finds an offer written in French."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    level = models.CharField(_("level"), max_length=10, choices=CategoryLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("section")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("product category (UN CPC)")
        verbose_name_plural = _("product categories (UN CPC)")

    @property
    def section_code(self) -> str:
        return self.code[:1]

    def label(self) -> str:
        return f"{self.code} {self.name}"


class Unit(TranslatedName):
    """A unit of measure by its UN/CEFACT Recommendation 20 common code (KGM, HUR, H87, ...)."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    symbol = models.CharField(_("symbol"), max_length=12, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("unit of measure")
        verbose_name_plural = _("units of measure")

    def short(self) -> str:
        return self.symbol or self.name


class Direction(models.TextChoices):
    OFFER = "offer", _("Offer")
    NEED = "need", _("Need")


class ListingKind(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICES = "services", _("Services")
    TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")
    KNOW_HOW = "know_how", _("Know-how")


class Scope(models.TextChoices):
    """How far a listing reaches: an offer delivers that far, a need accepts partners from that far."""

    LOCAL = "local", _("Local")
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    INTERNATIONAL = "international", _("International")


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


class Listing(PlainTextModel):
    """An offer or a need of one organisation, written in one language, optionally translated."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="listings", verbose_name=_("organisation")
    )
    direction = models.CharField(_("offer or need"), max_length=5, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=ListingKind.choices)
    language = models.CharField(_("written in"), max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5_000, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="listings", verbose_name=_("category (UN CPC)")
    )
    sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("sector")
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(MAX_QUANTITY)],
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    # None: "price on request".
    price_minor = models.BigIntegerField(
        _("price per unit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_MINOR)],
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"), db_index=False
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    scope = models.CharField(_("delivery scope"), max_length=16, choices=Scope.choices, default=Scope.NATIONAL)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Full-text index columns (see search.py): folded text of the title and description in every language the
    # listing has, and its filter values as terms.
    search_title = models.TextField(max_length=2_000, blank=True, editable=False)
    search_body = models.TextField(max_length=40_000, blank=True, editable=False)
    search_tags = models.TextField(max_length=1_000, blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        indexes = [
            models.Index(fields=["status", "direction", "category"], name="exchange_listing_match"),
            models.Index(fields=["organisation", "status"], name="exchange_listing_org"),
            models.Index(fields=["status", "valid_until"], name="exchange_listing_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="exchange_listing_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchange:listing", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == ListingStatus.PUBLISHED

    def text_in(self, language: str | None = None) -> tuple[str, str, str]:
        """(title, description, language) as a reader of `language` sees it: their own language where a
        translation exists, else the original. Uses prefetched translations when there are any."""
        shown, shown_in = in_reader_language(self.language, self, self.translations.all(), language)
        return shown.title, shown.description, shown_in


class ListingTranslation(PlainTextModel):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5_000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["listing", "language"], name="exchange_translation_once")]


class Enquiry(models.Model):
    """A private thread between an organisation and the publisher of a listing: only the two parties (their
    editors and officers) and the secretariat read it."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="enquiries")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="enquiries_sent", verbose_name=_("from")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message"), db_index=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        constraints = [
            models.UniqueConstraint(fields=["listing", "organisation"], name="exchange_enquiry_once"),
        ]

    def __str__(self) -> str:
        return str(self.listing)

    def get_absolute_url(self) -> str:
        return reverse("exchange:enquiry", args=[self.pk])

    @property
    def parties(self) -> tuple[int, int]:
        return (self.organisation_id, self.listing.organisation_id)


class Message(PlainTextModel):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="messages")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5_000)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class OrderStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # terms proposed, none accepted yet
    AGREED = "agreed", _("Agreed")
    DECLINED = "declined", _("Declined")  # the first proposal was declined or withdrawn: nothing was agreed
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class Order(models.Model):
    """An order between a seller and a buyer. Its terms are those of the last accepted proposal; a change is a
    new proposal that the other party accepts (OrderProposal)."""

    listing = models.ForeignKey(Listing, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    enquiry = models.ForeignKey(Enquiry, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    seller = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="orders_sold", verbose_name=_("seller")
    )
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="orders_bought", verbose_name=_("buyer")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.PROPOSED, db_index=True
    )
    description = models.CharField(_("what"), max_length=300)
    # The agreed terms (empty until a proposal is accepted).
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_price_minor = models.BigIntegerField(_("unit price"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["seller", "status"], name="exchange_order_seller"),
            models.Index(fields=["buyer", "status"], name="exchange_order_buyer"),
        ]

    def __str__(self) -> str:
        return _("Order %(number)s") % {"number": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("exchange:order", args=[self.pk])

    @property
    def total_minor(self) -> int | None:
        if self.quantity is None or self.unit_price_minor is None:
            return None
        return line_amount(self.quantity, self.unit_price_minor)


def line_amount(quantity: Decimal, unit_price_minor: int) -> int:
    """quantity x unit price, in minor units, rounded half up to a whole minor unit."""
    from decimal import ROUND_HALF_UP

    return int((Decimal(quantity) * unit_price_minor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Replaced by a newer proposal")


class OrderProposal(models.Model):
    """Terms that one party proposes and the other accepts or declines; at most one pending per order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="proposals")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_price_minor = models.BigIntegerField(_("unit price"))
    currency = models.CharField(_("currency"), max_length=3)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(status="pending"), name="exchange_one_pending_proposal"
            ),
        ]

    def __str__(self) -> str:
        return _("Proposal for order %(number)s") % {"number": self.order_id}

    @property
    def total_minor(self) -> int:
        return line_amount(self.quantity, self.unit_price_minor)


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DISPUTED = "disputed", _("Disputed")
    PAID = "paid", _("Paid")
    PARTLY_CLEARED = "partly_cleared", _("Partly cleared")
    CLEARED = "cleared", _("Cleared")
    CANCELLED = "cancelled", _("Cancelled")


class InvoiceSource(models.TextChoices):
    ORDER = "order", _("From an order")
    ENTERED = "entered", _("Entered")
    IMPORTED = "imported", _("Imported")


class Invoice(PlainTextModel):
    """An invoice from a seller to a buyer. Its number is gapless per seller and year (`year`, `sequence`):
    invoices are never deleted, only cancelled."""

    seller = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invoices_issued", verbose_name=_("seller")
    )
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invoices_received", verbose_name=_("buyer")
    )
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices")
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    external_number = models.CharField(
        _("seller's own number"),
        max_length=60,
        blank=True,
        help_text=_("For trade done off the platform: the number on the seller's own invoice."),
    )
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    currency = models.CharField(_("currency"), max_length=3)
    total_minor = models.BigIntegerField(
        _("total"), validators=[MinValueValidator(1), MaxValueValidator(MAX_AMOUNT_MINOR)]
    )
    # Set by the clearing house: how much of the total was set off against other invoices.
    cleared_minor = models.BigIntegerField(_("cleared"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN, db_index=True
    )
    notes = models.TextField(_("notes"), max_length=2_000, blank=True)
    dispute_reason = models.TextField(_("reason for the dispute"), max_length=2_000, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=InvoiceSource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["seller", "year", "sequence"], name="exchange_invoice_number"),
            models.CheckConstraint(condition=~models.Q(seller=models.F("buyer")), name="exchange_invoice_parties"),
            models.CheckConstraint(condition=models.Q(due_date__gte=models.F("issue_date")), name="exchange_due"),
        ]
        indexes = [
            models.Index(fields=["buyer", "status"], name="exchange_invoice_buyer"),
            models.Index(fields=["status", "issue_date"], name="exchange_invoice_status"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.year}-{self.sequence:05d}"

    @property
    def outstanding_minor(self) -> int:
        return self.total_minor - self.cleared_minor

    def get_absolute_url(self) -> str:
        return reverse("exchange:invoice", args=[self.pk])


class InvoiceLine(PlainTextModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_price_minor = models.BigIntegerField(_("unit price"))
    amount_minor = models.BigIntegerField(_("amount"))

    class Meta:
        ordering = ["position", "id"]


class InvoiceCounter(models.Model):
    """The last invoice sequence of a seller in a year: taken and raised in the transaction that writes the
    invoice, so numbers have no gaps and no doubles."""

    seller = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "year"], name="exchange_counter_once")]

    def __str__(self) -> str:
        return f"{self.seller_id}/{self.year}: {self.last}"


class TradeEvent(models.Model):
    """One step in the history of an order or an invoice, as its parties read it."""

    class Action(models.TextChoices):
        PROPOSED = "proposed", _("proposed terms")
        ACCEPTED = "accepted", _("accepted the terms")
        DECLINED = "declined", _("declined the terms")
        WITHDRAWN = "withdrawn", _("withdrew the proposal")
        DELIVERED = "delivered", _("marked the order delivered")
        CANCELLED = "cancelled", _("cancelled")
        ISSUED = "issued", _("issued the invoice")
        ACKNOWLEDGED = "acknowledged", _("acknowledged the invoice")
        DISPUTED = "disputed", _("disputed the invoice")
        PAID = "paid", _("recorded the payment")
        CLEARED = "cleared", _("cleared by set-off")

    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
