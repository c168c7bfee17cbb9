"""The survey's release rule, without a database: results only from 5 answers, in whole groups of 5,
so no two aggregates a viewer can see differ by fewer than 5 answers."""

import itertools
import math
import random

import pandas as pd
import pytest

from trainings import survey


def _answers(n, seed=1):
    rng = random.Random(seed)
    return [{key: rng.randint(1, 5) for key in survey.ITEM_KEYS} for _ in range(n)]


def test_fewer_than_five_answers_show_nothing():
    for n in range(5):
        result = survey.released(_answers(n))
        assert (result.answers, result.shown, result.means, result.is_shown) == (n, 0, {}, False)


@pytest.mark.parametrize("n", [5, 7, 10, 14, 23])
def test_means_are_of_whole_groups_of_five_in_arrival_order(n):
    answers = _answers(n, seed=n)
    frame = pd.DataFrame(answers)
    shown = n - n % 5
    # Half up on the exact mean: sums are whole numbers, so sum * 10 / shown is exact at a half.
    expected = (frame.iloc[:shown].sum() * 10 / shown + 0.5).apply(math.floor).div(10).to_dict()
    result = survey.released(answers)
    assert result.shown == shown and result.answers == n
    assert result.means == pytest.approx(expected)


def test_no_two_aggregates_differ_by_a_single_answer():
    """Whatever two moments a viewer compares (the same city's page before and after more answers
    came in), the answers behind the two means are either the same or differ by 5 or more."""
    answers = _answers(40)
    shown = [survey.released(answers[:n]).shown for n in range(41)]
    for a, b in itertools.combinations(shown, 2):
        assert a == b or abs(a - b) >= survey.MIN_ANSWERS


@pytest.mark.parametrize(
    "raw",
    [{}, {"explain": "6"}, dict.fromkeys(survey.ITEM_KEYS, "0"), dict.fromkeys(survey.ITEM_KEYS, "٣"),
     dict.fromkeys(survey.ITEM_KEYS, True), dict.fromkeys(survey.ITEM_KEYS, "3.5")],
)  # fmt: skip
def test_an_incomplete_or_out_of_range_answer_is_refused(raw):
    with pytest.raises(ValueError, match="Choose a number from 1 to 5"):
        survey.clean_answers(raw)


def test_a_complete_answer_is_kept_as_whole_numbers():
    assert survey.clean_answers(dict.fromkeys(survey.ITEM_KEYS, " 4")) == dict.fromkeys(survey.ITEM_KEYS, 4)


def test_the_module_is_pure():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(survey.__file__).read_text())
    imported = {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not imported & {"django", "trainings", "cities"}
