from django.urls import path

from . import views

app_name = "relationships"

P = "c/<slug:city_slug>/relationships/"

urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "directory/", views.directory, name="directory"),
    path(P + "directory/new/", views.stakeholder_new, name="stakeholder_new"),
    path(P + "directory/import/", views.stakeholder_import, name="stakeholder_import"),
    path(P + "directory/import/<int:import_id>/", views.import_preview, name="import_preview"),
    path(P + "directory/import/<int:import_id>/skipped.csv", views.import_report, name="import_report"),
    path(P + "directory/<int:stakeholder_id>/", views.stakeholder_detail, name="stakeholder_detail"),
    path(P + "directory/<int:stakeholder_id>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path(P + "directory/<int:stakeholder_id>/consent/", views.stakeholder_consent, name="stakeholder_consent"),
    path(P + "directory/<int:stakeholder_id>/withdraw/", views.stakeholder_withdraw, name="stakeholder_withdraw"),
    path(P + "standing/", views.relationship_list, name="relationship_list"),
    path(P + "standing/new/", views.relationship_new, name="relationship_new"),
    path(P + "standing/<int:relationship_id>/", views.relationship_detail, name="relationship_detail"),
    path(P + "standing/<int:relationship_id>/edit/", views.relationship_edit, name="relationship_edit"),
    path(P + "standing/<int:relationship_id>/trust/", views.relationship_assess, name="relationship_assess"),
    path(P + "meetings/", views.meeting_list, name="meeting_list"),
    path(P + "meetings/new/", views.meeting_new, name="meeting_new"),
    path(P + "meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path(P + "commitments/", views.commitment_list, name="commitment_list"),
    path(P + "commitments/new/", views.commitment_new, name="commitment_new"),
    path(P + "commitments/<int:commitment_id>/", views.commitment_detail, name="commitment_detail"),
    path(P + "commitments/<int:commitment_id>/status/", views.commitment_status, name="commitment_status"),
    path(P + "commitments/<int:commitment_id>/publish/", views.commitment_publish, name="commitment_publish"),
    path(P + "trust-gaps/", views.trust_gaps, name="trust_gaps"),
    path(P + "readiness/", views.readiness, name="readiness"),
    path(P + "crisis/new/", views.crisis_new, name="crisis_new"),
    path(P + "crisis/<int:event_id>/", views.crisis_detail, name="crisis_detail"),
    # Public pages of a city live under /p/<city-slug>/: no sign-in, no personal data.
    path("p/<slug:city_slug>/commitments/", views.public_commitments, name="public_commitments"),
]
