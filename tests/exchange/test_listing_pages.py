"""The pages of offers and needs as each role sees them: the directory, a listing, the form that writes one, an
organisation's own listings and their matches, the exchange's part of the account page and of a profile; who may
see and change what; text in the reader's language; prices as people type them."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from cicopa.core.models import AuditEntry
from cicopa.exchange import services
from cicopa.exchange.forms import parse_number
from cicopa.exchange.models import Listing, ListingStatus

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def publish(actor, organisation, listing_data, *, publish=True, **overrides):
    return services.listing_create(
        actor=actor, organisation=organisation, data=listing_data(**overrides), publish=publish
    )


@pytest.fixture
def offer(trade, charlie, listing_data):
    """The French joinery's offer, written in French, translated into Spanish."""
    return publish(
        charlie,
        trade["menuiserie"],
        listing_data,
        language="fr",
        title="Fenêtres en chêne massif",
        description="Fenêtres en chêne sur mesure, livrées dans toute l'Europe.",
        translations={"es": {"title": "Ventanas de roble macizo", "description": "Ventanas de roble a medida."}},
    )


@pytest.fixture
def need(trade, erika, listing_data):
    """The Spanish builder's need of oak windows, in the same division (38), written in Spanish."""
    return publish(
        erika,
        trade["constructora"],
        listing_data,
        direction="need",
        language="es",
        title="Necesitamos ventanas de roble",
        description="Ventanas de roble para un edificio de viviendas.",
        quantity="40",
        price_minor=None,
        currency="",
        translations={"en": {"title": "We need oak windows", "description": "Oak windows for a block of flats."}},
    )


@pytest.fixture
def draft(trade, charlie, listing_data):
    return publish(charlie, trade["menuiserie"], listing_data, publish=False, title="Escaliers en hêtre", language="fr")


def users(request_fixture, names):
    return {name: request_fixture.getfixturevalue(name) if name else None for name in names}


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---------------------------------------------------------------------------------------------------------------
# The directory


@pytest.mark.parametrize("who", [None, "dave", "charlie", "bob", "alice", "erika"])
def test_the_directory_lists_open_listings_for_everyone(client, request, offer, need, draft, who):
    user = request.getfixturevalue(who) if who else None
    html = text(as_user(client, user).get("/exchange/"))
    assert "Necesitamos ventanas de roble" not in html  # shown in English, its translation
    assert "We need oak windows" in html and "Fenêtres en chêne massif" in html
    assert "Escaliers en hêtre" not in html  # a draft is in "our listings", never in the directory
    publishes = who in ("charlie", "bob", "erika")  # those who act for an organisation
    assert ("Publish an offer or a need" in html) == publishes
    assert '<a href="/exchange/" aria-current="page">Exchange</a>' in html


def test_a_card_shows_direction_category_publisher_place_price_and_end(client, trade, charlie, listing_data):
    publish(
        charlie,
        trade["menuiserie"],
        listing_data,
        valid_until=(TODAY + datetime.timedelta(days=30)).isoformat(),
        city="Villeurbanne",
    )
    html = text(client.get("/exchange/"))
    assert '<span class="badge">Offer</span>' in html
    assert "38 Furniture; other transportable goods n.e.c." in html
    assert '<a href="/organisations/menuiserie/">Menuiserie Coopérative de Lyon</a>' in html
    assert "Villeurbanne, France" in html
    assert "€250.00 per piece" in html
    assert "Valid until" in html
    html = text(client.get("/fr/exchange/"))
    assert "250,00 €" in html and "pièce" in html  # CLDR's French (its spaces made plain), the unit's French name


def test_an_offer_without_a_price_is_on_request(client, trade, charlie, listing_data):
    publish(charlie, trade["menuiserie"], listing_data, price_minor=None, currency="")
    assert "Price on request" in text(client.get("/exchange/"))


def test_the_reader_sees_their_language_or_the_original_marked(client, offer):
    english = text(client.get("/exchange/"))
    assert f'<a href="/exchange/listings/{offer.pk}/" lang="fr">Fenêtres en chêne massif</a>' in english
    assert "Written in French" in english
    spanish = text(client.get("/es/exchange/"))
    assert "Ventanas de roble macizo" in spanish and "Fenêtres en chêne" not in spanish
    assert 'lang="fr"' not in spanish.split("results-list", 1)[1]
    french = text(client.get("/fr/exchange/"))
    assert "Fenêtres en chêne massif" in french and "écrit en" not in french.lower()


