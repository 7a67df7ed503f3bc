from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from cicopa.api import api
from cicopa.core import views as core_views

urlpatterns = [
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("api/v1/", RedirectView.as_view(pattern_name="api:openapi-view"), name="api_root"),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", core_views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", core_views.sitemap_section, name="sitemap_section"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("cicopa.core.urls")),
    path("statistics/", include("cicopa.statistics.urls")),
    path("exchange/", include("cicopa.exchange.urls")),
    path("clearing/", include("cicopa.clearing.urls")),
    path("library/", include("cicopa.knowledge.urls")),
    path("", include("cicopa.registry.urls")),
    prefix_default_language=False,
)
