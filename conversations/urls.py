from django.urls import path

from . import views

app_name = "conversations"

C = "c/<slug:city_slug>/conversations/"
P = "p/<slug:city_slug>/conversations/"

urlpatterns = [
    path(C, views.index, name="index"),
    path(C + "new/", views.create, name="create"),
    path(C + "calendar/", views.calendar_settings, name="calendar"),
    path(C + "campaigns/<int:campaign_id>/", views.campaign, name="campaign"),
    path(C + "<int:pk>/", views.detail, name="detail"),
    path(C + "<int:pk>/edit/", views.edit, name="edit"),
    path(C + "<int:pk>/status/", views.set_status, name="set_status"),
    path(C + "<int:pk>/sessions/new/", views.session_form, name="session_create"),
    path(C + "<int:pk>/sessions/<int:session_id>/", views.session_form, name="session_edit"),
    path(C + "<int:pk>/sessions/<int:session_id>/delete/", views.session_delete, name="session_delete"),
    path(C + "<int:pk>/checklist/", views.checklist, name="checklist"),
    path(C + "<int:pk>/checklist/<int:item_id>/", views.checklist_item, name="checklist_item"),
    path(C + "<int:pk>/checklist/<int:item_id>/toggle/", views.checklist_toggle, name="checklist_toggle"),
    path(C + "<int:pk>/voices/", views.voices, name="voices"),
    path(C + "<int:pk>/invitations/<int:invitation_id>/", views.invitation_response, name="invitation_response"),
    path(C + "<int:pk>/registrations/", views.registrations, name="registrations"),
    path(
        C + "<int:pk>/registrations/<int:registration_id>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(C + "<int:pk>/sessions/<int:session_id>/check-in/", views.check_in_list, name="check_in"),
    path(
        C + "<int:pk>/sessions/<int:session_id>/check-in/<int:registration_id>/",
        views.check_in_toggle,
        name="check_in_toggle",
    ),
    path(C + "<int:pk>/sessions/<int:session_id>/report/", views.report, name="report"),
    path(C + "<int:pk>/quotes/<int:quote_id>/", views.quote_review, name="quote_review"),
    # Public pages: no account, unguessable identifiers, never a primary key.
    path(P + "<str:public_id>/register/", views.public_register, name="public_register"),
    path(P + "cancel/<str:token>/", views.public_cancel, name="public_cancel"),
    path(P + "feedback/<str:token>/", views.public_feedback, name="public_feedback"),
    path(P + "calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    # The national curators' network view.
    path("network/campaigns/", views.network, name="network"),
    path("network/campaigns/<int:campaign_id>/", views.network_campaign, name="network_campaign"),
]
