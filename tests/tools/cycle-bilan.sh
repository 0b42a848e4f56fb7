#!/bin/sh
# cycle-bilan.sh FLUXDIR CONNINFO: the closing note's table of a chained
# cycle (issue 11, "Must show"), in markdown, from the ledger itself: per
# month and kind, the files and the rows read, accepted, rejected, new,
# changed and ended as registre's ingestion table counted them, and the
# refunds rejected as "titre jamais émis" (the rejet table). FLUXDIR is a
# `fluxgen --months A..B --dir` directory (reprise/ then one per month):
# an ingestion belongs to the month whose directory holds its source file,
# others to "autre". CONNINFO: psql's, a role reading cesutg.ingestion and
# cesutg.rejet (the superuser of the embedded cluster, say).
#   sh tests/tools/cycle-bilan.sh "$W/flux" "host=$CESUTG_HOME user=postgres dbname=cesutg"
set -u
[ $# -eq 2 ] && [ -d "$1" ] || {
	echo "usage : cycle-bilan.sh RÉPERTOIRE_FLUXGEN CONNINFO" >&2
	exit 64
}
F=$1 C=$2
t=$(mktemp) || exit 73
trap 'rm -f "$t"' EXIT
# "month file", reprise/ first, then the months in order.
for d in "$F"/reprise "$F"/[0-9]*; do
	[ -d "$d" ] || continue
	for f in "$d"/*; do
		[ -f "$f" ] && echo "${d##*/} ${f##*/}"
	done
done >"$t"
# One line per ingestion: the source last (it may hold a '|').
psql -X -q -At -F'|' -v ON_ERROR_STOP=1 "$C" -c "SELECT i.kind, i.lues,
    i.acceptees, i.rejetees, i.nouvelles, i.modifiees, i.terminees,
    (SELECT count(*) FROM cesutg.rejet r WHERE r.ingestion = i.id AND
    r.motif LIKE 'titre jamais émis%'), i.source FROM cesutg.ingestion i
    ORDER BY i.id" | awk -F'|' -v OFS='|' '
	NR == FNR { sub(/ /, "|"); split($0, a, "|"); mois[a[2]] = a[1]
		if (!(a[1] in vu)) { vu[a[1]]; om[++nm] = a[1] }; next }
	{ s = $9; for (i = 10; i <= NF; i++) s = s "|" $i
	  m = (s in mois) ? mois[s] : "autre"
	  if (m == "autre" && !("autre" in vu)) { vu["autre"]; om[++nm] = "autre" }
	  k = m SUBSEP $1
	  if (!(k in f)) { nk[m]++; ok[m, nk[m]] = $1 }
	  f[k]++; for (i = 2; i <= 8; i++) v[k, i] += $i }
	END {
		print "| mois | nature | fichiers | lues | acceptées | rejetées |" \
		    " nouvelles | modifiées | terminées | « jamais émis » |"
		print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
		for (j = 1; j <= nm; j++) { m = om[j]
			for (i = 1; i <= nk[m]; i++) { k = m SUBSEP ok[m, i]
				printf "| %s | %s | %d", m, ok[m, i], f[k]
				for (c = 2; c <= 8; c++) printf " | %d", v[k, c]
				print " |" } }
	}' "$t" -
