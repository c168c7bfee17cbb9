from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION cities_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cities_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON cities_auditevent
    FOR EACH ROW EXECUTE FUNCTION cities_auditevent_append_only();

REVOKE UPDATE, DELETE ON cities_auditevent FROM PUBLIC;
"""

DROP = """
DROP TRIGGER IF EXISTS cities_auditevent_no_update_delete ON cities_auditevent;
DROP FUNCTION IF EXISTS cities_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("cities", "0002_settings_and_audit")]
    operations = [migrations.RunSQL(APPEND_ONLY, DROP)]
