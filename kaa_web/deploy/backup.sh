#!/bin/sh
# kaa_web's database backup: one pg_dump file (custom format, owners and grants kept) per run,
# checked readable, renamed into place only when whole; files older than the retention go.
#   KAA_BACKUP_DATABASE_URL  the database as its owner: postgresql://kaa_owner:…@db.kommun.se/kaa
#   KAA_BACKUP_DIR           where the files go (default /var/backups/kaa)
#   KAA_BACKUP_KEEP_DAYS     how long a file is kept (default 35)
# The files hold every young person's data: keep them as the database is kept (README).
set -eu
url="${KAA_BACKUP_DATABASE_URL:?set KAA_BACKUP_DATABASE_URL (postgresql://owner@host/db)}"
url=$(printf '%s' "$url" | sed 's|^postgresql+psycopg://|postgresql://|')
dir="${KAA_BACKUP_DIR:-/var/backups/kaa}"
keep="${KAA_BACKUP_KEEP_DAYS:-35}"
umask 077
mkdir -p "$dir"
file="$dir/kaa-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --compress=6 --file="$file.part" --dbname="$url"
pg_restore --list "$file.part" >/dev/null
mv "$file.part" "$file"
find "$dir" -maxdepth 1 -name 'kaa-*.dump' -mtime "+$keep" -delete
echo "$file"
