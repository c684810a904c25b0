# shellcheck shell=bash
# Shared bring-up logic for setup/run and setup/test.
#
# Everything here is idempotent: running it again when nothing changed only
# checks and returns. It never drops a database except the test database.
#
# Configuration (environment variables, all optional):
#   ODOO_SRC            Odoo 18.0 source folder (the one holding odoo-bin).
#                       Default: /opt/odoo-18.0, then ~/.cache/expiry_management/odoo-18.0,
#                       downloaded from ODOO_SRC_URL when neither exists.
#   ODOO_SRC_URL        Official source archive to download when no source is found
#                       (default: the dated nightly ODOO_NIGHTLY, verified by ODOO_SRC_TREE_SHA256).
#   EXPIRY_VENV         Python virtualenv (default ~/.cache/expiry_management/venv-<python>).
#   EXPIRY_STATE        Local state: PostgreSQL cluster, odoo.conf, filestore, logs (default <repo>/.local).
#   EXPIRY_DB_HOST, EXPIRY_DB_PORT, EXPIRY_DB_USER, EXPIRY_DB_PASSWORD
#                       Use an existing PostgreSQL server instead of the private cluster.
#   EXPIRY_HTTP_PORT    Port of the demo server (default 8069).
#   EXPIRY_NO_APT=1     Never call apt-get; only report missing system packages.

set -euo pipefail

EXPIRY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXPIRY_STATE="${EXPIRY_STATE:-$EXPIRY_ROOT/.local}"
HOME="${HOME:-$(getent passwd "$(id -un)" | cut -d: -f6)}"
EXPIRY_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/expiry_management"
# The Odoo source is pinned: the 18.0 nightly of 2025-05-06, whose odoo/ tree
# (every file's path and content, see odoo_tree_sha256) has this checksum.
# A download is verified against it; set ODOO_SRC_TREE_SHA256=any to accept
# another archive (ODOO_SRC_URL) knowingly.
ODOO_NIGHTLY="${ODOO_NIGHTLY:-20250506}"
ODOO_SRC_URL="${ODOO_SRC_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.$ODOO_NIGHTLY.tar.gz}"
ODOO_SRC_TREE_SHA256="${ODOO_SRC_TREE_SHA256:-51bc76b48ec72088aa23eaedead86458ab91d830df31fd1d7cd17569642e5c8b}"
EXPIRY_ADDONS="expiry_management,expiry_management_portal,expiry_management_mass_mailing,expiry_management_automation,expiry_management_collection,expiry_management_collection_portal"
# Optional addons, each tested on a database of its own: installed, they
# change how the core works (queue_job: the daily pass runs in jobs).
EXPIRY_OPTIONAL_ADDONS="expiry_management_queue_job"
# What the demo and pytest's test databases get: our addons and the demo
# payment provider (the demo shop's means of payment). No test needs it: the
# tests pay with Odoo's own test provider (payment's PaymentCommon), and
# setup/test-odoo-runner runs each addon's tests without payment_demo.
EXPIRY_INSTALL="$EXPIRY_ADDONS,payment_demo"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
die() {
    printf '\033[1;31m[setup] ERROR:\033[0m %s\n' "$*" >&2
    exit 1
}

