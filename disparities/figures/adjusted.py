"""Adjusted disparities: logistic regressions of a stop's outcome on the person's race, with and
without the controls the file records.

For each outcome (search, arrest, citation, use of force) that the file records, among stopped
people whose race is known:

    unadjusted:  outcome ~ C(race, reference white)
    adjusted:    outcome ~ C(race, reference white) + C(age group) + C(sex) + C(district) + C(hour)
                           + C(month of year) + C(stop reason) + C(stop type)

fitted by maximum likelihood with statsmodels (`Logit`), both on the same stops so that the two odds
ratios differ only by the controls. exp(coefficient) is the odds ratio against white people; its 95 %
interval is the Wald interval exp(b ± 1.96·se).

What "adjusted" can and cannot show: the odds ratio compares people stopped in the same district,
hour, month, for the same reason, of the same age group and sex. It cannot adjust for the decision to
stop: if officers stop people of one race on weaker grounds, the people stopped differ before any
search or arrest, and no control recorded after the stop removes that. Nor can it adjust for what
the file does not record (the officer, the behaviour during the stop, prior records).

The steps, so that anyone can repeat the fit (docs/disparities-stats.md):
1. stops with the outcome recorded (not null) and the race known (not `unknown`);
2. a control the file records on no stop is left out ("not recorded"); for a control it records,
   stops without it are left out (complete cases);
3. a race group with fewer than MIN_EVENTS stops with the outcome, or fewer than MIN_EVENTS without,
   cannot be estimated: it is named as such and its stops are left out (never a fabricated ratio);
4. a level of a control where the outcome never (or always) happens predicts it perfectly (separation):
   its stops are left out, as Stata does; a control left with one level is dropped from the model;
   steps 3 and 4 repeat until nothing changes;
5. white people must remain with enough events and non-events, or nothing can be estimated.
Each control's first level (in sorted order) is its reference, which changes no race odds ratio.

Input: a pandas DataFrame with a column per name in CONTROLS and OUTCOMES plus `race`; missing
values as None/NaN (controls may be "" for missing). No database here.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

REFERENCE = "white"
MIN_EVENTS = 5
LEVEL = 0.95
Z = 1.959963984540054

# (column, label): the controls, in the order the model states them.
CONTROLS: tuple[tuple[str, str], ...] = (
    ("age_group", "age group"),
    ("sex", "sex"),
    ("district", "district"),
    ("hour", "hour of the day"),
    ("month", "month of the year"),
    ("reason", "stop reason or purpose"),
    ("type", "stop type (vehicle, pedestrian)"),
)
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("search", "Search"),
    ("arrest", "Arrest"),
    ("citation", "Citation"),
    ("force", "Use of force"),
)

RACE_LABELS = {
    "black": "Black", "hispanic": "Hispanic", "white": "white", "asian_pacific_islander": "Asian / Pacific Islander",
    "native_american": "Native American", "other": "other-race",
}  # fmt: skip

READING = (
    "An adjusted odds ratio compares people of a race with white people stopped in the same district, "
    "hour, month and for the same recorded reason, of the same age group and sex. A ratio above 1 means "
    "higher odds of the outcome than white people with the same recorded circumstances. It cannot adjust "
    "for the decision to stop: if people of one race are stopped on weaker grounds, those stopped already "
    "differ before any search, arrest or citation, and no control recorded after the stop removes that. "
    "Nor can it adjust for what the file does not record (the officer, what happened during the stop). "
    "A ratio that shrinks towards 1 once adjusted is not proof that there is no disparity: where and when "
    "people are stopped can itself reflect policing choices."
)


def _label(race: str) -> str:
    label = RACE_LABELS.get(race, race)
    return label[:1].upper() + label[1:]


@dataclass
class _Sample:
    frame: pd.DataFrame
    controls: list[str]
    steps: list[str]
    not_estimable: dict[str, str]


def _missing(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype("string").fillna("") == "")


def _race_counts(frame: pd.DataFrame, outcome: str) -> dict[str, tuple[int, int]]:
    grouped = frame.groupby("race")[outcome].agg(["sum", "count"])
    return {race: (int(row["sum"]), int(row["count"] - row["sum"])) for race, row in grouped.iterrows()}


def _sample(data: pd.DataFrame, outcome: str) -> _Sample:
    steps: list[str] = []
    frame = data[data[outcome].notna() & (data["race"] != "unknown") & data["race"].notna()].copy()
    frame[outcome] = frame[outcome].astype(int)
    steps.append(f"{len(frame):,} stops with the outcome recorded and the person's race known")
    controls: list[str] = []
    for name, label in CONTROLS:
        if name not in frame.columns:
            continue
        missing = _missing(frame[name])
        if missing.all():
            continue
        if missing.any():
            steps.append(f"{int(missing.sum()):,} stops left out: {label} not recorded on them")
            frame = frame[~missing]
        frame[name] = frame[name].astype(str)
        controls.append(name)
    not_estimable: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for race, (events, non_events) in sorted(_race_counts(frame, outcome).items()):
            if events < MIN_EVENTS or non_events < MIN_EVENTS:
                not_estimable[race] = (
                    f"{events:,} stops with the outcome and {non_events:,} without: at least {MIN_EVENTS} "
                    "of each are needed to estimate an odds ratio"
                )
                steps.append(
                    f"{events + non_events:,} stops of {RACE_LABELS.get(race, race)} people left out: too few "
                    "stops with or without the outcome to estimate"
                )
                frame = frame[frame["race"] != race]
                changed = True
        for name in list(controls):
            rates = frame.groupby(name)[outcome].agg(["sum", "count"])
            constant = rates[(rates["sum"] == 0) | (rates["sum"] == rates["count"])].index
            if len(constant):
                dropped = frame[name].isin(constant)
                label = dict(CONTROLS)[name]
                steps.append(
                    f"{int(dropped.sum()):,} stops left out: {len(constant)} level(s) of {label} where the "
                    "outcome never or always happens (they predict it perfectly)"
                )
                frame = frame[~dropped]
                changed = True
            if frame[name].nunique() < 2:
                controls.remove(name)
                changed = True
    return _Sample(frame=frame, controls=controls, steps=steps, not_estimable=not_estimable)


def _design(frame: pd.DataFrame, races: list[str], controls: list[str]) -> pd.DataFrame:
    """The model's design matrix, as patsy's `C(race, Treatment('white')) + C(control) ...` builds it
    (an intercept, one indicator per level but the reference), made with pandas: patsy's own
    builder takes minutes on a few hundred thousand stops."""
    parts = [pd.DataFrame({"Intercept": np.ones(len(frame))}, index=frame.index)]
    for race in races:
        parts.append(pd.DataFrame({_race_term(race): (frame["race"] == race).to_numpy(float)}, index=frame.index))
    for control in controls:
        levels = sorted(frame[control].unique())
        dummies = pd.get_dummies(pd.Categorical(frame[control], categories=levels), dtype=float)
        dummies = dummies.iloc[:, 1:]
        dummies.columns = [f"C({control})[T.{level}]" for level in dummies.columns]
        dummies.index = frame.index
        parts.append(dummies)
    return pd.concat(parts, axis=1)


def _fit(frame: pd.DataFrame, outcome: str, races: list[str], controls: list[str]) -> Any:
    x = _design(frame, races, controls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.Logit(frame[outcome].to_numpy(float), x).fit(disp=0, maxiter=100)


def _race_term(race: str) -> str:
    return f"C(race, Treatment('{REFERENCE}'))[T.{race}]"


def _ratios(result: Any, races: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for race in races:
        term = _race_term(race)
        b = float(result.params[term])
        se = float(result.bse[term])
        if not (math.isfinite(b) and math.isfinite(se)) or se > 10:
            out[race] = {"estimable": False, "reason": "the model could not estimate it (separation)"}
            continue
        out[race] = {
            "estimable": True,
            "odds_ratio": math.exp(b),
            "interval": [math.exp(b - Z * se), math.exp(b + Z * se)],
            "coefficient": b,
            "std_error": se,
            "p_value": float(result.pvalues[term]),
        }
    return out


def adjusted_outcome(data: pd.DataFrame, outcome: str) -> dict[str, Any]:
    """One outcome's unadjusted and adjusted odds ratios against white people (see the module)."""
    label = dict(OUTCOMES)[outcome]
    if outcome not in data.columns or data[outcome].isna().all():
        return {"outcome": outcome, "label": label, "recorded": False, "reason": "not recorded in this file"}
    sample = _sample(data, outcome)
    frame = sample.frame
    base = {
        "outcome": outcome,
        "label": label,
        "recorded": True,
        "steps": sample.steps,
        "not_estimable": sample.not_estimable,
        "not_estimable_list": [
            {"race": r, "label": _label(r), "reason": why} for r, why in sorted(sample.not_estimable.items())
        ],
        "controls": [dict(CONTROLS)[c] for c in sample.controls],
        "control_columns": sample.controls,
    }
    counts = _race_counts(frame, outcome)
    if REFERENCE not in counts or REFERENCE in sample.not_estimable:
        return {**base, "estimable": False, "reason": "white people, the reference group, have too few stops "
                "with and without the outcome to compare against"}  # fmt: skip
    races = sorted(r for r in counts if r != REFERENCE)
    if not races:
        return {**base, "estimable": False, "reason": "no other race group has enough stops to compare"}
    race_term = f"C(race, Treatment('{REFERENCE}'))"
    unadjusted_formula = f"{outcome} ~ {race_term}"
    adjusted_formula = " + ".join([unadjusted_formula, *(f"C({c})" for c in sample.controls)])
    try:
        plain = _fit(frame, outcome, races, [])
        adjusted = _fit(frame, outcome, races, sample.controls)
    except (np.linalg.LinAlgError, ValueError) as problem:
        return {**base, "estimable": False, "reason": f"the model could not be fitted ({problem})"}
    unadjusted_ratios = _ratios(plain, races)
    adjusted_ratios = _ratios(adjusted, races)
    groups = []
    for race in races:
        events, non_events = counts[race]
        groups.append({
            "race": race, "label": _label(race), "stops": events + non_events, "events": events,
            "unadjusted": unadjusted_ratios[race], "adjusted": adjusted_ratios[race],
        })  # fmt: skip
    white_events, white_non = counts[REFERENCE]
    return {
        **base,
        "estimable": True,
        "n": int(len(frame)),
        "events": int(frame[outcome].sum()),
        "reference": {"race": REFERENCE, "stops": white_events + white_non, "events": white_events},
        "formula": adjusted_formula,
        "unadjusted_formula": unadjusted_formula,
        "converged": bool(adjusted.mle_retvals.get("converged", False)),
        "pseudo_r2": float(adjusted.prsquared),
        "groups": groups,
    }


def adjusted_disparities(data: pd.DataFrame) -> dict[str, Any]:
    """Every outcome's odds ratios, the model and its controls stated, and how to read them."""
    recorded_controls = [
        label for name, label in CONTROLS if name in data.columns and not _missing(data[name]).all()
    ]
    absent = [label for name, label in CONTROLS if label not in recorded_controls]
    return {
        "method": "logistic regression (statsmodels Logit, maximum likelihood), odds ratios against white "
        "people with 95% Wald intervals",
        "reference": REFERENCE,
        "min_events": MIN_EVENTS,
        "controls_recorded": recorded_controls,
        "controls_not_recorded": absent,
        "stops": int(len(data)),
        "outcomes": [adjusted_outcome(data, name) for name, _label in OUTCOMES],
        "reading": READING,
    }
