from django.urls import path

from cicopa.clearing import views

app_name = "clearing"
urlpatterns = [
    path("", views.home, name="home"),
    path("participation/", views.participation, name="participation"),
    path("cycles/", views.cycle_open, name="cycle_open"),
    path("cycles/<int:pk>/", views.cycle, name="cycle"),
    path("cycles/<int:pk>/<str:action>/", views.cycle_action, name="cycle_action"),
    path("cycles/<int:pk>/statements.<str:fmt>", views.cycle_export, name="cycle_export"),
    path("cycles/<int:pk>/statements/<int:org>/", views.statement, name="statement"),
    path("cycles/<int:pk>/statements/<int:org>/statement.<str:fmt>", views.statement_file, name="statement_file"),
]
