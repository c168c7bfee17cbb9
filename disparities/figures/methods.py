"""Methods and caveats printed with every report and published page (from docs/disparities-stats.md)."""

METHODS = [
    (
        "What is counted",
        "Every figure says its unit: stops, persons, incidents, complaints, arrests. Where the police file has several rows for one incident, counts by row, by person and by incident differ, and the report says which one it gives.",
    ),
    (
        "Aggregated files (weighted rows)",
        "Some departments publish counts instead of records: one row per year, purpose and race, with the number of stops that row stands for. Such a row is counted as that many stops in every figure, interval, trend and export, exactly as if the file had one row per stop. Where stops and searches are given as separate rows, the searches rows count searches of the stops already counted, not more stops. A file that gives only the year of each stop has figures by year, none by month, and no veil of darkness (which needs the time of each stop).",
    ),
    (
        "Race",
        'Categories follow the Census Bureau and the Stanford Open Policing Project: Black, Hispanic (of any race: a person recorded as Hispanic counts as Hispanic whatever race is also recorded), white, Asian/Pacific Islander, Native American, other, unknown. "White" and "Black" mean not Hispanic. California\'s RIPA files add two categories of their own, Middle Eastern or South Asian and multiracial; they are counted and shown, but the Census has no matching group of residents (the American Community Survey has no Middle Eastern or South Asian category: those residents are counted as white or Asian; and a person an officer perceived as of several races is not the group of residents who report two or more races), so no share of residents, rate per resident or ratio is given for them, and the cell says so.',
    ),
    (
        "Persons across rows",
        "Some files (California's RIPA data) have one row per person per perceived race, and per action or result, found together by the stop id and the person id. Each person is then counted once: Hispanic if any of their rows says Hispanic, else multiracial when their rows give more than one race, else the one race given (the rule the RIPA Board uses in its reports); a search, a find, an arrest or a citation on any of their rows counts for the person. Rows with no stop id or no person id cannot be joined to their person and are not counted (each is listed among the import's problems).",
    ),
    (
        "Not recorded is not zero",
        "A figure is computed only from what the police file records. When the file has no column for something (no search column, no contraband column, no fine amount, no finding, no time of day), every figure that needs it reads “not recorded in this file”, with the missing column named: it is not 0%, because nobody counted. In the CSV export that cell is empty and its note says why; in the JSON report its value is null with the reason. A 0 means something else: the column is there and no record has it (for example, searches that never found contraband), and a 0 is shown with the upper end of its interval, since a few events could still have been missed by chance. The same holds for race and ethnicity: when an agency's file has no Hispanic category and no ethnicity column, Hispanic is “not recorded by this agency”. Hispanic people stopped by that agency are most likely recorded as white (some as Black or other), so the white count includes them while the residents' figures count Hispanic residents apart: the white rate per resident is overstated and ratios to the white rate are understated. No rate or ratio is given for a group the agency does not record.",
    ),
    (
        "Share of events against share of population",
        "For each group, its share of the stops (or arrests, citations ...) whose race is known, next to its share of the residents. A group with 24% of stops and 12% of residents has a disparity index of 2: twice its share. Stops of unknown race are left out of both shares.",
    ),
    (
        "Rate per 1,000 residents",
        "Events in the period divided by the group's residents, times 1,000. The residents come from the Census Bureau's American Community Survey (table B03002, the years stated with each benchmark). The interval around a rate is the exact Poisson interval: the range of underlying rates that could plausibly have produced the count observed.",
    ),
    (
        "Ratio to the white rate",
        "A group's rate per resident divided by the white rate per resident. 1 means the same rate; 2.5 means two and a half times the white rate. Its 95% interval is computed on the log scale (Katz's method) when both groups have at least 20 events; with fewer on either side, where that method is too narrow, it is the exact conditional interval (Clopper-Pearson on one group's share of the events of both), which also gives an upper bound when a group has no events at all. Both are widened for the Census margins of error of the two populations (delta method).",
    ),
    (
        "Search rate, hit rate, arrest, citation and warning rates",
        "A search rate is the share of stops in which a search was made. A hit rate is the share of searches that found contraband. These are proportions: their 95% intervals are Wilson score intervals, which stay sensible for small counts and for 0% or 100%.",
    ),
    (
        "The outcome test (hit rates)",
        'If officers searched Black and white drivers on the same evidence, searches of both groups would find contraband about as often. A lower hit rate for one group suggests that its members were searched on less evidence. This is the "outcome test" (Becker; Knowles, Persico and Todd). It has a known weakness, infra-marginality: hit rates compare averages over everyone searched, not the evidence threshold at which officers decide, and groups can differ in hit rates even when officers apply the same threshold, or show equal hit rates when they do not. Read hit-rate differences as a reason to look closer, not as a measure of bias by themselves. Searches incident to arrest, which are not discretionary, are shown apart where the data say which searches they were.',
    ),
    (
        "Veil of darkness (vehicle stops)",
        "After dark it is harder for an officer to see a driver's race before deciding to stop them. The test compares stops made at the same clock time on dates when it was still light and dates when it was already dark (7 pm is light in June, dark in December). If Black drivers make up a smaller share of the drivers stopped after dark than of those stopped in daylight at the same time of day, that is consistent with race influencing daylight stops. We follow the Stanford Open Policing Project (Pierson et al., Nature Human Behaviour, 2020; after Grogger and Ridgeway, 2006): sunset and the end of civil twilight (dusk) are computed for the city's location on each date; only stops between the earliest and the latest dusk of the year are used (the hours that are light on some dates and dark on others); stops between sunset and dusk, neither light nor dark, are left out; among stops of Black and white drivers, a logistic regression estimates how darkness changes the odds that a stopped driver is Black, allowing the mix of drivers to change smoothly with the time of day (a natural spline with 6 degrees of freedom), and by district where districts are known. We report the estimate, its standard error, its 95% interval and the number of stops used.",
    ),
    (
        "Small numbers",
        'On anything the public can see, a count from 1 to 10 is shown as "<11". Other counts are hidden too '
        '("suppressed": each is 11 or more) wherever a small count could otherwise be worked out from what the page '
        "shows: any total, in any table, by subtraction or by combining tables (a race's total is the same in every "
        "table, a year is the sum of its months). Every number of a published page is protected as one system of sums, "
        "and before anything is published a solver works out, from everything shown together, the least and greatest "
        'value each hidden count can have: a "<11" must still be able to be anything from 1 to 10, and a "suppressed" '
        'count must keep at least 10 possible values, as many as "<11" gives. If not, the page is not published. '
        "A rate, share or ratio computed from a hidden count is hidden with it, and hidden figures say nothing else "
        "(no interval, reliability or size). A rate based on fewer than 50 records (stops, searches ...) or on fewer "
        'than 20 events is shown greyed and marked "unreliable, n = ...": such figures move a lot by chance.',
    ),
]