def test_the_mark_names_the_language_in_the_readers_language(client, need, trade, charlie, listing_data):
    publish(charlie, trade["menuiserie"], listing_data, language="es", title="Mesas de haya")
    assert "espagnol" in text(client.get("/fr/exchange/"))  # CLDR's name of the language, in French
    assert "Written in Spanish" in text(client.get("/exchange/"))


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("direction=need", ["We need oak windows"], ["Fenêtres en chêne massif"]),
        ("direction=offer", ["Fenêtres en chêne massif"], ["We need oak windows"]),
        ("category=3", ["Fenêtres en chêne massif", "We need oak windows"], []),  # a section: its divisions
        ("category=38", ["Fenêtres en chêne massif"], []),
        ("category=4", [], ["Fenêtres en chêne massif", "We need oak windows"]),
        ("country=ES", ["We need oak windows"], ["Fenêtres en chêne massif"]),
        ("q=ventanas", ["Fenêtres en chêne massif", "We need oak windows"], []),  # the Spanish translation
        ("q=fenetres+chene", ["Fenêtres en chêne massif"], ["We need oak windows"]),  # accents aside
        ("q=oak+flats", ["We need oak windows"], ["Fenêtres en chêne massif"]),
        ("organisation=constructora", ["We need oak windows"], ["Fenêtres en chêne massif"]),
        ("scope=local", [], ["Fenêtres en chêne massif", "We need oak windows"]),
    ],
)
def test_the_directory_filters(client, offer, need, query, shown, hidden):
    html = text(client.get("/exchange/?" + query))
    for title in shown:
        assert title in html, query
    for title in hidden:
        assert title not in html, query


def test_a_wrong_filter_is_said_and_left_out(client, offer):
    html = text(client.get("/exchange/?kind=magic&category=00&direction=offer"))
    assert "Some filters in the address could not be used" in html
    assert "Fenêtres en chêne massif" in html  # the filters that could be read still apply
    assert "Select a valid choice" in html


def test_the_directory_pages_and_says_where_results_end(client, trade, charlie, listing_data):
    for n in range(23):
        publish(charlie, trade["menuiserie"], listing_data, title=f"Chaise {n:02d}")
    first = text(client.get("/exchange/?sort=title"))
    assert "1\u201320 of 23 offers and needs" in first and "Chaise 19" in first and "Chaise 20" not in first
    assert 'href="?sort=title&amp;page=2"' in first
    second = text(client.get("/exchange/?sort=title&page=2"))
    assert "21\u201323 of 23 offers and needs" in second and "Chaise 22" in second
    past = text(client.get("/exchange/?page=9"))
    assert "There is no page 9: the results end at page 2." in past