# A TCP port free on this machine now.
free_port() {
    "$EXPIRY_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

is_root() { [ "$(id -u)" = 0 ]; }

# --------------------------------------------------------------------------
# System packages (Debian names). Build headers for psycopg2 / python-ldap,
# and the tools the tests drive: Chromium (tours), wkhtmltopdf and pdftotext
# (PDF reports).
# --------------------------------------------------------------------------
ensure_system_packages() {
    local want=("$@") missing=() pkg
    for pkg in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if is_root && command -v apt-get >/dev/null && [ "${EXPIRY_NO_APT:-0}" != 1 ]; then
        log "installing system packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null || die "apt-get update failed; install by hand: apt-get install ${missing[*]}"
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
            die "apt-get install failed; install by hand: apt-get install ${missing[*]}"
    else
        die "missing system packages: ${missing[*]}. Install them (Debian/Ubuntu): sudo apt-get install ${missing[*]}"
    fi
}

BUILD_PACKAGES=(libpq-dev libldap2-dev libsasl2-dev)
TEST_PACKAGES=(chromium wkhtmltopdf poppler-utils)

# --------------------------------------------------------------------------
# Odoo source
# --------------------------------------------------------------------------
# sha256 of an Odoo source's odoo/ tree: every file (compiled Python left
# out) by path, in byte order, with its content's sha256.
odoo_tree_sha256() {
    (cd "$1" && find odoo -type f -not -path '*/__pycache__/*' -not -name '*.pyc' -print0 |
        LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
}

verify_odoo_tree() {
    [ "$ODOO_SRC_TREE_SHA256" = any ] && return 0
    local actual
    actual="$(odoo_tree_sha256 "$1")"
    if [ "$actual" != "$ODOO_SRC_TREE_SHA256" ]; then
        log "checksum of $1/odoo: $actual, pinned: $ODOO_SRC_TREE_SHA256"
        return 1
    fi
}

find_odoo_src() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo-bin" ] || die "ODOO_SRC=$ODOO_SRC does not hold odoo-bin (expected an Odoo 18.0 source folder)."
    else
        local candidate
        for candidate in /opt/odoo-18.0 "$EXPIRY_CACHE/odoo-18.0"; do
            if [ -f "$candidate/odoo-bin" ]; then
                ODOO_SRC="$candidate"
                break
            fi
        done
    fi
    if [ -z "${ODOO_SRC:-}" ]; then
        ODOO_SRC="$EXPIRY_CACHE/odoo-18.0"
        log "no Odoo source found; downloading the official 18.0 archive from $ODOO_SRC_URL"
        mkdir -p "$ODOO_SRC.part"
        if ! curl -fsSL "$ODOO_SRC_URL" | tar -xz --strip-components=1 -C "$ODOO_SRC.part"; then
            rm -rf "$ODOO_SRC.part"
            die "Odoo 18.0 source is missing and could not be downloaded.
  Provide it with ODOO_SRC=/path/to/odoo-18.0 (a folder holding odoo-bin and odoo/addons),
  or extract it to /opt/odoo-18.0, e.g.: git clone -b 18.0 --depth 1 https://github.com/odoo/odoo /opt/odoo-18.0"
        fi
        verify_odoo_tree "$ODOO_SRC.part" || {
            rm -rf "$ODOO_SRC.part"
            die "the archive from $ODOO_SRC_URL is not the pinned Odoo 18.0 nightly $ODOO_NIGHTLY (checksum of its odoo/ tree differs); set ODOO_SRC_TREE_SHA256=any to use it anyway."
        }
        mv "$ODOO_SRC.part" "$ODOO_SRC"
    fi
    grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" ||
        die "$ODOO_SRC is not Odoo 18.0 (see $ODOO_SRC/odoo/release.py)."
    # The nightly archive keeps every addon in odoo/addons; a git checkout
    # splits them between addons/ and odoo/addons.
    if [ -f "$ODOO_SRC/odoo/addons/website_sale/__manifest__.py" ]; then
        ODOO_ADDONS_PATH="$ODOO_SRC/odoo/addons"
    elif [ -f "$ODOO_SRC/addons/website_sale/__manifest__.py" ]; then
        ODOO_ADDONS_PATH="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons"
    else
        die "$ODOO_SRC has no website_sale addon: an incomplete Odoo source."
    fi
    export ODOO_SRC ODOO_ADDONS_PATH
}

# --------------------------------------------------------------------------
# Python virtualenv with Odoo's requirements and ours
# --------------------------------------------------------------------------
find_python() {
    local py
    for py in "${PYTHON:-}" python3.11 python3.12 python3.10 python3; do
        [ -n "$py" ] && command -v "$py" >/dev/null || continue
        if "$py" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))'; then
            echo "$py"
            return 0
        fi
    done
    die "Odoo 18.0 needs Python 3.10 to 3.12; none found (set PYTHON=/path/to/python3.11)."
}

