#!/bin/sh
# Runs once, when the postgres container initialises an empty data directory. Creates the
# application role with a password so the apps can log in over the network. The migrations also
# create fleet_app (without a password) only when it is missing, and grant it what it needs, so
# creating it here first is safe.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="${FLEET_APP_PASSWORD:?FLEET_APP_PASSWORD is not set}" <<'SQL'
CREATE ROLE fleet_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD :'app_password';
SQL
