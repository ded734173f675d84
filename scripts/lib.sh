# Shared set-up for scripts/run and scripts/test: makes sure the Debian packages the build
# needs are installed (installing them when running as root, naming them otherwise).

junction_require_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "junction: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || { echo "junction: apt-get update failed" >&2; return 1; }
    apt-get install -y -qq "${missing[@]}" >&2 || { echo "junction: installing ${missing[*]} failed" >&2; return 1; }
  else
    echo "junction: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

junction_require_swift() {
  command -v swift >/dev/null 2>&1 && return 0
  [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH" && return 0
  echo "junction: the Swift 6 toolchain is not on PATH (https://swift.org/install)" >&2
  return 1
}

# The packages the build links against.
JUNCTION_BUILD_PACKAGES=(pkg-config libsodium-dev libxml2-dev libsqlite3-dev)

# Python feedparser 6.0.14, the reference the feed tests and benchmark compare against, in a
# virtual environment kept between runs; exports its interpreter as JUNCTION_FEEDPARSER_PYTHON.
junction_require_feedparser() {
  [ -n "${JUNCTION_FEEDPARSER_PYTHON:-}" ] && return 0
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/junction/feedparser-6.0.14"
  if ! "$venv/bin/python" -c 'import feedparser' >/dev/null 2>&1; then
    echo "junction: installing feedparser 6.0.14 into $venv" >&2
    python3 -m venv "$venv" >&2 || { echo "junction: python3 -m venv failed (Debian package python3-venv)" >&2; return 1; }
    "$venv/bin/pip" install -q 'feedparser==6.0.14' 'chardet<6' >&2 || { echo "junction: pip could not install feedparser 6.0.14" >&2; return 1; }
  fi
  export JUNCTION_FEEDPARSER_PYTHON="$venv/bin/python"
}

# Unless JUNCTION_TEST_POSTGRES_URL is set, starts a throwaway PostgreSQL cluster on a free
# loopback port (as the postgres user when running as root), exports its URL in
# JUNCTION_TEST_POSTGRES_URL and removes it when the script exits.
junction_start_throwaway_postgres() {
  [ -n "${JUNCTION_TEST_POSTGRES_URL:-}" ] && return 0
  JUNCTION_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$JUNCTION_PG_BIN/initdb" ] || { echo "junction: PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; return 1; }
  JUNCTION_PG_TMP=$(mktemp -d /tmp/junction-pg.XXXXXX)
  trap junction_stop_throwaway_postgres EXIT
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local as_pg=()
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
    chown postgres:postgres "$JUNCTION_PG_TMP"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$JUNCTION_PG_BIN/initdb" -D "$JUNCTION_PG_TMP/data" -U postgres -A trust --no-sync >"$JUNCTION_PG_TMP/initdb.log" 2>&1 \
    || { cat "$JUNCTION_PG_TMP/initdb.log" >&2; return 1; }
  "${as_pg[@]}" "$JUNCTION_PG_BIN/pg_ctl" -D "$JUNCTION_PG_TMP/data" -l "$JUNCTION_PG_TMP/server.log" -w -t 60 \
    -o "-p $port -k $JUNCTION_PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$JUNCTION_PG_TMP/server.log" >&2; return 1; }
  export JUNCTION_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  echo "junction: throwaway PostgreSQL on 127.0.0.1:$port" >&2
}

junction_stop_throwaway_postgres() {
  [ -n "${JUNCTION_PG_TMP:-}" ] || return 0
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$JUNCTION_PG_BIN/pg_ctl" -D "$JUNCTION_PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
  else
    "$JUNCTION_PG_BIN/pg_ctl" -D "$JUNCTION_PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$JUNCTION_PG_TMP"
}
