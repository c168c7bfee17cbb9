from django.urls import path
from django.views.i18n import set_language

from . import views

app_name = "cities"

urlpatterns = [
    path("national/", views.national, name="national"),
    path("c/<slug:city_slug>/", views.city_home, name="home"),
    path("c/<slug:city_slug>/members/", views.members, name="members"),
    path("c/<slug:city_slug>/members/invite/", views.invite, name="invite"),
    path("c/<slug:city_slug>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("c/<slug:city_slug>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "c/<slug:city_slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("c/<slug:city_slug>/settings/", views.city_settings, name="settings"),
    path("c/<slug:city_slug>/audit/", views.audit_log, name="audit"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # The language switcher on every page posts here (Django's own view: a cookie, then back to `next`).
    path("language/", set_language, name="language"),
]
