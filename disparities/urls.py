from django.urls import path

from .views import dashboard as dash
from .views import datasets as views

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
    # Dashboards (views_dashboard.py)
    path("c/<slug:city_slug>/data/benchmarks/", dash.benchmarks, name="benchmarks"),
    path(
        "c/<slug:city_slug>/data/benchmarks/<int:pk>/default/",
        dash.benchmark_default,
        name="benchmark_default",
    ),
    path("c/<slug:city_slug>/data/benchmarks/<int:pk>/edit/", dash.benchmark_edit, name="benchmark_edit"),
    path(
        "c/<slug:city_slug>/data/benchmarks/<int:pk>/census.csv", dash.benchmark_file, name="benchmark_file"
    ),
    path(
        "c/<slug:city_slug>/data/benchmarks/<int:pk>/delete/", dash.benchmark_delete, name="benchmark_delete"
    ),
    path("c/<slug:city_slug>/data/<int:pk>/dashboard/", dash.dashboard_page, name="dashboard"),
    path("c/<slug:city_slug>/data/<int:pk>/records/", dash.drilldown, name="drilldown"),
    path("c/<slug:city_slug>/data/<int:pk>/report/", dash.report_page, name="report"),
    path("c/<slug:city_slug>/data/<int:pk>/report.json", dash.report_json, name="report_json"),
    path("c/<slug:city_slug>/data/<int:pk>/tables/<slug:table>.csv", dash.table_csv, name="table_csv"),
    path("c/<slug:city_slug>/data/<int:pk>/veil/", dash.veil_start, name="veil_start"),
    path("c/<slug:city_slug>/data/<int:pk>/veil/<int:run_id>/", dash.veil_status, name="veil_status"),
    path("c/<slug:city_slug>/data/<int:pk>/publish/", dash.publish, name="publish"),
    path("c/<slug:city_slug>/data/published/", dash.snapshots, name="snapshots"),
    path(
        "c/<slug:city_slug>/data/published/<int:snapshot_id>/withdraw/",
        dash.snapshot_withdraw,
        name="snapshot_withdraw",
    ),
    path("p/<slug:city_slug>/data/", dash.public_index, name="public_index"),
    path("p/<slug:city_slug>/data/<int:snapshot_id>/", dash.public_snapshot, name="public_snapshot"),
    path("p/<slug:city_slug>/data/<int:snapshot_id>/report.json", dash.public_json, name="public_json"),
    path("p/<slug:city_slug>/data/<int:snapshot_id>/<slug:table>.csv", dash.public_csv, name="public_csv"),
]
