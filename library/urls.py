from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    # Public
    path("library/", views.index, name="index"),
    path("library/feed/", views.NewResourcesFeed(), name="feed"),
    path("library/r/<slug:slug>/", views.resource_detail, name="resource"),
    # National curators
    path("library/curate/", views.curate, name="curate"),
    path("library/curate/new/", views.curate_new, name="curate_new"),
    path("library/curate/<int:resource_id>/", views.curate_edit, name="curate_edit"),
    path("library/curate/<int:resource_id>/preview/", views.curate_preview, name="curate_preview"),
    path("library/curate/<int:resource_id>/move/", views.curate_transition, name="curate_transition"),
    path("library/curate/<int:resource_id>/revisions/", views.curate_revisions, name="curate_revisions"),
    path(
        "library/curate/<int:resource_id>/revisions/<int:number>/",
        views.curate_revision,
        name="curate_revision",
    ),
    path(
        "library/curate/<int:resource_id>/revisions/<int:number>/restore/",
        views.curate_restore,
        name="curate_restore",
    ),
    path("library/curate/submissions/", views.curate_submissions, name="curate_submissions"),
    path(
        "library/curate/submissions/<int:submission_id>/", views.curate_submission, name="curate_submission"
    ),
    path("library/network/", views.network, name="network"),
    path("library/network.csv", views.network_csv, name="network_csv"),
    path("library/network/feed/", views.network_feed, name="network_feed"),
    path("library/frameworks/", views.frameworks, name="frameworks"),
    path("library/frameworks/<slug:slug>/", views.framework_detail, name="framework"),
    path("library/frameworks/<slug:slug>/items/new/", views.framework_item, name="framework_item_new"),
    path("library/frameworks/<slug:slug>/items/<int:item_id>/", views.framework_item, name="framework_item"),
    path(
        "library/frameworks/<slug:slug>/items/<int:item_id>/move/",
        views.framework_item_move,
        name="framework_item_move",
    ),
    path(
        "library/frameworks/<slug:slug>/items/<int:item_id>/retire/",
        views.framework_item_retire,
        name="framework_item_retire",
    ),
    path("library/frameworks/<slug:slug>/cities/", views.framework_matrix, name="framework_matrix"),
    # A city's library pages
    path("c/<slug:city_slug>/library/", views.city_library, name="city"),
    path("c/<slug:city_slug>/library/frameworks/<slug:slug>/", views.city_framework, name="city_framework"),
    path(
        "c/<slug:city_slug>/library/frameworks/<slug:slug>/items/<int:item_id>/",
        views.city_framework_item,
        name="city_framework_item",
    ),
    path("c/<slug:city_slug>/library/adopt/<slug:resource_slug>/", views.city_adopt, name="city_adopt"),
    path("c/<slug:city_slug>/library/submit/", views.city_submit, name="city_submit"),
    path("c/<slug:city_slug>/library/stories/", views.city_stories, name="city_stories"),
    path("c/<slug:city_slug>/library/stories/new/", views.city_story, name="city_story"),
    path(
        "c/<slug:city_slug>/library/submissions/<int:submission_id>/",
        views.city_submission,
        name="city_submission",
    ),
]
