"""Tell PostgreSQL's planner that testing a stored text-search vector costs more than it assumes.

`tsvector @@ tsquery` (function ts_match_vq) is costed as 1, as if free; but a resource's vector is
stored out of line (TOAST), and reading it for every row made the planner prefer a sequential scan
that decompresses all 10,000 vectors (~90 ms) over the GIN index that needs none (~13 ms). A cost of
100 makes it choose the index for every query. Changing a built-in function's cost needs the
database owner's rights: where the app's database user lacks them, this step only prints a notice.
"""

from django.db import migrations

FORWARD = """
DO $$
BEGIN
    ALTER FUNCTION ts_match_vq(tsvector, tsquery) COST 100;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'Library search: could not set the cost of ts_match_vq (needs the owner''s rights).';
END
$$;
"""
BACKWARD = """
DO $$
BEGIN
    ALTER FUNCTION ts_match_vq(tsvector, tsquery) COST 1;
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("library", "0002_resource_place")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