CAVEATS = [
    (
        "Residents are not the people at risk of being stopped",
        "A rate per resident divides by the people who live in the city, not by those who drive, walk or are present there (commuters, visitors, through traffic), nor by how much each group drives or where police are deployed. This is the benchmark problem: per-capita rates show a disparity, not its cause. A neighbourhood patrolled more heavily produces more stops of the people who live there whatever officers' intentions.",
    ),
    (
        "The population figures are estimates",
        "The ACS publishes each estimate with a 90% margin of error; we show the margins beside the benchmark and carry them into the intervals of rates and ratios per resident (delta method on the log scale: the population's relative standard error, margin / 1.645 / population, is added to the interval's width). A population with no published margin is taken as known.",
    ),
    (
        "Race is as the officer recorded it",
        'It may differ from how people identify themselves, and "unknown" is not spread evenly across groups.',
    ),
    ("Hit rates", "have the infra-marginality problem described above."),
    (
        "The veil of darkness",
        "assumes that, at a given clock time, who is on the road does not change with darkness itself; seasonal travel can break that. Street lighting lets officers see drivers after dark too, which makes the test understate a real difference rather than invent one. It looks only at stop decisions, only at Black and white drivers, and only at evening hours. A result consistent with discrimination is evidence, not proof; a result that shows no difference does not prove there is none.",
    ),
    (
        "Intervals describe chance, not bias in the data",
        "A narrow interval on a flawed count is still a flawed count.",
    ),
]
