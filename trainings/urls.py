from django.urls import path

from . import views

app_name = "trainings"

P = "c/<slug:city_slug>/trainings/"
N = "network/trainings/"

urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "new/", views.new, name="new"),
    path(P + "people/", views.people, name="people"),
    path(P + "<int:training_id>/", views.detail, name="detail"),
    path(P + "<int:training_id>/edit/", views.edit, name="edit"),
    path(P + "sessions/<int:session_id>/", views.session, name="session"),
    path(P + "sessions/<int:session_id>/change/", views.session_change, name="session_change"),
    path(P + "sessions/<int:session_id>/survey/<slug:kind>/", views.survey_page, name="survey"),
    path(P + "certificates/<int:completion_id>/", views.certificate, name="certificate"),
    # National curators: the league's trainings and their sessions, and completions across the network.
    path(N, views.network, name="network"),
    path(N + "<int:training_id>/", views.network_training, name="network_training"),
    path(N + "<int:training_id>/edit/", views.network_edit, name="network_edit"),
    path(N + "sessions/<int:session_id>/", views.network_session, name="network_session"),
    path(N + "sessions/<int:session_id>/change/", views.network_session_change, name="network_session_change"),
]
