#!/bin/sh
# Writes fixtures/realtools/tab_people.{csv,sql,txt}: mysqldump --tab (MariaDB 10.11) of the
# 40 people of tab_people.py, whose names hold a line break, a backslash, a tab and a quote,
# with a BLOB column. Run by make.sh, or alone (as root, from the repository root):
#   apt-get install -y mariadb-server && sh scripts/realtools/tab.sh
set -eu
root=$(pwd)
out=$root/fixtures/realtools
here=$root/scripts/realtools
my=$(mktemp -d)
chmod 755 "$my"
mkdir -p "$my/data" "$my/files"
chown -R mysql:mysql "$my"
/usr/bin/python3 "$here/tab_people.py" csv > "$out/tab_people.csv"
/usr/bin/python3 "$here/tab_people.py" sql > "$my/load.sql"
mariadb-install-db --user=mysql --datadir="$my/data" --auth-root-authentication-method=socket >/dev/null
mariadbd --user=mysql --datadir="$my/data" --socket="$my/sock" --skip-networking \
    --pid-file="$my/pid" --secure-file-priv="$my/files" --log-error="$my/err.log" &
for i in $(seq 100); do [ -S "$my/sock" ] && break; sleep 0.2; done
mariadb --socket="$my/sock" -u root < "$my/load.sql"
mysqldump --socket="$my/sock" -u root --skip-dump-date --tab="$my/files" registry tab_people
cp "$my/files/tab_people.sql" "$out/tab_people.sql"
cp "$my/files/tab_people.txt" "$out/tab_people.txt"
kill "$(cat "$my/pid")"; wait || true
rm -rf "$my"
