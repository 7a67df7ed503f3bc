from django.urls import path
from django.views.generic import RedirectView

from cicopa.registry import about_views, import_views, manage_views, views

app_name = "registry"
urlpatterns = [
    path("", views.directory, name="home"),
    path("directory/", views.directory, name="directory"),
    path("directory/facets/", views.directory_facets, name="facets"),
    path("directory/map.svg", views.directory_map, name="map"),
    path("directory/export.<str:fmt>", views.directory_export, name="export"),
    path("members/", views.member_organisations, name="members"),
    path("subdivisions/field/", views.subdivision_field, name="subdivision_field"),
    path("about/", about_views.about, name="about"),
    path("privacy/", about_views.privacy, name="privacy"),
    path("import/", import_views.import_organisations, name="import"),
    path("import/example-<str:fmt>.csv", import_views.import_example, name="import_example"),
    path("import/tasks/<uuid:pk>/", import_views.import_task, name="import_task"),
    path("import/history/", import_views.import_history, name="import_history"),
    path("import/history/<int:pk>/", import_views.import_run, name="import_run"),
    path("import/history/<int:pk>/undo/", import_views.import_run_undo, name="import_run_undo"),
    path("organisations/", RedirectView.as_view(pattern_name="registry:directory", query_string=True)),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/history/", views.organisation_history, name="organisation_history"),
    path("organisations/<slug:slug>/members/", manage_views.organisation_memberships, name="memberships"),
    path("organisations/<slug:slug>/officers/", manage_views.organisation_officers, name="officers"),
    path("organisations/<slug:slug>/access/", manage_views.organisation_access, name="access"),
    path("invitations/<str:token>/", manage_views.invitation, name="invitation"),
    path("organisations/<slug:slug>/murmurations.json", views.organisation_murmurations, name="murmurations"),
    path("organisations/<slug:slug>/jsonld.json", views.organisation_jsonld, name="jsonld"),
]