ensure_venv() {
    local py pyver stamp
    py="$(find_python)"
    pyver="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    EXPIRY_VENV="${EXPIRY_VENV:-$EXPIRY_CACHE/venv-py$pyver}"
    stamp="$(cat "$ODOO_SRC/requirements.txt" "$EXPIRY_ROOT/requirements.txt" "$EXPIRY_ROOT/requirements-queue-job.txt" |
        sha256sum | cut -c1-16)-$pyver-$ODOO_SRC"
    if [ -f "$EXPIRY_VENV/.expiry-stamp" ] && [ "$(cat "$EXPIRY_VENV/.expiry-stamp")" = "$stamp" ]; then
        export EXPIRY_VENV
        return 0
    fi
    ensure_system_packages "${BUILD_PACKAGES[@]}"
    log "creating virtualenv $EXPIRY_VENV (Python $pyver) and installing Odoo's requirements; this takes a few minutes once"
    "$py" -m venv "$EXPIRY_VENV"
    local constraint
    constraint="$(mktemp)"
    # An old sdist in Odoo's requirements imports pkg_resources at build time.
    echo "setuptools<70" >"$constraint"
    PIP_CONSTRAINT="$constraint" "$EXPIRY_VENV/bin/pip" install -q --disable-pip-version-check \
        -r "$ODOO_SRC/requirements.txt" -r "$EXPIRY_ROOT/requirements.txt" ||
        die "pip could not install the requirements (see above)."
    # OCA addons as wheels: they declare a dependency on "odoo", not on PyPI
    "$EXPIRY_VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r "$EXPIRY_ROOT/requirements-queue-job.txt" ||
        die "pip could not install requirements-queue-job.txt (see above)."
    rm -f "$constraint"
    # Make `import odoo` work inside the venv without installing Odoo as a package.
    local site
    site="$("$EXPIRY_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    echo "$ODOO_SRC" >"$site/odoo-src.pth"
    echo "$stamp" >"$EXPIRY_VENV/.expiry-stamp"
    export EXPIRY_VENV
}

# The linters OCA uses (requirements-lint.txt), in a virtualenv of their own.
ensure_lint_venv() {
    local py pyver stamp
    py="$(find_python)"
    pyver="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    EXPIRY_LINT_VENV="${EXPIRY_LINT_VENV:-$EXPIRY_CACHE/lint-py$pyver}"
    stamp="$(sha256sum "$EXPIRY_ROOT/requirements-lint.txt" | cut -c1-16)-$pyver"
    if [ ! -f "$EXPIRY_LINT_VENV/.expiry-stamp" ] || [ "$(cat "$EXPIRY_LINT_VENV/.expiry-stamp")" != "$stamp" ]; then
        log "creating virtualenv $EXPIRY_LINT_VENV for the linters (requirements-lint.txt)"
        "$py" -m venv "$EXPIRY_LINT_VENV"
        "$EXPIRY_LINT_VENV/bin/pip" install -q --disable-pip-version-check -r "$EXPIRY_ROOT/requirements-lint.txt" ||
            die "pip could not install the linters (see above)."
        echo "$stamp" >"$EXPIRY_LINT_VENV/.expiry-stamp"
    fi
    export EXPIRY_LINT_VENV
}

# --------------------------------------------------------------------------
# PostgreSQL: a configured server, or a private cluster in $EXPIRY_STATE
# --------------------------------------------------------------------------
pg_bin() {
    local tool="$1" dir
    if command -v "$tool" >/dev/null; then
        command -v "$tool"
        return 0
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/$tool" ] && {
            echo "$dir/$tool"
            return 0
        }
    done
    return 1
}

