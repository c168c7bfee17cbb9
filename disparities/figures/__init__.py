"""The statistics behind every figure, pure Python (no Django).

`stats` (intervals, rates, ratios, the `Figure`), `suppression` (small-cell protection), `veil`
(the veil of darkness test), `census` (ACS B03002 population benchmarks) and `methods` (the methods
and caveats printed with every report). Tested without a database.
"""
