from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("c/<slug:city_slug>/conversations/", views.index, name="index"),
]
