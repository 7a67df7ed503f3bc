from django.urls import path

from cicopa.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("countries/<str:iso>/", views.country, name="country"),
    path("data.csv", views.tidy_csv, name="tidy_csv"),
    path("table.<str:fmt>", views.table_download, name="table"),
    path("returns/", views.returns, name="returns"),
    path("reporters/", views.reporters, name="reporters"),
    path("returns/<int:return_id>/", views.return_detail, name="return"),
    path("returns/<int:return_id>/template.xlsx", views.return_template, name="return_template"),
]
