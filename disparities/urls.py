from django.urls import path

from .views import analyses, benchmarks, dashboard, datasets, public, publishing

app_name = "disparities"

urlpatterns = [
    path("c/<slug:city_slug>/data/", datasets.index, name="index"),
    path("c/<slug:city_slug>/data/upload/", datasets.upload, name="upload"),
    path("c/<slug:city_slug>/data/<int:pk>/", datasets.detail, name="detail"),
    path("c/<slug:city_slug>/data/<int:pk>/progress/", datasets.progress, name="progress"),
    path("c/<slug:city_slug>/data/<int:pk>/mapping/", datasets.mapping_page, name="mapping"),
    path("c/<slug:city_slug>/data/<int:pk>/mapping/load/", datasets.mapping_import, name="mapping_import"),
    path("c/<slug:city_slug>/data/<int:pk>/mapping.json", datasets.mapping_json, name="mapping_json"),
    path("c/<slug:city_slug>/data/<int:pk>/cancel/", datasets.cancel, name="cancel"),
    path("c/<slug:city_slug>/data/<int:pk>/retry/", datasets.retry, name="retry"),
    path("c/<slug:city_slug>/data/<int:pk>/delete/", datasets.delete, name="delete"),
    path("c/<slug:city_slug>/data/<int:pk>/problems.csv", datasets.problems_csv, name="problems_csv"),
    # Population benchmarks (views/benchmarks.py), dashboards (views/dashboard.py), publishing
    # (views/publishing.py) and the public pages (views/public.py)
    path("c/<slug:city_slug>/data/benchmarks/", benchmarks.benchmarks, name="benchmarks"),
    path(
        "c/<slug:city_slug>/data/benchmarks/<int:pk>/default/",
        benchmarks.benchmark_default,
        name="benchmark_default",
    ),
    path(
        "c/<slug:city_slug>/data/benchmarks/<int:pk>/edit/", benchmarks.benchmark_edit, name="benchmark_edit"
    ),
    path(
        "c/<slug:city_slug>/data/benchmarks/<int:pk>/census.csv",
        benchmarks.benchmark_file,
        name="benchmark_file",
    ),
    path(
        "c/<slug:city_slug>/data/benchmarks/<int:pk>/delete/",
        benchmarks.benchmark_delete,
        name="benchmark_delete",
    ),
    path("c/<slug:city_slug>/data/<int:pk>/dashboard/", dashboard.dashboard_page, name="dashboard"),
    path("c/<slug:city_slug>/data/<int:pk>/records/", dashboard.drilldown, name="drilldown"),
    path("c/<slug:city_slug>/data/<int:pk>/report/", dashboard.report_page, name="report"),
    path("c/<slug:city_slug>/data/<int:pk>/report.json", dashboard.report_json, name="report_json"),
    path("c/<slug:city_slug>/data/<int:pk>/report.pdf", dashboard.report_pdf, name="report_pdf"),
    path("c/<slug:city_slug>/data/<int:pk>/tables/<slug:table>.csv", dashboard.table_csv, name="table_csv"),
    path("c/<slug:city_slug>/data/<int:pk>/veil/", dashboard.veil_start, name="veil_start"),
    path("c/<slug:city_slug>/data/<int:pk>/veil/<int:run_id>/", dashboard.veil_status, name="veil_status"),
    path("c/<slug:city_slug>/data/<int:pk>/threshold/", dashboard.threshold_start, name="threshold_start"),
    path(
        "c/<slug:city_slug>/data/<int:pk>/threshold/<int:run_id>/",
        dashboard.threshold_status,
        name="threshold_status",
    ),
    path("c/<slug:city_slug>/data/<int:pk>/analyses/", analyses.analyses_page, name="analyses"),
    path(
        "c/<slug:city_slug>/data/<int:pk>/analyses/<slug:method>/start/",
        analyses.analysis_start,
        name="analysis_start",
    ),
    path(
        "c/<slug:city_slug>/data/<int:pk>/analyses/purposes/groups/",
        analyses.purpose_groups,
        name="purpose_groups",
    ),
    path(
        "c/<slug:city_slug>/data/<int:pk>/analyses/runs/<int:run_id>/",
        analyses.analysis_status,
        name="analysis_status",
    ),
    path("c/<slug:city_slug>/data/<int:pk>/publish/", publishing.publish, name="publish"),
    path("c/<slug:city_slug>/data/published/", publishing.snapshots, name="snapshots"),
    path(
        "c/<slug:city_slug>/data/published/<int:snapshot_id>/withdraw/",
        publishing.snapshot_withdraw,
        name="snapshot_withdraw",
    ),
    path("p/<slug:city_slug>/data/", public.public_index, name="public_index"),
    path("p/<slug:city_slug>/data/<int:snapshot_id>/", public.public_snapshot, name="public_snapshot"),
    path("p/<slug:city_slug>/data/<int:snapshot_id>/report.json", public.public_json, name="public_json"),
    path("p/<slug:city_slug>/data/<int:snapshot_id>/<slug:table>.csv", public.public_csv, name="public_csv"),
]
