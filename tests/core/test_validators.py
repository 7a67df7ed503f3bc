"""The import's fast e-mail and web-address checks give Django's validators' answers."""

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from cicopa.core.validators import is_email, is_url

EMAILS = [
    "a@b.co",
    "first.last+tag@sub.example.org",
    "under_score-dash@x-y.example.com",
    "a..b@x.com",
    ".a@x.com",
    "a.@x.com",
    "a@-x.com",
    "a@x-.com",
    "a@x.c",
    "a@x.123",
    "a@x.co-",
    "ünï@x.com",
    "a@bücher.de",
    "a@xn--bcher-kva.ch",
    "a@localhost",
    "a@[127.0.0.1]",
    '"quoted person"@x.com',
    "a@x.com.",
    "a@@x.com",
    "a@x..com",
    "a b@x.com",
    "a@\u212a.com",  # Kelvin sign, which case folding turns into k
    "\u212aelvin@x.com",
    "a@x.\u017fe",  # long s
    "a" * 64 + "@" + "b" * 63 + ".com",
    "a" * 250 + "@x.com",
    "a@" + ".".join(["b" * 63] * 5) + ".com",
    "",
    "@x.com",
    "a@",
]
URLS = [
    "http://x.com",
    "https://sub.x.co.uk/path?q=1#f",
    "http://x.com:8080/",
    "http://x.com:99999",
    "HTTP://X.COM",
    "http\u017f://x.com",  # long s
    "ftp://x.com/file",
    "http://x",
    "http://localhost",
    "http://localhost:8000/",
    "http://-x.com",
    "http://x-.com",
    "http://x..com",
    "http://ex ample.com",
    "http://x.com/ a",
    "http://x.com/\u00e9t\u00e9",
    "http://x.com/\u2003",
    "http://x.com/[a]",
    "http://[::1]/",
    "http://[::1",
    "http://1.2.3.4/",
    "http://999.2.3.4/",
    "http://user:pass@x.com/",
    "http://bücher.de",
    "http://\u212a.com",
    "http://x.com\n",
    "http://x.com/\tpath",
    "http://" + "a" * 63 + ".com",
    "http://" + "a" * 64 + ".com",
    "http://" + ".".join(["b" * 63] * 4) + ".com",
    "http://x.com/" + "p" * 3000,
    "mailto:a@x.com",
    "x.com",
]


def _django(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("value", EMAILS)
def test_email_answers_as_django(value):
    assert is_email(value) == _django(EmailValidator(), value)


@pytest.mark.parametrize("value", URLS)
def test_url_answers_as_django(value):
    assert is_url(value) == _django(URLValidator(), value)
