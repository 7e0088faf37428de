#!/usr/bin/env bash
# scripts/setup-db.sh -- called by `make db`.
#
# Makes sure that:
#   1. a PostgreSQL server is reachable at DATABASE_URL (for a local address:
#      starts an installed-but-stopped Debian cluster, or installs PostgreSQL);
#   2. the `vector` extension (pgvector) is available to that server (local only:
#      installs the postgresql-<major>-pgvector package if apt has one, otherwise
#      builds Debian's pgvector source package from trixie, fetched with a
#      private apt configuration so the system's apt setup is not touched);
#   3. the database named in DATABASE_URL exists.
# It is idempotent: when everything is in place it only runs a few queries.
#
# Environment:
#   DATABASE_URL      default postgres://postgres@127.0.0.1:5432/settle?sslmode=disable
#   PGVECTOR_SUITE    Debian suite to take the pgvector source from (default trixie)
#   DEBIAN_MIRROR     default http://deb.debian.org/debian
#   SETUP_DB_VERBOSE  1 = stream apt/make output instead of logging it
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-5}

DEFAULT_URL='postgres://postgres@127.0.0.1:5432/settle?sslmode=disable'
URL=${DATABASE_URL:-$DEFAULT_URL}
SUITE=${PGVECTOR_SUITE:-trixie}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
KEPT_LOG=${TMPDIR:-/tmp}/settle-setup-db.log
LOCK_FILE=${TMPDIR:-/tmp}/settle-setup-db-changes.lock

