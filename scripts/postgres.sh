#!/usr/bin/env bash
# Starts the machine's PostgreSQL for the tests and gives them a role of their own.
# Source it: it exports GRIDLINE_TEST_POSTGRES_URL. Installs Debian's postgresql where
# it is missing. The role's password is random, made once per machine and kept outside
# the repository (owner-only), so concurrent runs on one machine agree on it.
# Returns non-zero (and says why) when PostgreSQL cannot be made to run.

pg_setup() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "PostgreSQL is not installed: installing Debian's postgresql"
        if [ ! -f /var/lib/apt/lists/lock ] || [ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v lock)" ]; then
            apt-get update -qq || return 1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
    fi
    local version
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] || { echo "no PostgreSQL server under /usr/lib/postgresql"; return 1; }
    if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$version main"; then
        pg_createcluster "$version" main >/dev/null || return 1
    fi
    if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
        pg_ctlcluster "$version" main start || return 1
    fi
    local port
    port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p "$port" && break
        sleep 0.5
    done
    pg_isready -q -h 127.0.0.1 -p "$port" || { echo "PostgreSQL did not come up on port $port"; return 1; }

    local secret_file="${XDG_CONFIG_HOME:-$HOME/.config}/gridline/test-postgres-password"
    if [ ! -s "$secret_file" ]; then
        mkdir -p "$(dirname "$secret_file")"
        (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$secret_file")
    fi
    local password
    password=$(cat "$secret_file")
    su postgres -c "psql -q -v ON_ERROR_STOP=1 -p $port" >/dev/null <<SQL || return 1
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gridline_test') THEN
    CREATE ROLE gridline_test LOGIN CREATEDB;
  END IF;
END \$\$;
ALTER ROLE gridline_test WITH LOGIN CREATEDB PASSWORD '$password';
-- DROP DATABASE ... WITH (FORCE) must be able to end an autovacuum worker on the
-- test database, which needs pg_signal_backend.
GRANT pg_signal_backend TO gridline_test;
SQL
    export GRIDLINE_TEST_POSTGRES_URL="postgres://gridline_test:${password}@127.0.0.1:${port}/postgres"
    echo "PostgreSQL $version is running on 127.0.0.1:$port (role gridline_test)"
}
