"""Which Celery queue each task goes to (CELERY_TASK_ROUTES): imports, analysis, or quick work.

The queue names are read from settings.TASK_QUEUES when a task is sent, so each test process (and
a test that starts its own workers) keeps to its own queues."""

from django.conf import settings

# Task name -> kind of queue. A task not named here is quick work (emails, reminders, digests,
# invitations, purges, the reaper), which must never wait behind an import or an analysis.
TASK_KINDS = {
    "disparities.tasks.dataset_import_task": "imports",
    "disparities.tasks.dataset_read_task": "imports",
    "disparities.tasks.veil_run_task": "analysis",
    "disparities.tasks.threshold_run_task": "analysis",
    "disparities.tasks.analysis_run_task": "analysis",
}


def queue_for(task_name: str) -> str:
    """The queue name a task is sent to."""
    return settings.TASK_QUEUES[TASK_KINDS.get(task_name, "quick")]


def route_task(name, args, kwargs, options, task=None, **kw) -> dict:
    """Celery router: {"queue": <name>} for every task (Celery's router signature)."""
    return {"queue": queue_for(name)}
