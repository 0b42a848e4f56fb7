# Sourced by the CESU integration scripts (tests/integration/cesu*.sh)
# after tests/pgtest.sh: a value check, sums of CSV columns in cents (from
# their decimal text: no floats), and a fluxgen file loaded through its
# converter as the pipelines recognise it.
S=$(cd "$(dirname "$0")/../../scripts" && pwd)
prog=$T.sh
. "$S/cesutg-lib.sh"
check() {	# expected actual what
	if [ "$1" = "$2" ]; then ok; else ko "$3 : « $2 » au lieu de « $1 »"; return 1; fi
}
somme() {	# column file
	gawk -v c="$1" 'BEGIN { FPAT = "([^,]*)|(\"([^\"]|\"\")*\")" }
	    NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
	    $k != "" { v = $k; sub(/\./, "", v); s += v }
	    END { printf "%d\n", s }' "$2"
}
somme_si() {	# column f v file: over the rows whose column f is v
	gawk -v c="$1" -v f="$2" -v x="$3" 'BEGIN { FPAT = "([^,]*)|(\"([^\"]|\"\")*\")" }
	    NR == 1 { for (i = 1; i <= NF; i++) { if ($i == c) k = i; if ($i == f) j = i }; next }
	    $j == x && $k != "" { v = $k; sub(/\./, "", v); s += v }
	    END { printf "%d\n", s }' "$4"
}
charger() {	# file: plans, orders, refunds and charges; the rest is left
	set -f; set -- "$1" $(cesutg_reconnaitre "$1"); set +f
	case $3 in plans|commandes|remboursements|charges) ;; *) return 0 ;; esac
	"$2" parse <"$1" 2>/dev/null | registre load "$3" --date "$4" \
	    --source "$(basename "$1")" >/dev/null 2>>"$W/load.err"
	_r=$?
	[ "$_r" = 0 ] || [ "$_r" = 65 ] || ko "load $(basename "$1") : code $_r"
}
