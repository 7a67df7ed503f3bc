"""Exchange fixtures (the trading parties, `trade` and `erika`, are in tests/conftest.py: the clearing uses them
too)."""

import datetime

import pytest


@pytest.fixture
def listing_data():
    return make_listing_data


def make_listing_data(**overrides):
    data = {
        "direction": "offer",
        "kind": "goods",
        "language": "en",
        "title": "Oak window frames",
        "description": "Solid oak window frames made to measure.",
        "category": "38",
        "quantity": "100",
        "unit": "H87",
        "price_minor": 25000,
        "currency": "EUR",
        "scope": "international",
        "valid_from": datetime.date.today().isoformat(),
    }
    data.update(overrides)
    return data
