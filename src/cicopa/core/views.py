from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from cicopa.core import background, extensions, formats, names, queries, services, tasks, throttle
from cicopa.core.clients import client_address
from cicopa.core.errors import ValidationError, report_errors
from cicopa.core.mail import PasswordResetForm
from cicopa.core.models import EmailMode

PASSWORD_RESETS_PER_HOUR = 5  # per client address, and per e-mail address


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """What crawlers may read: not the back office, the accounts or what the apps name (AppConfig.robots_disallow),
    in every language; not the endless pages a query makes (searches, filters and their pages: the sitemap lists
    every page worth reading); not the API, except its documentation."""
    prefixes = [""] + [f"{code}/" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    own = ["admin/", "accounts/", *extensions.robots_disallow()]
    lines = ["User-agent: *", "Disallow: /*?", "Allow: /sitemap-", "Allow: /api/v1/docs", "Disallow: /api/"]
    lines += [f"Disallow: /{prefix}{path}" for prefix in prefixes for path in own]
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Every section of the sitemap, and every page of each (a section of a million profiles has a hundred)."""
    entries = []
    for name, section in extensions.sitemaps().items():
        url = settings.SITE_URL + reverse("sitemap_section", kwargs={"section": name})
        pages = section.paginator.num_pages
        entries += [url] + [f"{url}?p={page}" for page in range(2, pages + 1)]
    response = render(request, "core/sitemap_index.xml", {"entries": entries}, content_type="application/xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    sections = extensions.sitemaps()
    if section not in sections:
        raise Http404
    response = sitemap_views.sitemap(
        request, {section: sections[section]}, section=section, template_name="core/sitemap.xml"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    new_key = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token = get_object_or_404(queries.api_tokens_of(request.user), pk=request.POST.get("revoke"))
            services.api_token_revoke(actor=request.user, token=token)
            messages.success(request, _("The token was revoked."))
            return redirect("account")
        try:
            _token, new_key = services.api_token_create(
                actor=request.user, user=request.user, name=request.POST.get("name", "")
            )
        except ValidationError as exc:
            report_errors(request, exc)
    tokens = queries.api_tokens_of(request.user)
    context = {"tokens": tokens, "new_key": new_key, "panels": extensions.account_panels(request)}
    return render(request, "core/account.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, resolving `next` in the language of its own prefix.

    Requests outside the language-prefixed URLs run in the default language, so Django's view alone
    cannot translate a `next` such as /fr/organisations/x/ into /es/organisations/x/.
    """
    next_url = request.POST.get("next", "")
    with translation.override(translation.get_language_from_path(next_url) or settings.LANGUAGE_CODE):
        return django_set_language(request)


class LogoutView(auth_views.LogoutView):
    """Django's, and the page it lands on says that it worked: the only other sign is a link in a corner."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are logged out."))  # into the new, anonymous session
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, throttled per client address and per e-mail address, so that nobody can flood an inbox or
    send mail in bulk. The answer is the same whether the address has an account, was sent a link or was
    throttled: it tells nothing about which."""

    form_class = PasswordResetForm
    template_name = "core/password_reset.html"
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"

    def form_valid(self, form: auth_forms.PasswordResetForm) -> HttpResponse:
        limits = {"limit": PASSWORD_RESETS_PER_HOUR, "window": 3600}
        by_client = throttle.allow("password-reset-client", client_address(self.request), **limits)
        by_email = throttle.allow("password-reset-email", form.cleaned_data["email"].casefold(), **limits)
        if by_client and by_email:
            # Whether the address has an account is found out by the task, in the background: the page does
            # the same work, in the same time, for an address with an account, one without, and one throttled
            # (but for the enqueue, which is the same for both).
            background.enqueue(
                tasks.send_password_reset,
                email=form.cleaned_data["email"],
                request_id=uuid.uuid4().hex,
                domain=self.request.get_host(),
                use_https=self.request.is_secure(),
                language=translation.get_language(),
            )
        return HttpResponseRedirect(self.get_success_url())


NOTIFICATIONS_PER_PAGE = 20


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.notifications_of(request.user), NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


def _back_to_notifications(request: HttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    url = reverse("notifications")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(queries.notifications_of(request.user), pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    messages.success(
        request, _("The notification “%(subject)s” is marked as read.") % {"subject": notification.subject}
    )
    return _back_to_notifications(request)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext("%(n)s notification is marked as read.", "%(n)s notifications are marked as read.", count)
            % {"n": formats.format_number(count)},
        )
    return _back_to_notifications(request)


def preferences_panel(request: HttpRequest) -> dict[str, Any]:
    """The account page's section on language and e-mail (an account panel of core's)."""
    profile = queries.profile_of(request.user)
    # Each language in its own name, as in the header's switcher: a reader finds their own.
    languages = [(code, names.own_language_name(code)) for code, _name in settings.LANGUAGES]
    return {"profile": profile, "languages": languages, "email_modes": EmailMode.choices}


@login_required
@require_POST
def account_preferences(request: HttpRequest) -> HttpResponse:
    try:
        services.profile_update(
            actor=request.user,
            user=request.user,
            language=request.POST.get("language", ""),
            email_mode=request.POST.get("email_mode", ""),
        )
        messages.success(request, _("Your settings were saved."))
    except ValidationError as exc:
        report_errors(request, exc)
    return redirect("account")


@login_required
def task_progress(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A background task its owner follows; the fragment alone for htmx's polling."""
    followed = get_object_or_404(queries.task_progress_of(request.user), pk=pk)
    template = "core/_task_progress.html" if request.headers.get("HX-Request") else "core/task_progress.html"
    return render(request, template, {"followed": followed})
