#!/bin/sh
# fluxgen (issue 6): the same seed gives the same bytes; every file of a
# cycle passes its converter's parse with no rejection and gives back the
# CSV it was made from; the fault rates measured on the output are within
# 10 % of the requested ones. A kind whose converter is not built is
# skipped, and said so.
set -u
B=${1:-build}
BIN=$(cd "$B" && pwd)/bin
PATH=$BIN:$PATH
LC_ALL=C
export PATH LC_ALL
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fail=0

ko() {
	echo "fluxgen.sh: ÉCHEC: $*" >&2
	fail=1
}

[ -x "$BIN/fluxgen" ] || { echo "fluxgen.sh: $BIN/fluxgen absent" >&2; exit 1; }

KINDS="plans:flux1 commandes:flux4 clients:flux15 intervenants:flux15
horodatages:flux15 evenements:flux15 remboursements:crcesu charges:flux6
log-factures:sadlog"

# Which files of a --dir hold a kind.
files_of() {
	case $1 in
	plans) echo "$2"/PLANS_*.txt ;;
	commandes) echo "$2"/COMMANDE_CESU_*.txt ;;
	remboursements) echo "$2"/CRCESU_*.txt ;;
	charges) echo "$2"/FLUX6_*.txt ;;
	log-factures) echo "$2"/LOG_FACTURES_*.csv ;;
	*) echo "$2"/F15_*_"$1"_*.txt ;;
	esac
}

# 1. Same seed, same bytes; another seed, other bytes.
G="fluxgen --seed 7 --scale 0.02 --month 2016-10"
for kc in $KINDS; do
	k=${kc%%:*}
	$G "$k" >"$T/a.csv" || ko "$k: code de sortie $?"
	$G "$k" >"$T/b.csv"
	cmp -s "$T/a.csv" "$T/b.csv" || ko "$k: deux exécutions, deux résultats"
	[ "$(wc -l <"$T/a.csv")" -gt 1 ] || ko "$k: aucune ligne"
	fluxgen --seed 8 --scale 0.02 --month 2016-10 "$k" >"$T/c.csv"
	[ "$k" = log-factures ] || ! cmp -s "$T/a.csv" "$T/c.csv" ||
	    ko "$k: la graine ne change rien"
done

