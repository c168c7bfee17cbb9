"""Everything that writes police data: datasets and their mapping, the import, the dashboards'
benchmarks and veil of darkness runs, publishing. Typed functions with keyword-only arguments."""
