"""The indicator catalogue: each indicator from the Census, defined once (pure: no Django).

An indicator names its ACS base table (the race iterations A-I of it are read), the cells of its
numerator and denominator (summed), the universe, the sex it is about, the milestone or theme it
belongs to and which way is better. docs/indicators.md lists them with the same words.

Milestones follow My Brother's Keeper (high school graduation, postsecondary completion, entering
the workforce, safety and second chances); health and economic security are themes of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

# (key, label), in the order the outcomes page shows them.
MILESTONES: list[tuple[str, str]] = [
    ("high_school", "High school graduation"),
    ("postsecondary", "Postsecondary completion"),
    ("workforce", "Entering the workforce"),
    ("economic", "Economic security"),
    ("health", "Health"),
    ("justice", "Safety and second chances"),
    ("local", "Other local indicators"),
]
MILESTONE_LABELS = dict(MILESTONES)
# The library topics (library.models.Topic) whose practices speak to each milestone or theme.
MILESTONE_TOPICS: dict[str, tuple[str, ...]] = {
    "high_school": ("youth", "literacy"),
    "postsecondary": ("youth", "training"),
    "workforce": ("youth", "literacy"),
    "economic": ("literacy", "violence"),
    "health": ("literacy", "wellness"),
    "justice": ("police_data", "trust", "policy", "oversight"),
    "local": ("youth", "literacy"),
}

SEXES = {"male": "Males", "female": "Females", "all": "Everyone"}

# Race iterations in the order shown, with a short label. H (white, not Hispanic) is preferred
# over A as the "white" reference when both are loaded.
GROUPS: list[tuple[str, str]] = [
    ("B", "Black"),
    ("I", "Hispanic or Latino"),
    ("C", "American Indian and Alaska Native"),
    ("D", "Asian"),
    ("E", "Native Hawaiian and Pacific Islander"),
    ("F", "Some other race"),
    ("G", "Two or more races"),
    ("H", "White, not Hispanic"),
    ("A", "White"),
]
GROUP_LABELS = dict(GROUPS)
WHITE_REFERENCES = ("H", "A")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    table: str
    sex: str  # "male" | "all"
    numerator: tuple[int, ...]
    denominator: tuple[int, ...]
    universe: str
    milestone: str
    lower_is_better: bool
    kind: str = "proportion"  # "proportion" | "median"
    unit: str = "percent"  # "percent" | "dollars"
    note: str = ""

    @property
    def milestone_label(self) -> str:
        return MILESTONE_LABELS[self.milestone]

    @property
    def sex_label(self) -> str:
        return SEXES[self.sex]

    @property
    def cells(self) -> set[int]:
        return set(self.numerator) | set(self.denominator)

    def definition(self) -> str:
        def cells(c: tuple[int, ...]) -> str:
            return " + ".join(f"{self.table}x_{n:03d}" for n in c)

        if self.kind == "median":
            return f"{cells(self.numerator)} as published"
        return f"({cells(self.numerator)}) / ({cells(self.denominator)})"


NO_SEX_C27001 = (
    "The race tables of health insurance (C27001A-I) are by age only, not by sex: this figure is for "
    "everyone of the group."
)
NO_SEX_B19013 = "A household's median income has no sex: this figure is for every household of the group."

CATALOGUE: list[Indicator] = [
    Indicator(
        "hs_male",
        "Men 25 and over with a high school diploma or more",
        "C15002",
        "male",
        (4, 5, 6),
        (2,),
        "Males 25 years and over",
        "high_school",
        lower_is_better=False,
    ),
    Indicator(
        "hs_all",
        "Adults 25 and over with a high school diploma or more",
        "C15002",
        "all",
        (4, 5, 6, 9, 10, 11),
        (1,),
        "Population 25 years and over",
        "high_school",
        lower_is_better=False,
    ),
    Indicator(
        "ba_male",
        "Men 25 and over with a bachelor's degree or more",
        "C15002",
        "male",
        (6,),
        (2,),
        "Males 25 years and over",
        "postsecondary",
        lower_is_better=False,
    ),
    Indicator(
        "ba_all",
        "Adults 25 and over with a bachelor's degree or more",
        "C15002",
        "all",
        (6, 11),
        (1,),
        "Population 25 years and over",
        "postsecondary",
        lower_is_better=False,
    ),
    Indicator(
        "unemployment_male",
        "Unemployment rate, men 16 and over",
        "C23002",
        "male",
        (8, 13),
        (6, 11),
        "Males 16 years and over in the civilian labour force",
        "workforce",
        lower_is_better=True,
    ),
    Indicator(
        "unemployment_all",
        "Unemployment rate, everyone 16 and over",
        "C23002",
        "all",
        (8, 13, 21, 26),
        (6, 11, 19, 24),
        "Population 16 years and over in the civilian labour force",
        "workforce",
        lower_is_better=True,
    ),
    Indicator(
        "lfp_male",
        "Labour-force participation, men 16 and over",
        "C23002",
        "male",
        (4, 11),
        (2,),
        "Males 16 years and over",
        "workforce",
        lower_is_better=False,
    ),
    Indicator(
        "lfp_all",
        "Labour-force participation, everyone 16 and over",
        "C23002",
        "all",
        (4, 11, 17, 24),
        (1,),
        "Population 16 years and over",
        "workforce",
        lower_is_better=False,
    ),
    Indicator(
        "poverty_male",
        "Men and boys below the poverty level",
        "B17001",
        "male",
        (3,),
        (3, 32),
        "Males for whom poverty status is determined",
        "economic",
        lower_is_better=True,
    ),
    Indicator(
        "poverty_all",
        "People below the poverty level",
        "B17001",
        "all",
        (2,),
        (1,),
        "Population for whom poverty status is determined",
        "economic",
        lower_is_better=True,
    ),
    Indicator(
        "income_all",
        "Median household income",
        "B19013",
        "all",
        (1,),
        (),
        "Households",
        "economic",
        lower_is_better=False,
        kind="median",
        unit="dollars",
        note=NO_SEX_B19013,
    ),
    Indicator(
        "uninsured_all",
        "People without health insurance",
        "C27001",
        "all",
        (4, 7, 10),
        (1,),
        "Civilian noninstitutionalized population",
        "health",
        lower_is_better=True,
        note=NO_SEX_C27001,
    ),
]
BY_KEY = {i.key: i for i in CATALOGUE}
TABLES = sorted({i.table for i in CATALOGUE})
# Cells a base table must have for the catalogue's indicators to be computed from it.
CELLS_NEEDED = {t: sorted(set().union(*(i.cells for i in CATALOGUE if i.table == t))) for t in TABLES}
TABLE_TITLES = {
    "B17001": "Poverty status in the past 12 months by sex by age",
    "C27001": "Health insurance coverage status by age",
    "C15002": "Sex by educational attainment for the population 25 years and over",
    "C23002": "Sex by age by employment status for the population 16 years and over",
    "B19013": "Median household income in the past 12 months",
}


def by_milestone() -> list[tuple[str, str, list[Indicator]]]:
    return [(key, label, [i for i in CATALOGUE if i.milestone == key]) for key, label in MILESTONES]
