from django.urls import path

from cicopa.knowledge import feeds, question_views, recommendation_views, study_views, views

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

# Recommendations
urlpatterns += [
    path("recommendations/", recommendation_views.recommendations, name="recommendations"),
    path("recommendations/new/", recommendation_views.recommendation_new, name="recommendation_new"),
    path("recommendations/<int:pk>/", recommendation_views.recommendation, name="recommendation"),
    path("recommendations/<int:pk>/edit/", recommendation_views.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:pk>/issue/", recommendation_views.recommendation_issue, name="recommendation_issue"),
    path(
        "recommendations/<int:pk>/circulate/",
        recommendation_views.recommendation_circulate,
        name="recommendation_circulate",
    ),
    path(
        "recommendations/<int:pk>/respond/", recommendation_views.recommendation_respond, name="recommendation_respond"
    ),
    path(
        "recommendations/<int:pk>/evidence/<int:response_id>/",
        recommendation_views.recommendation_evidence,
        name="recommendation_evidence",
    ),
    path(
        "recommendations/<int:pk>/adoption/",
        recommendation_views.recommendation_adoption,
        name="recommendation_adoption",
    ),
]

# Studies
urlpatterns += [
    path("studies/<int:pk>/", study_views.study, name="study"),
    path("studies/<int:pk>/pdf/", study_views.study_file, name="study_file"),
    path("studies/<int:pk>/edit/", study_views.study_edit, name="study_edit"),
    path("studies/<int:pk>/upload/", study_views.study_upload, name="study_upload"),
    path("studies/<int:pk>/<slug:step>/", study_views.study_step, name="study_step"),
    path("studies/new/", study_views.study_new, name="study_new"),
    path("mine/studies/", study_views.my_studies, name="my_studies"),
    path("review/studies/", study_views.study_review, name="study_review"),
]

# Questions and answers.
urlpatterns += [
    path("questions/", question_views.questions, name="questions"),
    path("questions/ask/", question_views.question_new, name="question_new"),
    path("questions/<int:pk>/", question_views.question, name="question"),
    path("questions/<int:pk>/edit/", question_views.question_edit, name="question_edit"),
    path("questions/<int:pk>/answers/", question_views.answer_add, name="answer_add"),
    path("questions/<int:pk>/answers/<int:answer_id>/edit/", question_views.answer_edit, name="answer_edit"),
    path("questions/<int:pk>/<slug:step>/", question_views.question_step, name="question_step"),
]
