"""An import that never started (its task could not reach the database, then gave up or was lost):
the task's retry schedule, and the reaper's rule for datasets left `queued`.

The end-to-end case, a real worker picking the task up while a real PostgreSQL is down, is in
tests/disparities/test_database_restart.py (`test_database_down_when_the_import_task_starts_...`).
"""

import pytest

from disparities.tasks import import_retry_delay

pytestmark = pytest.mark.django_db


def schedule() -> list[int]:
    delays = []
    while (delay := import_retry_delay(len(delays))) is not None:
        delays.append(delay)
    return delays


def test_the_task_retries_with_a_doubling_wait_capped_and_bounded_in_total(settings):
    assert settings.POLICE_IMPORT_RETRY_FIRST_SECONDS == 5
    delays = schedule()
    assert delays[:7] == [5, 10, 20, 40, 80, 160, 300]
    assert set(delays[6:]) == {300}
    assert sum(delays) <= settings.POLICE_IMPORT_RETRY_TOTAL_SECONDS < sum(delays) + 300

    settings.POLICE_IMPORT_RETRY_FIRST_SECONDS = 1
    settings.POLICE_IMPORT_RETRY_MAX_DELAY_SECONDS = 4
    settings.POLICE_IMPORT_RETRY_TOTAL_SECONDS = 20
    assert schedule() == [1, 2, 4, 4, 4, 4]
    settings.POLICE_IMPORT_RETRY_FIRST_SECONDS = 0  # never a busy loop
    assert schedule()[0] == 1
