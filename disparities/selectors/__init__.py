"""Everything that reads for the police data pages (HackSoft's selectors). Pages read datasets and
rollups; only the drill-down reads records, one bounded page at a time."""
