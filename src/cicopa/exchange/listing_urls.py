from django.urls import path

from cicopa.exchange import listing_views as views

urlpatterns = [
    path("", views.listings, name="listings"),
    path("listings/new/", views.listing_new, name="listing_new"),
    path("listings/<int:pk>/", views.listing, name="listing"),
    path("listings/<int:pk>/edit/", views.listing_edit, name="listing_edit"),
    path("listings/<int:pk>/status/", views.listing_status, name="listing_status"),
    path("mine/", views.my_listings, name="my_listings"),
    path("matches/", views.matches, name="matches"),
]
