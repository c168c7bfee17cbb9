from django.urls import path

from . import views

app_name = "indicators"

P = "c/<slug:city_slug>/outcomes/"

urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "indicator/<slug:key>/", views.indicator, name="indicator"),
    path(P + "indicator/<slug:key>/commitments/", views.indicator_commitments, name="indicator_commitments"),
    path(P + "indicator/<slug:key>/publish/", views.indicator_publish, name="indicator_publish"),
    path(P + "census/", views.census_list, name="census_list"),
    path(P + "census/upload/", views.upload, name="upload"),
    path(P + "census/<int:file_id>/", views.census_detail, name="census_detail"),
    path(P + "census/<int:file_id>/delete/", views.census_delete, name="census_delete"),
    path(P + "geography/", views.geography, name="geography"),
    path(P + "local/new/", views.local_new, name="local_new"),
    path(P + "local/<int:indicator_id>/", views.local_detail, name="local_detail"),
    path(P + "local/<int:indicator_id>/figures/", views.local_figures, name="local_figures"),
    path(P + "local/<int:indicator_id>/delete/", views.local_delete, name="local_delete"),
    path(P + "publish/", views.publish, name="publish"),
    # The national curator's view of one indicator across cities.
    path("network/outcomes/<slug:key>/", views.network_indicator, name="network_indicator"),
    # The public page of a city's outcomes lives under /p/<city-slug>/: no sign-in, no counts.
    path("p/<slug:city_slug>/outcomes/", views.public_outcomes, name="public_outcomes"),
]
