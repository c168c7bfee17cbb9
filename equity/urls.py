from django.urls import path

from . import views

app_name = "equity"

P = "c/<slug:city_slug>/equity/"
A = P + "<int:assessment_id>/"

urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "new/", views.new, name="new"),
    path(P + "templates/", views.templates, name="templates"),
    path(P + "templates/adapt/", views.template_adapt, name="template_adapt"),
    path(P + "templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path(A, views.detail, name="detail"),
    path(A + "step/<int:step>/", views.step, name="step"),
    path(A + "add/<slug:kind>/", views.item_add, name="item_add"),
    path(A + "remove/<slug:kind>/<int:item_id>/", views.item_remove, name="item_remove"),
    path(A + "strategies/<int:strategy_id>/commit/", views.strategy_commit, name="strategy_commit"),
    path(A + "practices/", views.practices, name="practices"),
    path(A + "publish/", views.publish, name="publish"),
    path(A + "revisions/", views.revisions, name="revisions"),
    path(A + "revisions/<int:revision_id>/restore/", views.revision_restore, name="revision_restore"),
    path(P + "budget/", views.budget_index, name="budget_index"),
    path(P + "budget/<int:cycle_id>/", views.budget_cycle, name="budget_cycle"),
    path(P + "budget/<int:cycle_id>/requests.csv", views.budget_export, name="budget_export"),
    path(P + "budget/<int:cycle_id>/requests/<int:request_id>/", views.budget_request, name="budget_request"),
    path("network/equity/", views.network, name="network"),
    path("network/equity/templates/", views.network_templates, name="network_templates"),
    path(
        "network/equity/templates/<int:template_id>/",
        views.network_template_edit,
        name="network_template_edit",
    ),
    # Public pages of a city live under /p/<city-slug>/: no sign-in, only what the lead published.
    path("p/<slug:city_slug>/equity/", views.public_index, name="public_index"),
    path("p/<slug:city_slug>/equity/<int:assessment_id>/", views.public_detail, name="public_detail"),
]
