"""What trainings lend to the league's view across cities (`cities.network`): completions per city.

A completion is an aggregate of the city's members (a count), never a name: the column shows how many
trainings were completed, by how many people, in how many trainings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count

from cities.network import Cell

from .models import Completion

if TYPE_CHECKING:
    from cities.models import City


def completions(*, cities: list[City]) -> dict[int, Cell]:
    rows = (
        Completion.objects.filter(city_id__in=[c.pk for c in cities])
        .values("city_id")
        .annotate(
            done=Count("id"),
            people=Count("user_id", distinct=True),
            trainings=Count("training_id", distinct=True),
        )
        .values_list("city_id", "done", "people", "trainings")
    )
    return {
        city_id: Cell(
            float(done),
            f"{done:,}",
            note=f"by {people:,} {'person' if people == 1 else 'people'} in {trainings:,} "
            f"training{'' if trainings == 1 else 's'}",
        )
        for city_id, done, people, trainings in rows
        if done
    }
