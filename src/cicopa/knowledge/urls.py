from django.urls import path

from cicopa.knowledge import feeds, views

app_name = "knowledge"
urlpatterns = [
    path("", views.library_page, name="library"),
    path("feed.atom", feeds.LibraryFeed(), name="feed"),
    path("topics/<slug:topic>/feed.atom", feeds.TopicFeed(), name="topic_feed"),
    path("experiences/<int:pk>/", views.experience, name="experience"),
    path("experiences/<int:pk>/edit/", views.experience_edit, name="experience_edit"),
    path("experiences/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("experiences/<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path(
        "experiences/<int:pk>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("experiences/<int:pk>/<slug:step>/", views.experience_step, name="experience_step"),
    path("experiences/new/", views.experience_new, name="experience_new"),
    path("mine/", views.my_experiences, name="my_experiences"),
    path("review/", views.review, name="review"),
]