# 2. A cycle's files: each converter's parse accepts every line, and the
# files' CSV put end to end is the kind's CSV.
avail=
for kc in $KINDS; do
	k=${kc%%:*}
	c=${kc#*:}
	if [ -x "$BIN/$c" ]; then
		avail="$avail $k"
	else
		echo "fluxgen.sh: $k ignoré, $c absent de $BIN"
	fi
done
if [ -n "$avail" ]; then
	for run in 1 2; do
		# shellcheck disable=SC2086
		$G --dir "$T/dir$run" $avail || ko "--dir: code de sortie $?"
	done
	diff -r "$T/dir1" "$T/dir2" >/dev/null || ko "--dir: deux exécutions, deux résultats"
	for k in $avail; do
		c=$(echo "$KINDS" | tr ' ' '\n' | grep "^$k:" | cut -d: -f2)
		$G "$k" | tail -n +2 >"$T/want.csv"
		: >"$T/got.csv"
		n=0
		for f in $(files_of "$k" "$T/dir1"); do
			[ -f "$f" ] || { ko "$k: aucun fichier"; break; }
			n=$((n + 1))
			if ! $c parse <"$f" >"$T/p.csv" 2>"$T/p.err"; then
				ko "$k: $c parse rejette $(basename "$f")"
				head -n 3 "$T/p.err" >&2
			fi
			tail -n +2 "$T/p.csv" >>"$T/got.csv"
		done
		cmp -s "$T/want.csv" "$T/got.csv" ||
		    ko "$k: le CSV relu des $n fichiers diffère du CSV généré"
	done
fi

# 3. Fault rates, measured at half Paris with some rates raised so that
# every measure rests on a few hundred cases.
S="--seed 11 --scale 0.5 --month 2016-05 --sad-excessifs 2"
R="--taux hors-droits=80 --taux plans-fins=3
--taux hospitalisation=40 --taux visite-hospitalisation=80
--taux nom-different=40 --taux cesu-et-tg=40 --taux sous-consommation=40
--taux encaissement-tardif=1.5 --taux doublon=2 --taux chevauchement=2
--taux mdt=1 --taux co2=1 --taux sup=1"
for k in plans clients horodatages remboursements charges; do
	# shellcheck disable=SC2086
	fluxgen $S $R "$k" >"$T/$k.csv" || ko "$k: code de sortie $?"
done

# requested rate (%) of a name: from $R, else fluxgen's default
want() {
	v=$(echo "$R" | tr ' ' '\n' | sed -n "s/^$1=//p")
	[ -n "$v" ] || v=$(fluxgen --help 2>&1 | awk -v n="$1" \
	    '$1 == n { v = $NF; gsub(/[()]/, "", v); print v }')
	echo "$v"
}

gawk -v first=2016-05-01 -v last=2016-05-31 -f - "$T/plans.csv" \
    "$T/clients.csv" "$T/horodatages.csv" "$T/remboursements.csv" \
    "$T/charges.csv" >"$T/rates" <<'EOF'
BEGIN { FPAT = "([^,]*)|(\"([^\"]|\"\")*\")"; nf = 0 }
FNR == 1 { nf++; for (i = 1; i <= NF; i++) c[nf, $i] = i; next }
function v(name) { return $c[nf, name] }
function day(d) { return int(mktime(substr(d, 1, 4) " " substr(d, 6, 2) " " substr(d, 9, 2) " 12 0 0") / 86400 + 0.5) }
function ndays(a, b) { return day(b) - day(a) + 1 }
function max3(a, b, c) { if (b > a) a = b; return c > a ? c : a }
function min3(a, b, c) { if (b < a) a = b; return c < a ? c : a }
function lastday(y, m) {
	if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
	return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31
}
nf == 1 {
	s = v("identifiant_beneficiaire_salsa")
	nom[s] = v("nom_beneficiaire"); pre[s] = v("prenom_beneficiaire")
	mode[s] = v("mode_gestion"); deb[s] = v("date_debut_prise_en_charge")
	fin[s] = v("date_fin_prise_en_charge")
	# a plan of the month, not one kept for its 300 days of history
	if (mode[s] != "P" && deb[s] <= last && fin[s] >= first) ncesu++
	if (v("type_evenement") == "01") { hd[s] = v("date_debut_evenement"); hf[s] = v("date_fin_evenement") }
	next
}
nf == 2 {
	s = v("identifiant_beneficiaire_salsa"); k = v("code_sad") SUBSEP v("identifiant_client")
	tel[k] = v("telephone_fixe")
	if (s == "") next
	sid[k] = s; nid++
	if (v("nom") != nom[s] || v("prenoms") != pre[s]) nvar++
	if (mode[s] != "P") cesutg[s] = 1
	else known[s] = 1
	next
}
nf == 3 {
	sad = v("code_sad"); cl = v("identifiant_client"); k = sad SUBSEP cl
	code = v("code_correction"); ar = v("arrivee_retenue"); dr = v("depart_retenu")
	rows++
	cur = k SUBSEP v("identifiant_intervenant") SUBSEP v("arrivee_brute") SUBSEP v("depart_brut") SUBSEP ar SUBSEP dr
	extra = 1
	if (cur == prev) dup++
	else if (k == pk && ar != "" && pdr != "" && ar < pdr) over++
	else extra = 0
	if (cur != prev) { pk = k; pdr = dr }
	prev = cur
	# correction rates are per visit: the copies and overlaps aside
	if (!extra) { n[sad]++; if (code != "") ncorr[sad]++; cnt[sad, code]++ }
	if (v("mode_saisie") == "TEL") { ntel++; if (v("numero_appelant") != tel[k]) etr++ }
	if (code == "SUP" || ar == "" || !(k in sid)) next
	s = sid[k]; d = substr(ar, 1, 10)
	if (mode[s] == "P" && (d < deb[s] || d > fin[s])) out[s] = 1
	if ((s in hd) && d >= hd[s] && d <= hf[s]) inh[s] = 1
	next
}
nf == 4 {
	t = v("numero_titre"); y = 2000 + substr(t, 1, 2); m = substr(t, 3, 2) + 1
	if (m == 13) { m = 1; y++ }
	valid = sprintf("%04d-%02d-%02d", y, m, lastday(y, m))
	titres++; if (v("date_encaissement") > valid) late++
	next
}
nf == 5 && v("nature_mouvement") == 1 {
	nch++; if (v("heures_impactees") * 2 < v("heures_plan_aide_cg")) sous++
}
END {
	for (sad in n) if (ncorr[sad] > 0.2 * n[sad]) { nexc++; ce += ncorr[sad]; ne += n[sad] }
	else { nord += n[sad]; for (k in cnt) { split(k, a, SUBSEP); if (a[1] == sad) byc[a[2]] += cnt[k] } }
	printf "sad-excessifs-nombre %d\n", nexc
	printf "sad-excessif %.3f %d\n", 100 * ce / ne, ne
	split("HOR MDT MHO COA COD CO2 CRE SUP", codes, " ")
	for (i = 1; i <= 8; i++) printf "%s %.3f %d\n", tolower(codes[i]), 100 * byc[codes[i]] / nord, nord
	orig = rows - dup - over
	printf "doublon %.3f %d\nchevauchement %.3f %d\n", 100 * dup / orig, orig, 100 * over / orig, orig
	printf "telephone-etranger %.3f %d\n", 100 * etr / ntel, ntel
	printf "nom-different %.3f %d\n", 100 * nvar / nid, nid
	printf "cesu-et-tg %.3f %d\n", 100 * length(cesutg) / ncesu, ncesu
	for (s in known) {
		# uncovered days hidden by a stay do not count
		hid = (s in hd) && ((hd[s] < deb[s] && hf[s] >= first) || (hf[s] > fin[s] && hd[s] <= last))
		if (!hid && (deb[s] > first || fin[s] < last)) { np++; if (s in out) nout++ }
		# a week of the stay at least within the coverage and the month
		if ((s in hd) && ndays(max3(hd[s], deb[s], first), min3(hf[s], fin[s], last)) >= 7) { nh++; if (s in inh) nin++ }
	}
	printf "hors-droits %.3f %d\nvisite-hospitalisation %.3f %d\n", 100 * nout / np, np, 100 * nin / nh, nh
	printf "encaissement-tardif %.3f %d\nsous-consommation %.3f %d\n", 100 * late / titres, titres, 100 * sous / nch, nch
}
EOF
[ -s "$T/rates" ] || ko "taux: mesure impossible"
while read -r name got cases; do
	if [ "$name" = sad-excessifs-nombre ]; then
		[ "$got" = 2 ] || ko "$got SAD au-dessus du seuil de 20 %, attendu 2"
		continue
	fi
	w=$(want "$name")
	printf 'fluxgen.sh: %-24s mesuré %8s %% sur %7s cas, demandé %s %%\n' \
	    "$name" "$got" "$cases" "$w"
	if awk -v g="$got" -v w="$w" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w / 10) }'; then
		:
	else
		ko "taux $name: mesuré $got %, demandé $w % (écart de plus de 10 %)"
	fi
done <"$T/rates"
[ "$fail" = 0 ] && echo "fluxgen.sh: ok ($(wc -l <"$T/rates") taux mesurés)"
exit "$fail"