say() { printf 'setup-db: %s\n' "$*"; }
die() {
	printf 'setup-db: ERROR: %s\n' "$*" >&2
	exit 1
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/settle-setup-db.XXXXXX")
LOG=$TMP/log
: >"$LOG"
cleanup() {
	local rc=$?
	if [[ $rc -ne 0 && -s $LOG ]]; then
		cp "$LOG" "$KEPT_LOG" 2>/dev/null || true
		printf 'setup-db: last lines of the log (full log: %s):\n' "$KEPT_LOG" >&2
		tail -n 20 "$LOG" | cut -c1-300 | sed 's/^/    /' >&2
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run CMD...: run a noisy command with its output in the log, stdin closed.
# fd 9 (the lock) is closed for the command: a server it starts must not
# inherit the lock and hold it forever.
run() {
	printf '\n$ %s\n' "$*" >>"$LOG"
	if [[ ${SETUP_DB_VERBOSE:-0} == 1 ]]; then
		"$@" </dev/null 9>&- 2>&1 | tee -a "$LOG"
	else
		"$@" </dev/null >>"$LOG" 2>&1 9>&-
	fi
}

# lock: taken only before changing something (start, install, build), so that
# two runs do not run apt or the build at once; a run that finds everything in
# place never waits. Callers re-check their condition after taking it.
LOCKED=0
lock() {
	((LOCKED)) && return 0
	exec 9>"$LOCK_FILE"
	flock -w 900 9 || die "another setup-db run holds $LOCK_FILE"
	LOCKED=1
}

need_root() {
	[[ $EUID -eq 0 ]] || die "need root to $1; re-run as root (e.g. sudo make db)"
}

# ---------------------------------------------------------------- DATABASE_URL

urldecode() {
	local s=$1
	printf '%b' "${s//%/\\x}"
}

parse_url() {
	local scheme rest query="" authority path="" hostport kv k v
	local -a kvs maint_q=()
	[[ $URL == *://* ]] || die "DATABASE_URL must be a postgres:// or postgresql:// URL"
	scheme=${URL%%://*}
	[[ $scheme == postgres || $scheme == postgresql ]] ||
		die "DATABASE_URL must start with postgres:// or postgresql://"
	rest=${URL#*://}
	if [[ $rest == *\?* ]]; then
		query=${rest#*\?}
		rest=${rest%%\?*}
	fi
	authority=${rest%%/*}
	[[ $rest == */* ]] && path=${rest#*/}
	hostport=${authority##*@}

	DB_HOST="" DB_PORT="" DB_NAME=$(urldecode "$path")
	if [[ $hostport == *,* ]]; then # multi-host list: never treated as local
		DB_HOST=$hostport
	elif [[ $hostport == \[* ]]; then # [ipv6]:port
		DB_HOST=${hostport#\[}
		DB_HOST=${DB_HOST%%\]*}
		[[ $hostport == *\]:* ]] && DB_PORT=${hostport##*\]:}
	else
		DB_HOST=${hostport%%:*}
		[[ $hostport == *:* ]] && DB_PORT=${hostport#*:}
	fi
	DB_HOST=$(urldecode "$DB_HOST")

	if [[ -n $query ]]; then
		IFS='&' read -ra kvs <<<"$query"
		for kv in "${kvs[@]}"; do
			k=${kv%%=*} v=$(urldecode "${kv#*=}")
			case $k in
			host) DB_HOST=$v ;;
			port) DB_PORT=$v ;;
			dbname)
				DB_NAME=$v
				continue
				;;
			esac
			maint_q+=("$kv")
		done
	fi
	DB_PORT=${DB_PORT:-5432}
	[[ -n $DB_NAME ]] || die "DATABASE_URL has no database name (expected .../settle)"

	# Same server, maintenance database `postgres` (for CREATE DATABASE).
	MAINT_URL="$scheme://$authority/postgres"
	if ((${#maint_q[@]})); then
		MAINT_URL+="?$(IFS='&'; echo "${maint_q[*]}")"
	fi

	case $DB_HOST in
	"" | /* | localhost | 127.* | ::1) DB_LOCAL=1 ;;
	*) DB_LOCAL=0 ;; # includes multi-host lists
	esac
	if [[ -z $DB_HOST || $DB_HOST == /* ]]; then
		DB_WHERE="${DB_HOST:-local socket}, port $DB_PORT"
	elif [[ $DB_HOST == *,* ]]; then
		DB_WHERE=$DB_HOST
	else
		DB_WHERE="$DB_HOST:$DB_PORT"
	fi
}

# ---------------------------------------------------------------- psql helpers

# q SQL [psql args...]: run SQL (fed on stdin, so :'var' interpolation works)
# against the maintenance database; prints the unaligned result.
q() {
	local sql=$1
	shift
	printf '%s\n' "$sql" |
		psql -X -At -q -v ON_ERROR_STOP=1 "$@" -d "$MAINT_URL" 2>"$TMP/psql.err"
}
psql_err() { tr '\n' ' ' <"$TMP/psql.err" | sed 's/ *$//'; }

reachable() {
	command -v pg_isready >/dev/null && pg_isready -q -t 5 -d "$MAINT_URL" >/dev/null 2>&1
}

# ---------------------------------------------------------------- apt helpers

APT_UPDATED=0
apt_opts=(-y -o DPkg::Lock::Timeout=600
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

apt_update_once() {
	((APT_UPDATED)) && return 0
	say "apt-get update"
	run apt-get "${apt_opts[@]}" update || die "apt-get update failed"
	APT_UPDATED=1
}

candidate() { # prints the apt candidate version of $1, or nothing
	apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]; }

# apt_install [--no-install-recommends] PKG...: install from the normal apt sources.
apt_install() {
	local -a flags=() pkgs=()
	local p
	for p in "$@"; do
		if [[ $p == -* ]]; then flags+=("$p"); else pkgs+=("$p"); fi
	done
	for p in "${pkgs[@]}"; do
		[[ -n $(candidate "$p") ]] || apt_update_once
	done
	say "installing ${pkgs[*]} (apt)"
	if ! run apt-get "${apt_opts[@]}" "${flags[@]}" install "${pkgs[@]}"; then
		((APT_UPDATED)) && die "apt-get install ${pkgs[*]} failed"
		# Stale package lists (404 on a superseded version): refresh once, retry.
		apt_update_once
		run apt-get "${apt_opts[@]}" "${flags[@]}" install "${pkgs[@]}" ||
			die "apt-get install ${pkgs[*]} failed"
	fi
}

# ---------------------------------------------------------------- local clusters

# cluster_on_port: prints "ver name status" of the Debian cluster on DB_PORT.
cluster_on_port() {
	command -v pg_lsclusters >/dev/null || return 0
	pg_lsclusters -h 2>/dev/null | awk -v p="$DB_PORT" '$3 == p { print $1, $2, $4; exit }'
}

wait_ready() {
	local i
	for i in $(seq 30); do
		reachable && return 0
		sleep 1
	done
	return 1
}

# A cluster this script just created gets the go-svc authentication: trust for
# local connections (the default DATABASE_URL has no password). Dev/CI only.
configure_fresh_cluster() {
	local ver=$1 name=$2 hba
	hba=/etc/postgresql/$ver/$name/pg_hba.conf
	[[ -f $hba ]] || return 0
	say "new cluster $ver/$name: trusting local connections in $hba (dev/CI set-up)"
	sed -i '1i # added by settle scripts/setup-db.sh\
local   all all              trust\
host    all all 127.0.0.1/32 trust\
host    all all ::1/128      trust' "$hba"
	run pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload ||
		die "could not reload cluster $ver/$name"
}

ensure_server() {
	if reachable; then
		say "postgresql reachable at $DB_WHERE"
		return
	fi
	if ((!DB_LOCAL)); then
		command -v pg_isready >/dev/null ||
			die "pg_isready not found; install the PostgreSQL client (apt-get install postgresql-client)"
		die "PostgreSQL at $DB_WHERE is not reachable. DATABASE_URL points to a non-local host, so setup-db does not install or start anything: start that server or fix DATABASE_URL."
	fi

	lock
	if reachable; then # another run started it meanwhile
		say "postgresql reachable at $DB_WHERE"
		return
	fi
	local cl fresh=0 ver name status
	cl=$(cluster_on_port)
	if [[ -z $cl ]]; then
		if command -v pg_lsclusters >/dev/null && [[ -n $(pg_lsclusters -h 2>/dev/null) ]]; then
			die "no PostgreSQL cluster on port $DB_PORT; clusters here: $(pg_lsclusters -h | awk '{printf "%s/%s port %s (%s); ", $1, $2, $3, $4}')fix DATABASE_URL or the cluster's port."
		fi
		if compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
			die "PostgreSQL is installed but has no cluster; create one: pg_createcluster <version> main --start"
		fi
		need_root "install PostgreSQL"
		say "postgresql not installed: installing it"
		apt_update_once
		apt_install postgresql
		fresh=1
		cl=$(cluster_on_port)
		[[ -n $cl ]] || die "installed PostgreSQL, but there is no cluster on port $DB_PORT ($(pg_lsclusters -h | awk '{printf "%s/%s port %s; ", $1, $2, $3}'))"
	fi
	read -r ver name status <<<"$cl"
	if [[ $status == down* ]]; then
		need_root "start PostgreSQL cluster $ver/$name"
		say "starting postgresql cluster $ver/$name (was down)"
		run pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start ||
			die "could not start cluster $ver/$name (see /var/log/postgresql/postgresql-$ver-$name.log)"
	fi
	((fresh)) && configure_fresh_cluster "$ver" "$name"
	wait_ready || die "cluster $ver/$name is $status but PostgreSQL is not accepting connections at $DB_WHERE (check listen_addresses/port in /etc/postgresql/$ver/$name)"
	say "postgresql reachable at $DB_WHERE"
}

# ---------------------------------------------------------------- pgvector

vector_version() {
	q "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'"
}

# Fetch Debian's pgvector source package from $SUITE with a private apt
# configuration (own sources list, lists and cache dirs): the system's apt
# sources, lists and caches are not read for this or modified.
fetch_pgvector_source() {
	local dir=$1 papt=$TMP/apt
	mkdir -p "$papt/lists/partial" "$papt/cache/archives/partial" "$dir"
	echo "deb-src [signed-by=$KEYRING] $MIRROR $SUITE main" >"$papt/sources.list"
	chmod 755 "$TMP"
	if id _apt >/dev/null 2>&1; then # apt downloads as _apt when run as root
		chown _apt "$papt/lists/partial" "$papt/cache/archives/partial" "$dir"
	fi
	local -a popts=(
		-o "Dir::Etc::SourceList=$papt/sources.list"
		-o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$papt/lists"
		-o "Dir::Cache=$papt/cache"
	)
	say "fetching pgvector source from Debian $SUITE (private apt config; system apt sources untouched)"
	if ! run apt-get "${popts[@]}" update; then
		if grep -qE 'NO_PUBKEY|EXPKEYSIG|KEYEXPIRED|is not signed' "$LOG"; then
			# The Debian archive keys for $SUITE ship in debian-archive-keyring;
			# an old copy of that package lacks them. Upgrade it and retry.
			say "signature check of $SUITE failed: upgrading debian-archive-keyring"
			apt_update_once
			apt_install debian-archive-keyring
			run apt-get "${popts[@]}" update ||
				die "apt-get update for Debian $SUITE sources failed, even with the current debian-archive-keyring"
		else
			die "apt-get update for Debian $SUITE sources failed"
		fi
	fi
	# apt verifies the downloaded files against the signed Sources index;
	# dpkg-source then unpacks them and applies Debian's patches.
	(cd "$dir" && run apt-get "${popts[@]}" source pgvector) ||
		die "apt-get source pgvector (Debian $SUITE) failed"
}

install_pgvector() {
	local major=$1 cl ver pkg cand src pg_config
	cl=$(cluster_on_port)
	read -r ver _ _ <<<"$cl"
	if [[ $ver != "$major" ]]; then
		die "vector extension (pgvector) is not available on $DB_WHERE, and that server is not a local Debian cluster of PostgreSQL $major (pg_lsclusters: '${cl:-none}'), so setup-db cannot install it; install pgvector for that server yourself"
	fi
	need_root "install pgvector"
	say "vector extension missing on PostgreSQL $major: installing pgvector"

	# Prefer a binary package (e.g. from apt.postgresql.org); Debian bookworm has none.
	pkg=postgresql-$major-pgvector
	if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
		apt_update_once # no package lists at all (e.g. a slim image)
	fi
	cand=$(candidate "$pkg")
	if [[ -n $cand ]]; then
		say "apt has $pkg $cand: installing the binary package"
		apt_install "$pkg"
		return
	fi
	say "no $pkg package in the apt sources: building pgvector from Debian $SUITE source"

	local -a need=()
	installed dpkg-dev || need+=(dpkg-dev)
	installed "postgresql-server-dev-$major" || need+=("postgresql-server-dev-$major")
	{ command -v make && command -v gcc; } >/dev/null || need+=(build-essential)
	if ((${#need[@]})); then
		apt_install --no-install-recommends "${need[@]}"
	else
		say "build dependencies present (dpkg-dev, postgresql-server-dev-$major)"
	fi

	fetch_pgvector_source "$TMP/src"
	src=$(find "$TMP/src" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
	[[ -n $src ]] || die "apt-get source pgvector did not unpack a pgvector-* directory"
	pg_config=/usr/lib/postgresql/$major/bin/pg_config
	[[ -x $pg_config ]] || die "$pg_config not found (is postgresql-server-dev-$major installed?)"

	say "building ${src##*/} against $pg_config"
	# OPTFLAGS= : no -march=native, so the build is portable (as Debian builds it).
	run make -C "$src" -j"$(nproc)" PG_CONFIG="$pg_config" OPTFLAGS= ||
		die "building pgvector failed"
	say "installing ${src##*/} into $("$pg_config" --pkglibdir) and $("$pg_config" --sharedir)/extension"
	run make -C "$src" install PG_CONFIG="$pg_config" OPTFLAGS= ||
		die "installing pgvector failed"
}

ensure_vector() {
	local num major v
	num=$(q 'SHOW server_version_num') || die "cannot query PostgreSQL at $DB_WHERE: $(psql_err)"
	((num >= 100000)) || die "PostgreSQL $num is too old (pgvector needs 13 or later)"
	major=$((num / 10000))

	v=$(vector_version) || die "cannot query PostgreSQL at $DB_WHERE: $(psql_err)"
	if [[ -n $v ]]; then
		say "vector extension available ($v)"
		return
	fi
	if ((!DB_LOCAL)); then
		die "vector extension (pgvector) is not available on $DB_WHERE (PostgreSQL $major). DATABASE_URL points to a non-local host, so setup-db does not install anything: install pgvector on that server (e.g. package postgresql-$major-pgvector)."
	fi
	lock
	v=$(vector_version) || die "cannot query PostgreSQL at $DB_WHERE: $(psql_err)"
	if [[ -z $v ]]; then # (unless another run installed it meanwhile)
		install_pgvector "$major"
	fi
	v=$(vector_version) || die "cannot query PostgreSQL at $DB_WHERE: $(psql_err)"
	[[ -n $v ]] || die "pgvector was installed, but the server at $DB_WHERE still does not list the vector extension"
	say "vector extension available ($v)"
}

# ---------------------------------------------------------------- database

ensure_database() {
	local exists
	exists=$(q "SELECT 1 FROM pg_database WHERE datname = :'db'" -v db="$DB_NAME") ||
		die "cannot query PostgreSQL at $DB_WHERE: $(psql_err)"
	if [[ $exists == 1 ]]; then
		say "database $DB_NAME exists"
		return
	fi
	if ! q 'CREATE DATABASE :"db"' -v db="$DB_NAME" >/dev/null; then
		local err
		err=$(psql_err)
		# A concurrent run may have created it first.
		exists=$(q "SELECT 1 FROM pg_database WHERE datname = :'db'" -v db="$DB_NAME") || true
		[[ $exists == 1 ]] || die "CREATE DATABASE $DB_NAME failed on $DB_WHERE: $err"
		say "database $DB_NAME exists"
		return
	fi
	say "database $DB_NAME created"
}

# ---------------------------------------------------------------- main

parse_url
if ((!DB_LOCAL)); then
	say "DATABASE_URL host $DB_HOST is not local: checking only, nothing is installed or started"
fi

ensure_server
command -v psql >/dev/null || die "psql not found; install the PostgreSQL client (apt-get install postgresql-client)"
ensure_vector
ensure_database
