# Sourced by the registre integration scripts (tests/integration/*.sh) after
# they set B (the build directory): a throwaway PostgreSQL 15 cluster in a
# temporary directory (run by postgres when we are root), Unix socket only,
# removed at exit, and the helpers every script counts its checks with.
# A script may redefine cleanup_avant and cleanup_apres (run before and
# after the cluster stops) once this file is sourced.
T=$(basename "$0" .sh)
BIN=$(cd "$B/bin" && pwd)
TOOLS=$(cd "$B/tools" 2>/dev/null && pwd)
PATH=$BIN:$PATH
export PATH
PGBIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PGBIN/initdb" ]; then
	echo "$T.sh: PostgreSQL 15 absent ($PGBIN) : lancez make deps" >&2
	exit 1
fi
W=$(mktemp -d)
chmod 755 "$W"
CESUTG_HOME=$W/var
# A throwaway cluster: durability is not what is tested here.
CESUTG_PGOPTIONS="-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
export CESUTG_HOME CESUTG_PGOPTIONS
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER PGOPTIONS \
    PGCONNECT_TIMEOUT PGSSLMODE
asroot() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup_avant() { :; }
cleanup_apres() { :; }
cleanup() {
	cleanup_avant
	asroot "$PGBIN/pg_ctl" -D "$CESUTG_HOME/data" -m immediate stop \
	    >/dev/null 2>&1
	cleanup_apres
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pass=0 fail=0
T0=$(date +%s)
step() { echo "$T.sh: [$(( $(date +%s) - T0 )) s] $*" >&2; }
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "ÉCHEC $T: $*"; }
expect_rc() {	# expected actual what
	if [ "$1" = "$2" ]; then ok; else ko "$3 : code $2 au lieu de $1"; fi
}
same() {	# expected-file actual-file what
	if cmp -s "$1" "$2"; then ok; else ko "$3 diffère"; diff -u "$1" "$2" | head -30; fi
}
sql() {	# user sql...
	_u=$1; shift
	psql -X -At -q -v ON_ERROR_STOP=1 "host=$CESUTG_HOME dbname=${DB:-cesutg} user=$_u" "$@"
}