# Run a command as the cluster's OS user (PostgreSQL refuses to run as root).
as_pg_user() {
    if is_root; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

ensure_postgres() {
    if [ -n "${EXPIRY_DB_HOST:-}" ]; then
        DB_HOST="$EXPIRY_DB_HOST"
        DB_PORT="${EXPIRY_DB_PORT:-5432}"
        DB_USER="${EXPIRY_DB_USER:-odoo}"
        DB_PASSWORD="${EXPIRY_DB_PASSWORD:-}"
        export DB_HOST DB_PORT DB_USER DB_PASSWORD
        return 0
    fi
    local initdb pg_ctl psql
    initdb="$(pg_bin initdb)" || die "PostgreSQL server binaries (initdb, pg_ctl) are missing.
  Install them (Debian: apt-get install postgresql-15) or point EXPIRY_DB_HOST/EXPIRY_DB_USER at a running server."
    pg_ctl="$(pg_bin pg_ctl)" || die "pg_ctl is missing (Debian: apt-get install postgresql-15)."
    psql="$(pg_bin psql)" || die "psql is missing (Debian: apt-get install postgresql-client-15)."

    PG_OS_USER="$(id -un)"
    if is_root; then
        PG_OS_USER="${EXPIRY_PG_OS_USER:-postgres}"
        if ! id "$PG_OS_USER" >/dev/null 2>&1; then
            log "creating system user $PG_OS_USER to own the PostgreSQL cluster"
            useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
        fi
    fi
    mkdir -p "$EXPIRY_STATE"
    PGDATA_DIR="${EXPIRY_PGDATA:-$EXPIRY_STATE/pgdata}"
    if [ -z "${EXPIRY_PGDATA:-}" ] && is_root && ! runuser -u "$PG_OS_USER" -- test -x "$EXPIRY_STATE"; then
        # The checkout sits where the cluster's user cannot go (e.g. under
        # /root): keep this checkout's cluster in a folder of its own instead.
        PGDATA_DIR="/var/tmp/expiry_management/$(echo "$EXPIRY_STATE" | sha256sum | cut -c1-12)/pgdata"
        log "$PG_OS_USER cannot reach $EXPIRY_STATE: the PostgreSQL cluster lives in $PGDATA_DIR"
        mkdir -p "$(dirname "$PGDATA_DIR")"
    fi
    # A short socket path (unix sockets are limited to ~100 characters), one per cluster.
    DB_HOST="/tmp/expiry-pg-$(echo "$PGDATA_DIR" | sha256sum | cut -c1-10)"
    DB_PORT=5432
    DB_USER=odoo
    DB_PASSWORD=""
    # The socket directory is private to the cluster's user (and root): with
    # trust authentication, whoever reaches the socket is a superuser.
    mkdir -p "$DB_HOST"
    is_root && chown "$PG_OS_USER" "$DB_HOST"
    chmod 700 "$DB_HOST"
    [ "$(stat -c %U "$DB_HOST")" = "$PG_OS_USER" ] ||
        die "$DB_HOST belongs to $(stat -c %U "$DB_HOST"), not $PG_OS_USER: remove it and run again."
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
        log "initialising a private PostgreSQL cluster in $PGDATA_DIR"
        mkdir -p "$PGDATA_DIR"
        is_root && chown "$PG_OS_USER" "$PGDATA_DIR"
        chmod 700 "$PGDATA_DIR"
        as_pg_user "$initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg_user "$pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
        log "starting PostgreSQL (socket $DB_HOST)"
        # marked before starting: a start that half-succeeds is stopped too
        PG_STARTED_HERE=1
        as_pg_user "$pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
            -o "-k $DB_HOST -c listen_addresses='' -p $DB_PORT -c fsync=off -c full_page_writes=off" start >/dev/null ||
            die "PostgreSQL did not start; see $PGDATA_DIR/server.log"
    fi
    if ! "$psql" -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='odoo'" | grep -q 1; then
        "$psql" -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -qc "CREATE ROLE odoo LOGIN SUPERUSER" >/dev/null
    fi
    export DB_HOST DB_PORT DB_USER DB_PASSWORD
}

# Stop the private cluster if this script started it (tests leave no server behind).
stop_postgres_if_started_here() {
    [ "${PG_STARTED_HERE:-0}" = 1 ] || return 0
    log "stopping the PostgreSQL cluster this run started"
    stop_postgres
}

stop_postgres() {
    [ -n "${PGDATA_DIR:-}" ] || return 0
    as_pg_user "$(pg_bin pg_ctl)" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true
}

# --------------------------------------------------------------------------
# odoo.conf
# --------------------------------------------------------------------------
write_odoo_conf() {
    local conf="$1" http_port="$2"
    mkdir -p "$EXPIRY_STATE/data"
    cat >"$conf" <<EOF
[options]
addons_path = $EXPIRY_ROOT,$ODOO_ADDONS_PATH$(venv_addons_path)
data_dir = $EXPIRY_STATE/data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = ${DB_PASSWORD:-False}
http_interface = 127.0.0.1
http_port = $http_port
admin_passwd = admin
EOF
}

# ",<dir>": where pip put the OCA addons' wheels (odoo/addons in the venv),
# for Odoo's addons path; nothing when there is none.
venv_addons_path() {
    local site
    site="$("$EXPIRY_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    [ -d "$site/odoo/addons" ] && printf ',%s' "$site/odoo/addons"
    return 0
}

odoo_bin() {
    "$EXPIRY_VENV/bin/python" "$ODOO_SRC/odoo-bin" "$@"
}

db_exists() {
    local psql
    psql="$(pg_bin psql)"
    PGPASSWORD="$DB_PASSWORD" "$psql" -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1
}

drop_db() {
    local psql
    psql="$(pg_bin psql)"
    PGPASSWORD="$DB_PASSWORD" PGOPTIONS="--client-min-messages=warning" "$psql" -h "$DB_HOST" -p "$DB_PORT" \
        -U "$DB_USER" -d postgres -qc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
    rm -rf "$EXPIRY_STATE/data/filestore/$1"
}

# Run odoo-bin once (install or update), failing on any ERROR/CRITICAL log line.
_odoo_once() {
    local what="$1" conf="$2" db="$3" logfile="$4"
    shift 4
    local rc=0
    odoo_bin -c "$conf" -d "$db" "$@" --stop-after-init --no-http >"$logfile" 2>&1 || rc=$?
    if [ "$rc" != 0 ] || grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$logfile" >/dev/null; then
        grep -E -A20 " (ERROR|CRITICAL) " "$logfile" | head -80 >&2 || tail -40 "$logfile" >&2
        die "$what in $db failed (exit $rc); full log: $logfile"
    fi
    # A warning about our modules (a view's access rights, a field, a
    # translation) is a defect too: the install or update fails on it.
    # (columns: date time pid level database logger: message; the database
    # name is left out, it may well contain "expiry")
    if awk '$4 == "WARNING" { $1 = $2 = $3 = $5 = ""; print }' "$logfile" | grep -i "expiry" >&2; then
        die "$what in $db logged warnings about our modules (above); full log: $logfile"
    fi
}

# Install our addons (and the demo payment provider) into a new database.
install_addons() {
    log "installing $EXPIRY_INSTALL into database $2 (log: $3)"
    _odoo_once "installing the addons" "$1" "$2" "$3" -i "$EXPIRY_INSTALL"
}

# Update our addons in an existing database.
update_addons() {
    log "updating $EXPIRY_ADDONS in database $2 (log: $3)"
    _odoo_once "updating the addons" "$1" "$2" "$3" -u "$EXPIRY_ADDONS"
}
