"""Public pages cached for anonymous readers, and the generation of the public data that keys them.

What is cached: the response of a view marked `@public` (the directory, profiles, member organisations, the
statistics dashboard, the API's reads), as its view made it, for a GET (or a HEAD, which the view sees as a
GET) by a reader without a session, without messages waiting, without credentials (no Authorization header),
answered 200 and not streamed (exports never are cached). Everything the middleware adds around the view (the
Content-Security-Policy, the CSRF cookie, Vary: Cookie, the language headers, HEAD's empty body) is added to
a cached response again, for its own request, exactly as to a fresh one.

Key: the generation of the public data, the active language (from the URL prefix, the language cookie or
Accept-Language: whichever decided it), the time zone, scheme, host, path and raw query string, and the
values of the request headers the view declares it varies on (`@public(vary=...)`, which also puts them in
the response's Vary header: HX-Request for the directory's fragments).

Nobody gets another person's page: a page is stored and served only for requests without a session cookie
or a messages cookie, and never when the view set a cookie, changed the session, added a message, called
get_token() itself, or said Cache-Control: private / no-cache / no-store. The one thing of a reader's own in
a public page is the CSRF token of its language form: while a page is made for the cache, the template's
`csrf_token` is a placeholder (see `csrf_placeholder`, a context processor), so the cached page holds no
token, and each response, fresh or cached, gets the placeholder replaced by a token of its own reader's
(get_token(), which also makes the CSRF middleware set that reader's cookie, as it would without the cache).

The generation: one row of the database (core.PageGeneration), given a new random value after every write
commits, by `changed()`, which `audit.record()` calls (every service that writes records what it did) and
the bulk writers (core.fulltext bulk_indexing: imports and the demo generators) call too; saves and
deletions of the platform's models call it as well, should any write ever go past the services. Every
cacheable request reads the row (one indexed query) before it looks in the cache, so a page cached by any
process or machine before a write is never served after it, whatever cache holds the pages: files that the
workers of one machine share (the default) or a Redis server that all machines share (CICOPA_CACHE_URL).
A random value,
not a counter: restoring the database from a backup brings back a value whose pages show that very state,
and a generation never comes back for another. Within an open transaction that wrote, the connection's own
reads add a mark of that write to their key (the value changes only when the transaction commits, and only
that connection sees what it wrote): a request that writes then reads in one transaction, and the test suite,
whose tests each run in a transaction never committed, never read a page from before their write.

Why the bump waits for the commit: a page made from data read before the commit and stored under the new
generation would be stale for as long as it lived; bumped after the commit, a reader that sees the new value
reads the new data after it. The bump itself (an UPDATE of one row, outside the write's transaction) holds
no lock across other writes: bumping inside each transaction would make every write wait for the others on
that row (PostgreSQL), or deadlock two writes that touch rows in another order.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import re
import secrets
import zlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
KEY_VERSION = 1  # bumped when what a key or an entry holds changes, so that a shared cache's old entries are left
# Pages larger than this are not kept (none of the public pages comes near it: a profile or the statistics
# dashboard, with their maps, is 230 to 300 KB).
MAX_PAGE_BYTES = 2 * 1024 * 1024
# Larger pages are kept compressed (zlib, level 1): a profile's 230 KB take 90 KB, for about a millisecond to
# compress once and half of one to expand at each reading; a page of results (36 KB) takes 7 KB. (Redis keeps
# what it is given; the file cache compresses everything again, which costs little and gains nothing here.)
COMPRESS_FROM_BYTES = 8 * 1024
# Request headers that change nothing a view of its own can vary on: the language they choose is in the key,
# and the cookies that matter keep a request out of the cache altogether.
HANDLED_VARY = {"accept-language", "cookie"}

_marks = itertools.count(1)
Entry = tuple[int, list[tuple[str, str]], bytes, bool]  # status, headers, content, whether compressed
_COMMAS = re.compile(r"\s*,\s*")


# The generation of the public data ------------------------------------------------------------------------


def generation(using: str = DEFAULT_DB_ALIAS) -> str:
    """The current generation, as this connection sees it: the database's value, and a mark of this
    transaction's own writes while it is open."""
    from cicopa.core.models import PageGeneration

    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {PageGeneration._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    value = str(row[0]) if row else "-"
    mark = getattr(connection, "cicopa_page_mark", None)
    if mark is None:
        return value
    if not connection.in_atomic_block:  # committed (and bumped) or rolled back: the mark has served
        connection.cicopa_page_mark = None  # type: ignore[attr-defined]
        return value
    return f"{value}.{mark}"


def changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """The public data changed, or changes in the transaction open on `using`: once it commits, no page
    cached before is served. Cheap enough to call for every row written: one bump per transaction."""
    connection = connections[using]
    if not connection.in_atomic_block:
        _bump(using)
        return
    connection.cicopa_page_mark = next(_marks)  # type: ignore[attr-defined]
    bump = _bumper(using)
    # One bump per transaction, however many writes: a callback still registered will run at the commit (one
    # registered in a savepoint that was rolled back has been dropped with it, and is registered again here).
    registered = (entry[1] for entry in connection.run_on_commit)  # (savepoints, callback, robust)
    if not any(func is bump for func in registered):
        # robust: the write is committed whatever happens here; a failed bump is logged (pages may then be
        # served stale until CICOPA_PAGE_CACHE_SECONDS) rather than turned into an error for a saved change.
        transaction.on_commit(bump, using=using, robust=True)


@functools.cache
def _bumper(using: str) -> Callable[[], None]:
    """One callback per database, the same each time, so that one registered already can be recognised."""

    def bump_generation() -> None:
        _bump(using)

    return bump_generation


def _bump(using: str) -> None:
    from cicopa.core.models import PageGeneration

    value = secrets.randbits(62)
    if not PageGeneration.objects.using(using).filter(pk=1).update(value=value):
        PageGeneration.objects.using(using).update_or_create(pk=1, defaults={"value": value})
    connection: BaseDatabaseWrapper = connections[using]
    if not connection.in_atomic_block:
        connection.cicopa_page_mark = None  # type: ignore[attr-defined]


def model_written(sender: type, **kwargs: Any) -> None:
    """post_save, post_delete and m2m_changed of the platform's models: the services record every write in
    the audit log, which already bumps the generation; this catches a write that ever goes past them."""
    if sender.__module__ == "__fake__":
        return  # a migration's historical model, maybe before the generation's table: see migrated()
    meta = sender._meta  # type: ignore[attr-defined]
    after = kwargs.get("action", "post_").startswith("post_")  # m2m_changed comes before and after
    if after and meta.app_label in WATCHED_APPS and meta.label not in UNWATCHED_MODELS:
        changed(kwargs.get("using") or DEFAULT_DB_ALIAS)


def migrated(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate: migrations may have changed data (reference data, say) past the services."""
    from cicopa.core.models import PageGeneration

    if PageGeneration._meta.db_table in connections[using].introspection.table_names():
        changed(using)


WATCHED_APPS = {"core", "registry", "statistics"}
# The audit log bumps by itself (audit.record); tokens and the generation show on no public page.
UNWATCHED_MODELS = {"core.AuditEntry", "core.ApiToken", "core.PageGeneration"}


# Cached pages -----------------------------------------------------------------------------------------


def _placeholder() -> str:
    # Stands for the reader's CSRF token in a cached page. Derived from the secret key, so that no one can
    # write it into a description to make a page show its reader's token somewhere unexpected.
    return "csrf-" + salted_hmac("cicopa.core.pagecache", "csrf token placeholder").hexdigest()[:40]


def csrf_placeholder(request: HttpRequest) -> dict[str, Any]:
    """Context processor, after Django's own csrf one: while a page is made for the cache, templates get the
    placeholder as `csrf_token` instead of the reader's token."""
    if getattr(request, "cicopa_page_for_cache", False):
        return {"csrf_token": _placeholder()}
    return {}


def public(
    view: Callable[..., HttpResponseBase] | None = None, *, vary: tuple[str, ...] = ()
) -> Any:  # a decorator used bare or with vary=
    """Cache a public view's responses for anonymous readers (see this module's docstring). `vary`: request
    headers whose value changes the response; they are added to its Vary header and to the cache key."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not _anonymous_read(request):
                response = view(request, *args, **kwargs)
                _add_vary(response, vary)
                return response
            key = _key(request, vary)
            entry = _cached(key)
            if entry is not None:
                return _replay(request, entry)
            token_used_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            request.cicopa_page_for_cache = True  # type: ignore[attr-defined]
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.cicopa_page_for_cache = False  # type: ignore[attr-defined]
            _add_vary(response, vary)
            entry = _entry(request, response, vary, token_used_before)
            if entry is not None:
                _keep(key, entry)
            _fill_token(request, response)
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


def _add_vary(response: HttpResponseBase, vary: tuple[str, ...]) -> None:
    """`vary` added to the response's Vary header; nothing when there is none to add (Django's patch_vary_headers
    would write an empty Vary, which every later addition then starts with a comma)."""
    if vary:
        patch_vary_headers(response, vary)


# A cache that fails (a Redis server down) costs its pages, not the site: the page is made as without it.


def _cached(key: str) -> Entry | None:
    try:
        return caches[CACHE_ALIAS].get(key)  # type: ignore[no-any-return]
    except Exception:
        logger.warning("The page cache cannot be read", exc_info=True)
        return None


def _keep(key: str, entry: Entry) -> None:
    try:
        caches[CACHE_ALIAS].set(key, entry, settings.CICOPA_PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("The page cache cannot be written", exc_info=True)


def _anonymous_read(request: HttpRequest) -> bool:
    if request.method != "GET" or settings.CICOPA_PAGE_CACHE_SECONDS <= 0:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False  # someone logged in, or messages waiting, or anything else kept in a session
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated


def _key(request: HttpRequest, vary: tuple[str, ...]) -> str:
    parts = (
        KEY_VERSION,
        generation(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        request.scheme,
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        tuple(request.headers.get(name) for name in vary),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _entry(
    request: HttpRequest, response: HttpResponseBase, vary: tuple[str, ...], token_used_before: Any
) -> Entry | None:
    """What to keep of a response, or None when it must not be kept."""
    if (
        response.status_code != 200
        or response.streaming
        or not getattr(response, "is_rendered", True)
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != token_used_before  # the view took a token itself
        or (getattr(request, "session", None) is not None and request.session.modified)
        or getattr(getattr(request, "_messages", None), "added_new", False)
    ):
        return None
    directives = {d.strip().split("=")[0].lower() for d in _COMMAS.split(response.get("Cache-Control", ""))}
    if directives & {"private", "no-cache", "no-store"}:
        return None
    declared = {name.lower() for name in vary} | HANDLED_VARY
    varies = {name.strip().lower() for name in _COMMAS.split(response.get("Vary", "")) if name.strip()}
    if not varies <= declared or "cookie" in varies:  # it varies on something the key does not hold
        return None
    if not isinstance(response, HttpResponse) or len(response.content) > MAX_PAGE_BYTES:
        return None
    headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
    if len(response.content) >= COMPRESS_FROM_BYTES:
        return response.status_code, headers, zlib.compress(response.content, 1), True
    return response.status_code, headers, response.content, False


def _replay(request: HttpRequest, entry: Entry) -> HttpResponse:
    status, headers, content, compressed = entry
    response = HttpResponse(zlib.decompress(content) if compressed else content, status=status)
    for name, value in headers:
        response[name] = value
    _fill_token(request, response)
    return response


def _fill_token(request: HttpRequest, response: HttpResponseBase) -> None:
    """The reader's own CSRF token in place of the placeholder (get_token() also has the middleware set
    the reader's CSRF cookie, as a page made for them would)."""
    if not isinstance(response, HttpResponse) or not getattr(response, "is_rendered", True):
        return
    placeholder = _placeholder().encode()
    if placeholder in response.content:
        response.content = response.content.replace(placeholder, get_token(request).encode())
