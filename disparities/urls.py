from django.urls import path

from . import views

app_name = "disparities"

urlpatterns = [
    path("c/<slug:city_slug>/data/", views.index, name="index"),
    path("c/<slug:city_slug>/data/upload/", views.upload, name="upload"),
    path("c/<slug:city_slug>/data/<int:pk>/", views.detail, name="detail"),
    path("c/<slug:city_slug>/data/<int:pk>/progress/", views.progress, name="progress"),
    path("c/<slug:city_slug>/data/<int:pk>/mapping/", views.mapping_page, name="mapping"),
    path("c/<slug:city_slug>/data/<int:pk>/mapping/load/", views.mapping_import, name="mapping_import"),
    path("c/<slug:city_slug>/data/<int:pk>/mapping.json", views.mapping_json, name="mapping_json"),
    path("c/<slug:city_slug>/data/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("c/<slug:city_slug>/data/<int:pk>/retry/", views.retry, name="retry"),
    path("c/<slug:city_slug>/data/<int:pk>/delete/", views.delete, name="delete"),
    path("c/<slug:city_slug>/data/<int:pk>/problems.csv", views.problems_csv, name="problems_csv"),
]
