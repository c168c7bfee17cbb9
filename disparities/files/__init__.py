"""Police files, pure Python (no Django): read any export, map its columns, normalise its rows.

`reader` opens CSV, TSV, zipped CSV and XLSX files and streams their rows; `mapping` proposes and
checks how columns and values map to the canonical record kinds; `normalise` turns a row into the
typed values COPY loads; `generate` writes realistic stops for the demo, the benchmarks and tests.
"""
