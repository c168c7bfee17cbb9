"""Creates the database named in DATABASE_URL when it does not exist yet."""

import os
import sys

import dj_database_url
import psycopg
from psycopg import sql

url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/realcities")
cfg = dj_database_url.parse(url)
params = {
    "host": cfg.get("HOST") or "127.0.0.1",
    "port": cfg.get("PORT") or 5432,
    "user": cfg.get("USER") or None,
    "password": cfg.get("PASSWORD") or None,
    "dbname": "postgres",
}
try:
    with psycopg.connect(**params, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
            print(f"Created database {cfg['NAME']}.")
except psycopg.OperationalError as error:
    sys.exit(f"Cannot reach PostgreSQL at {params['host']}:{params['port']}: {error}")
