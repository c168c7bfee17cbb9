from django.urls import path

from . import views

app_name = "relationships"

urlpatterns = [
    path("c/<slug:city_slug>/relationships/", views.index, name="index"),
]