def test_htmx_gets_the_results_alone(client, offer):
    response = client.get("/exchange/?direction=offer", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "Fenêtres en chêne massif" in html
    assert "HX-Request" in response["Vary"]


def test_the_directory_works_without_javascript(client, offer):
    html = text(client.get("/exchange/"))
    assert '<form id="listing-search" class="directory" method="get" action="/exchange/"' in html
    assert '<optgroup label="3 Other transportable goods' in html  # CPC sections group their divisions
    assert '<option value="38">38 Furniture' in html


def test_the_directory_costs_a_constant_number_of_queries(
    client, trade, charlie, erika, listing_data, django_assert_max_num_queries
):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/exchange/").status_code == 200
        return len(queries)

    client.force_login(charlie)
    publish(charlie, trade["menuiserie"], listing_data, translations={"es": {"title": "Ventanas"}})
    count()  # the first page of a session notes its language on the profile
    few = count()
    for n in range(15):
        publish(charlie, trade["menuiserie"], listing_data, title=f"Offre {n}", translations={"fr": {"title": "x"}})
        publish(erika, trade["constructora"], listing_data, title=f"Need {n}", direction="need", sector="construction")
    many = count()
    assert many == few
    # reference lists (4), the user and what they act for (3), the index: candidates, count, rows, translations,
    # the reader's own listings; facet counts; the header's count
    with django_assert_max_num_queries(20):
        client.get("/exchange/?q=offre&direction=offer&category=3&page=1")
    client.logout()
    with django_assert_max_num_queries(15):  # the same but the user's, and the page cache's generation
        client.get("/exchange/?q=offre&direction=offer&category=3&page=1")


# ---------------------------------------------------------------------------------------------------------------
# A listing


@pytest.mark.parametrize("who", [None, "dave", "charlie", "bob", "alice", "erika"])
def test_a_published_listing_shows_to_everyone(client, request, offer, who):
    user = request.getfixturevalue(who) if who else None
    response = as_user(client, user).get(f"/exchange/listings/{offer.pk}/")
    assert response.status_code == 200
    html = text(response)
    assert "Fenêtres en chêne massif" in html and "Menuiserie Coopérative de Lyon" in html
    assert "Construction" in html  # the publisher's sectors
    manages = who in ("charlie", "bob")
    assert (f'href="/exchange/listings/{offer.pk}/edit/"' in html) == manages
    assert (f'action="/exchange/listings/{offer.pk}/status/"' in html) == (manages or who == "alice")
    assert (f'action="/exchange/listings/{offer.pk}/enquire/"' in html) == (who == "erika")
    assert (f'href="/exchange/listings/{offer.pk}/order/"' in html) == (who == "erika")
    if who is None:
        assert "Log in to ask the publisher a question" in html
    if who == "dave":
        assert "You do not act for any organisation yet." in html


def test_a_listing_shows_its_translations(client, offer):
    html = text(client.get(f"/exchange/listings/{offer.pk}/"))
    assert "In other languages" in html
    assert "Spanish (translation)" in html and 'lang="es"' in html and "Ventanas de roble macizo" in html
    spanish = text(client.get(f"/es/exchange/listings/{offer.pk}/"))
    assert "<h1>Ventanas de roble macizo</h1>" in spanish and "Francés (original)" in spanish


def test_the_enquiry_form_asks_for_which_organisation_when_several(client, trade, offer, erika, alice):
    from cicopa.registry import access_services
    from cicopa.registry.models import AccessRole

    client.force_login(erika)
    html = text(client.get(f"/exchange/listings/{offer.pk}/"))
    assert 'name="body"' in html and 'name="organisation"' not in html  # one organisation: no choice to make
    access_services.access_grant(actor=alice, user=erika, organisation=trade["taxi"], role=AccessRole.EDITOR)
    html = text(client.get(f"/exchange/listings/{offer.pk}/"))
    assert '<select name="organisation"' in html
    assert f'<option value="{trade["taxi"].pk}">Coopérativa de Taxis Madrid</option>' in html
    assert 'name="body"' in html


def test_the_publisher_sees_its_matches_with_their_reasons(client, charlie, offer, need):
    client.force_login(charlie)
    html = text(client.get(f"/exchange/listings/{offer.pk}/"))
    assert "Needs that match this offer" in html
    assert "We need oak windows" in html
    assert "Same category: 38 Furniture; other transportable goods n.e.c." in html
    assert "Words in common:" in html and "roble" in html
    assert "Same region: Southern Europe" in html or "Both reach across borders" in html
    assert "Dates overlap" in html and "/ 100" in html
    french = text(client.get(f"/fr/exchange/listings/{offer.pk}/"))
    assert "Même catégorie" in french or "Same category" in french  # worded through gettext


@pytest.mark.parametrize(
    ("who", "status"), [(None, 404), ("dave", 404), ("erika", 404), ("charlie", 200), ("bob", 200), ("alice", 200)]
)
def test_a_draft_is_a_404_for_those_who_may_not_see_it(client, request, draft, who, status):
    user = request.getfixturevalue(who) if who else None
    assert as_user(client, user).get(f"/exchange/listings/{draft.pk}/").status_code == status


def test_an_unknown_listing_is_a_404(client, db):
    assert client.get("/exchange/listings/999999/").status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Writing a listing


@pytest.mark.parametrize(
    ("who", "status"), [("dave", 403), ("erika", 403), ("alice", 403), ("charlie", 200), ("bob", 200)]
)
def test_only_the_publishers_people_edit_a_listing(client, request, offer, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/exchange/listings/{offer.pk}/edit/").status_code == status


def test_the_edit_page_of_someone_elses_draft_is_a_404(client, dave, erika, draft):
    for user in (dave, erika):
        client.force_login(user)
        assert client.get(f"/exchange/listings/{draft.pk}/edit/").status_code == 404


def test_anonymous_people_are_sent_to_log_in(client, offer):
    for url in (
        "/exchange/listings/new/",
        f"/exchange/listings/{offer.pk}/edit/",
        "/exchange/mine/",
        "/exchange/matches/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_someone_who_acts_for_no_organisation_cannot_publish(client, dave, alice, charlie, trade):
    for user in (dave, alice):
        client.force_login(user)
        assert client.get("/exchange/listings/new/").status_code == 403
    client.force_login(charlie)
    assert client.get("/exchange/listings/new/?organisation=constructora").status_code == 403


def form_post(**overrides):
    data = {
        "organisation": "menuiserie",
        "direction": "offer",
        "kind": "goods",
        "language": "fr",
        "title": "Portes en chêne",
        "description": "Portes intérieures en chêne.",
        "category": "38",
        "sector": "construction",
        "quantity": "12,5",
        "unit": "H87",
        "price": "1 250,50",
        "currency": "EUR",
        "country": "FR",
        "city": "Lyon",
        "scope": "regional",
        "valid_from": "",
        "valid_until": "",
        "tr_es_title": "Puertas de roble",
        "tr_es_description": "",
        "tr_en_title": "",
        "tr_en_description": "",
        "tr_fr_title": "",
        "tr_fr_description": "",
    }
    data.update(overrides)
    return data


def test_a_new_listing_is_published_through_the_service(client, charlie, trade):
    client.force_login(charlie)
    page = text(client.get("/fr/exchange/listings/new/"))
    assert 'name="price"' in page and 'value="EUR" selected' in page  # the currency of the organisation's country
    response = client.post("/fr/exchange/listings/new/", form_post(publish=""))
    listing = Listing.objects.get(title="Portes en chêne")
    assert response.status_code == 302 and response["Location"] == f"/fr/exchange/listings/{listing.pk}/"
    assert listing.status == ListingStatus.PUBLISHED and listing.organisation == trade["menuiserie"]
    assert listing.price_minor == 125050 and str(listing.quantity) == "12.500"  # typed as a French reader does
    assert listing.text_in("es")[0] == "Puertas de roble"
    assert AuditEntry.objects.filter(action="exchange.listing.create", object_id=str(listing.pk)).exists()


def test_save_as_draft_keeps_it_a_draft(client, charlie, trade):
    client.force_login(charlie)
    client.post("/exchange/listings/new/", form_post(draft="", price="250.00", quantity="3", language="en"))
    assert Listing.objects.get(title="Portes en chêne").status == ListingStatus.DRAFT


def test_someone_acting_for_several_organisations_chooses_one(client, bob, trade):
    client.force_login(bob)
    html = text(client.get("/exchange/listings/new/"))
    assert "which one publishes this listing?" in html and '<option value="menuiserie">' in html
    html = text(client.get("/exchange/listings/new/?organisation=menuiserie"))
    assert "For Menuiserie Coopérative de Lyon." in html and 'name="title"' in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"price": "twelve"}, "price", "such as 1,234.50"),  # core.money's message
        ({"price": "12.345"}, "price", "at most 2 decimals"),
        ({"price": "12", "currency": ""}, "currency", "Give the currency of the price."),
        ({"quantity": "1.2345"}, "quantity", "at most three decimals"),  # the service's rule
        ({"quantity": "a dozen"}, "quantity", "Enter a number such as 12.5."),
        ({"quantity": "3", "unit": ""}, "unit", "Give the unit of the quantity."),
        ({"valid_from": "2030-05-01", "valid_until": "2030-04-01"}, "valid_until", "cannot end before it starts"),
        ({"title": ""}, "title", "This field is required."),
        ({"tr_fr_title": "Portes"}, "tr_fr_title", "The listing is written in this language"),
        ({"tr_es_title": "", "tr_es_description": "Solo descripción"}, "tr_es_title", "A translation needs a title."),
    ],
)
def test_errors_are_shown_beside_their_field(client, charlie, trade, overrides, field, message):
    client.force_login(charlie)
    data = form_post(publish="", **{"price": "1,250.50", "quantity": "12.5", **overrides})
    response = client.post("/exchange/listings/new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors.get(field, [])), form.errors
    assert not Listing.objects.filter(title="Portes en chêne").exists()
    html = text(response)
    assert 'class="field field-error' in html and 'id="error-summary"' in html and message.split(",")[0] in html


def test_publishing_a_listing_whose_dates_have_passed_is_refused_beside_the_date(client, charlie, trade):
    client.force_login(charlie)
    past = (TODAY - datetime.timedelta(days=10)).isoformat()
    response = client.post(
        "/exchange/listings/new/",
        form_post(publish="", valid_from=(TODAY - datetime.timedelta(days=20)).isoformat(), valid_until=past),
    )
    assert "move its dates on first" in " ".join(response.context["form"].errors["valid_until"])


def test_an_edit_starts_from_the_listing_as_the_reader_writes_it(client, charlie, offer):
    client.force_login(charlie)
    html = text(client.get(f"/fr/exchange/listings/{offer.pk}/edit/"))
    assert 'name="price" value="250,00"' in html
    assert 'name="tr_es_title" value="Ventanas de roble macizo"' in html
    assert '<details class="translation" data-translation="fr" hidden>' in html  # the language written in
    html = text(client.get(f"/exchange/listings/{offer.pk}/edit/"))
    assert 'name="price" value="250.00"' in html


def test_an_edit_saves_through_the_service(client, charlie, offer):
    client.force_login(charlie)
    data = form_post(save="", title="Fenêtres en chêne, sur mesure", price="260", quantity="100", tr_es_title="")
    response = client.post(f"/exchange/listings/{offer.pk}/edit/", data)
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Fenêtres en chêne, sur mesure" and offer.price_minor == 26000
    assert not offer.translations.exists()  # emptied: none
    assert AuditEntry.objects.filter(action="exchange.listing.update", object_id=str(offer.pk)).exists()


def test_an_edit_made_meanwhile_is_not_undone_unseen(client, charlie, offer):
    """Two people of the co-operative edit the listing at once: the later save is refused, names what changed,
    keeps the editor's input, and a second save (made knowingly) goes through."""
    client.force_login(charlie)
    opened = client.get(f"/exchange/listings/{offer.pk}/edit/")
    token = re.search(r'name="editing_from" value="([^"]+)"', text(opened)).group(1)
    services.listing_update(actor=charlie, listing=offer, data={"city": "Villeurbanne", "quantity": "80"})
    data = form_post(save="", title="Fenêtres en chêne, sur mesure", city="Lyon", quantity="100", editing_from=token)
    response = client.post(f"/exchange/listings/{offer.pk}/edit/", data)
    assert response.status_code == 200
    html = text(response)
    assert "Someone else changed this listing after you opened it" in html
    assert "Changed meanwhile: Quantity, City." in html
    assert 'name="title" value="Fenêtres en chêne, sur mesure"' in html  # the editor's input is kept
    offer.refresh_from_db()
    assert offer.city == "Villeurbanne" and offer.title != "Fenêtres en chêne, sur mesure"
    data["editing_from"] = re.search(r'name="editing_from" value="([^"]+)"', html).group(1)
    assert client.post(f"/exchange/listings/{offer.pk}/edit/", data).status_code == 302
    offer.refresh_from_db()
    assert offer.city == "Lyon" and offer.title == "Fenêtres en chêne, sur mesure"


def test_a_draft_is_saved_and_published_at_once(client, charlie, draft):
    client.force_login(charlie)
    client.post(f"/exchange/listings/{draft.pk}/edit/", form_post(publish="", title="Escaliers en hêtre"))
    draft.refresh_from_db()
    assert draft.status == ListingStatus.PUBLISHED


def test_a_refused_publication_saves_nothing_of_the_edit(client, charlie, draft):
    client.force_login(charlie)
    past = (TODAY - datetime.timedelta(days=1)).isoformat()
    data = form_post(
        publish="", title="Autre titre", valid_from=(TODAY - datetime.timedelta(days=5)).isoformat(), valid_until=past
    )
    response = client.post(f"/exchange/listings/{draft.pk}/edit/", data)
    assert response.status_code == 200 and response.context["form"].errors["valid_until"]
    draft.refresh_from_db()
    assert draft.title == "Escaliers en hêtre" and draft.status == ListingStatus.DRAFT


def test_a_closed_listing_cannot_be_edited(client, charlie, offer):
    services.listing_set_status(actor=charlie, listing=offer, status=ListingStatus.CLOSED)
    client.force_login(charlie)
    response = client.get(f"/exchange/listings/{offer.pk}/edit/", follow=True)
    assert "A closed listing cannot be changed." in text(response)


# ---------------------------------------------------------------------------------------------------------------
# Status


def test_the_publisher_pauses_and_publishes_again(client, charlie, offer):
    client.force_login(charlie)
    response = client.post(f"/exchange/listings/{offer.pk}/status/", {"status": "paused"}, follow=True)
    offer.refresh_from_db()
    assert offer.status == ListingStatus.PAUSED and "The listing is paused" in text(response)
    assert "Publish again" in text(response)
    client.post(f"/exchange/listings/{offer.pk}/status/", {"status": "published"})
    offer.refresh_from_db()
    assert offer.status == ListingStatus.PUBLISHED


def test_the_secretariat_closes_a_listing_but_does_not_publish_one(client, alice, offer, draft):
    client.force_login(alice)
    client.post(f"/exchange/listings/{offer.pk}/status/", {"status": "closed"})
    offer.refresh_from_db()
    assert offer.status == ListingStatus.CLOSED
    assert client.post(f"/exchange/listings/{draft.pk}/status/", {"status": "published"}).status_code == 403


def test_others_cannot_change_a_status(client, dave, erika, offer, draft):
    for user in (dave, erika):
        client.force_login(user)
        assert client.post(f"/exchange/listings/{offer.pk}/status/", {"status": "closed"}).status_code == 403
        assert client.post(f"/exchange/listings/{draft.pk}/status/", {"status": "closed"}).status_code == 404
    offer.refresh_from_db()
    assert offer.status == ListingStatus.PUBLISHED


def test_a_step_that_the_status_does_not_allow_is_said(client, charlie, offer):
    services.listing_set_status(actor=charlie, listing=offer, status=ListingStatus.CLOSED)
    client.force_login(charlie)
    response = client.post(
        f"/exchange/listings/{offer.pk}/status/", {"status": "published", "next": "/exchange/mine/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/exchange/mine/"
    assert "cannot become published" in text(response)


def test_status_changes_go_back_only_to_the_site(client, charlie, offer):
    client.force_login(charlie)
    response = client.post(
        f"/exchange/listings/{offer.pk}/status/", {"status": "paused", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/exchange/listings/{offer.pk}/"


def test_the_status_page_takes_posts_only(client, charlie, offer):
    client.force_login(charlie)
    assert client.get(f"/exchange/listings/{offer.pk}/status/").status_code == 405


# ---------------------------------------------------------------------------------------------------------------
# Our listings, matches


def test_our_listings_holds_every_status(client, charlie, offer, draft):
    services.listing_set_status(actor=charlie, listing=offer, status=ListingStatus.PAUSED)
    client.force_login(charlie)
    html = text(client.get("/exchange/mine/"))
    assert "Escaliers en hêtre" in html and "Fenêtres en chêne massif" in html
    assert "Draft: <strong>1</strong>" in html and "Paused: <strong>1</strong>" in html
    assert f'href="/exchange/listings/{draft.pk}/edit/"' in html
    assert 'name="next" value="/exchange/mine/"' in html


@pytest.mark.parametrize("who", ["dave", "alice"])
def test_our_listings_for_someone_who_acts_for_nobody(client, request, who, offer):
    client.force_login(request.getfixturevalue(who))
    html = text(client.get("/exchange/mine/"))
    assert "You do not act for any organisation yet." in html and "Fenêtres" not in html


def test_an_officer_sees_the_listings_of_the_members_of_the_federation(client, bob, offer):
    client.force_login(bob)
    html = text(client.get("/exchange/mine/"))
    assert "Fenêtres en chêne massif" in html and '<th scope="col">Organisation</th>' in html


def test_the_matches_page(client, charlie, erika, offer, need):
    client.force_login(charlie)
    html = text(client.get("/exchange/matches/"))
    assert "Your offer" in html and "Fenêtres en chêne massif" in html
    assert "We need oak windows" in html and "Same category: 38" in html
    client.force_login(erika)
    spanish = text(client.get("/es/exchange/matches/"))
    assert "Ventanas de roble macizo" in spanish  # the offer, in the Spanish reader's language


@pytest.mark.parametrize("who", ["dave", "alice"])
def test_the_matches_page_for_someone_who_acts_for_nobody(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert "You do not act for any organisation yet." in text(client.get("/exchange/matches/"))


def test_the_matches_page_without_a_published_listing(client, charlie, draft):
    client.force_login(charlie)
    assert "none of your organisations\u2019 listings is published" in text(client.get("/exchange/matches/"))


# ---------------------------------------------------------------------------------------------------------------
# The exchange on shared pages


def test_a_profile_shows_the_publishers_offers_and_needs(client, charlie, offer, draft, trade):
    html = text(client.get("/organisations/menuiserie/"))
    assert "Offers and needs" in html and "Fenêtres en chêne massif" in html
    assert "Escaliers en hêtre" not in html and "Publish an offer or a need" not in html
    assert "No open offers or needs." not in text(client.get("/organisations/taxis-madrid/"))
    assert "Offers and needs" not in text(client.get("/organisations/taxis-madrid/"))
    client.force_login(charlie)
    html = text(client.get("/organisations/menuiserie/"))
    assert 'href="/exchange/listings/new/?organisation=menuiserie"' in html


def test_a_profile_links_to_all_the_offers_and_needs_when_there_are_many(client, trade, charlie, listing_data):
    for n in range(12):
        publish(charlie, trade["menuiserie"], listing_data, title=f"Table {n}")
    html = text(client.get("/organisations/menuiserie/"))
    assert 'href="/exchange/?organisation=menuiserie">See all 12 offers and needs' in html


def test_the_account_page_links_to_the_trade_of_ones_organisations(client, charlie, dave, offer):
    client.force_login(charlie)
    html = text(client.get("/accounts/"))
    for href in (
        "/exchange/mine/",
        "/exchange/matches/",
        "/exchange/enquiries/",
        "/exchange/orders/",
        "/exchange/invoices/",
    ):
        assert f'href="{href}"' in html
    assert "Published: 1" in html
    client.force_login(dave)
    assert 'href="/exchange/mine/"' not in text(client.get("/accounts/"))


def test_the_exchange_sits_between_member_organisations_and_statistics_in_the_navigation(client, db):
    html = text(client.get("/"))
    assert html.index(">Member organisations<") < html.index(">Exchange<") < html.index(">Statistics<")


# ---------------------------------------------------------------------------------------------------------------
# Quantities as people type them (amounts are core.money's)


@pytest.mark.parametrize(
    ("typed", "language", "number"),
    [
        ("12,5", "fr", "12.5"),
        ("12.5", "fr", "12.5"),
        ("1 250,5", "fr", "1250.5"),
        ("1\u202f250", "fr", "1250"),
        ("1.250", "es", "1250"),
        ("1.250,75", "es", "1250.75"),
        ("1,250", "en", "1250"),
        ("1,250.5", "en", "1250.5"),
        ("0,001", "fr", "0.001"),
        ("40", "en", "40"),
    ],
)
def test_quantities_are_read_as_their_readers_write_them(typed, language, number):
    assert parse_number(typed, language) == Decimal(number)


@pytest.mark.parametrize("typed", ["douze", "1,2.3", ",", "-3", "12,50,0", "1..2", ""])
def test_quantities_that_cannot_be_read_are_refused(typed):
    with pytest.raises(ValueError):
        parse_number(typed, "en")


@pytest.mark.parametrize(
    ("language", "price", "currency", "minor"),
    [
        ("fr", "1 250,50", "EUR", 125050),
        ("es", "1.250,50", "EUR", 125050),
        ("en", "1,250.50", "USD", 125050),
        ("es", "1.500", "JPY", 1500),
        ("fr", "3,5", "KWD", 3500),
    ],
)
def test_the_form_reads_a_price_as_the_reader_writes_it(client, charlie, trade, language, price, currency, minor):
    client.force_login(charlie)
    prefix = "" if language == "en" else f"/{language}"
    client.post(f"{prefix}/exchange/listings/new/", form_post(draft="", price=price, currency=currency))
    assert Listing.objects.get(title="Portes en chêne").price_minor == minor


def test_facet_counts_add_a_filter_and_a_region_includes_its_countries(client, offer, need):
    html = text(client.get("/exchange/"))
    facets = html[html.index('class="facet-links"') : html.index('class="results-list"')]
    assert "Offer (1)" in re.sub(r"</a> <span class=\"muted\">", " ", facets).replace("</span>", "")
    assert "?direction=need" in facets and "?country=ES" in facets
    # UN M49: Spain is in Southern Europe (039), France in Western Europe (155), both in Europe (150).
    southern = text(client.get("/exchange/?region=039"))
    assert "We need oak windows" in southern and "Fenêtres en chêne massif" not in southern
    europe = text(client.get("/exchange/?region=150&sort=title"))  # the plain filter path too
    assert "We need oak windows" in europe and "Fenêtres en chêne massif" in europe
