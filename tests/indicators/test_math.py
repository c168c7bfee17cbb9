"""The figures' formulas (indicators/acsmath.py), and the worked example of docs/indicators.md
computed by the app."""

import math
import re
from pathlib import Path

import pytest

from indicators import acsmath
from indicators.acsmath import Estimate

DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def test_sum_and_proportion_follow_the_handbook():
    num = acsmath.sum_estimates([Estimate(142, 107), Estimate(800, 284), Estimate(29, 31)])
    assert num.value == 971 and num.moe == pytest.approx(math.sqrt(107**2 + 284**2 + 31**2))
    p = acsmath.proportion(num, Estimate(11751, 403))
    assert p.formula == "proportion"
    expected = math.sqrt(num.moe**2 - (971 / 11751) ** 2 * 403**2) / 11751
    assert p.moe == pytest.approx(expected)
    assert p.low == pytest.approx(p.value - expected) and p.high == pytest.approx(p.value + expected)


def test_a_negative_radicand_falls_back_to_the_ratio_formula():
    p = acsmath.proportion(Estimate(900, 10), Estimate(1000, 200))
    assert p.formula == "ratio (radicand negative)"
    assert p.moe == pytest.approx(math.sqrt(10**2 + 0.9**2 * 200**2) / 1000)


def test_unreliable_and_too_few():
    greyed = acsmath.proportion(Estimate(20, 30), Estimate(400, 80))
    assert greyed.shown and not greyed.reliable and greyed.greyed and greyed.cv > 0.3
    hidden = acsmath.proportion(Estimate(5, 4), Estimate(60, 20))
    assert not hidden.shown and hidden.value is None and "Too few" in hidden.why
    missing = acsmath.proportion(Estimate(None, None), Estimate(6000, 20))
    assert not missing.shown


def test_wilson_for_local_counts():
    w = acsmath.wilson(120, 900)
    assert w.low < 120 / 900 < w.high and w.reliable
    assert not acsmath.wilson(3, 8).shown
    assert acsmath.wilson(5, 30).greyed


def test_ratios_between_groups_carry_the_ratio_formula():
    black = acsmath.proportion(Estimate(300, 40), Estimate(1000, 50))
    white = acsmath.proportion(Estimate(100, 30), Estimate(1000, 50))
    r = acsmath.group_ratio(black, white)
    assert r.value == pytest.approx(3.0)
    assert r.moe == pytest.approx(math.sqrt(black.moe**2 + 9 * white.moe**2) / white.value)


@pytest.mark.parametrize(
    ("ratio", "score"), [(1.0, 100), (0.8, 100), (5.0, 1), (9.0, 1), (2.0, 57), (math.inf, 1)]
)
def test_equality_score_scale(ratio, score):
    assert acsmath.equality_score(ratio) == score


def _worked_example() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```worked-example\n(.*?)```", text, re.S)
    assert block, "docs/indicators.md has no worked-example block"
    return dict(line.split(":", 1) for line in block.group(1).strip().splitlines())


def test_the_worked_example_of_the_docs_equals_the_apps_score():
    ex = {k.strip(): v.strip() for k, v in _worked_example().items()}
    groups = {}
    for key, value in ex.items():
        if key.startswith("group "):
            name = key.removeprefix("group ")
            num, num_moe, den, den_moe = (float(v) for v in value.split())
            groups[name] = acsmath.proportion(Estimate(num, num_moe), Estimate(den, den_moe))
    for name, fig in groups.items():
        assert f"{fig.value * 100:.1f}" == ex[f"share {name}"], name
        assert f"{fig.moe * 100:.1f}" == ex[f"moe {name}"], name
    score = acsmath.indicator_score(groups, lower_is_better=True, kind="proportion")
    assert f"{score.ratio:.2f}" == ex["ratio"]
    assert score.score == int(ex["score"])
    assert (score.worst, score.best) == (ex["worst"], ex["best"])
