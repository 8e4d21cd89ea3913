#!/bin/sh
# Restore a backup made by backup.sh into an EMPTY database (created beforehand with
# `createdb -O kaa_owner kaa`), in one transaction: it is all there, or nothing is.
#   restore.sh FILE postgresql://kaa_owner:…@db.kommun.se/kaa
# Then `flask --app wsgi kaa migrate` (a backup from an older version is brought up to date).
set -eu
file="${1:?usage: restore.sh FILE DATABASE_URL}"
url=$(printf '%s' "${2:?usage: restore.sh FILE DATABASE_URL}" | sed 's|^postgresql+psycopg://|postgresql://|')
tables=$(psql --no-psqlrc --tuples-only --no-align --dbname="$url" \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore.sh: the database already has $tables tables; restore only into an empty one" >&2
  exit 1
fi
pg_restore --exit-on-error --single-transaction --dbname="$url" "$file"
echo "restored $file"
