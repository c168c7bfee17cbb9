from django.urls import path

from . import views

app_name = "disparities"

urlpatterns = [
    path("c/<slug:city_slug>/data/", views.index, name="index"),
]
