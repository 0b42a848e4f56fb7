#!/bin/sh
# The CESU cycle over three chained fluxgen months (issue 15, "Must show"):
# every Flux 5, 8.1, 8.2 and forwarded Flux 6 written from the ledger and
# accepted by its converter's emit and parse; Flux 4 orders, CRCESU refunds,
# Flux 5, Flux 8.1, Flux 8.2 and the compte d'emploi reconciled to the
# cent; every CESU anomaly fluxgen injected (VERITE_CESU_*.csv) caught by
# the ledger with its reason. CESU_CYCLE_GARDER=DIR keeps the outputs.
#   sh tests/integration/cesu-cycle.sh BUILD_DIR
B=${1:-build}
. "$(dirname "$0")/../pgtest.sh"
. "$(dirname "$0")/../cesutest.sh"
q() { sql postgres -c "$1"; }
MOIS="2016-03 2016-04 2016-05"

step "fluxgen 2016-03..2016-05, scale 0.05, with its truth"
registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }
# No regularisation: a nature 2 line may rightly go over a ceiling, and
# then the Flux 6 catches would not be the injected ones only.
fluxgen --months 2016-03..2016-05 --dir "$W/g" --scale 0.05 --verite \
    --taux regularisation=0 --taux double-encaissement=0.3 >/dev/null ||
    { ko "fluxgen"; exit 1; }
# The charge rates cover fluxgen's 3.2262 € an hour at its lowest wage
# (12.70 €); a title is refunded up to the end of its validity month, so
# that a cashing after it is late.
registre param set taux_charges_apa 0.30 && registre param set taux_charges_pcha 0.30 &&
    registre param set taux_charges_pche 0.30 &&
    registre param set delai_remboursement_mois 0 || ko "param"
for f in "$W"/g/reprise/*; do charger "$f"; done
for m in $MOIS; do
	for f in "$W/g/$m"/PLANS_* "$W/g/$m"/COMMANDE_*; do charger "$f"; done
	for f in "$W/g/$m"/EVENEMENTS_CESU_*.csv; do
		registre cesu evenements --source "$(basename "$f")" <"$f" 2>"$W/err"
		expect_rc 0 $? "événements de $m" || cat "$W/err"
	done
	for f in "$W/g/$m"/CRCESU_* "$W/g/$m"/FLUX6_*; do charger "$f"; done
done

step "the monthly files, each through its converter"
registre cesu declarations 2016-02 >"$W/f82.2016-02.csv" 2>"$W/err"
expect_rc 0 $? "declarations 2016-02 (commandes reprises)"
for m in $MOIS; do
	registre cesu consommes "$m" >"$W/f5.$m.csv" 2>"$W/err"
	expect_rc 0 $? "consommes $m"
	registre cesu consommes "$m" --flux 81 >"$W/f81.$m.csv" 2>"$W/err"
	expect_rc 0 $? "consommes --flux 81 $m"
	registre cesu declarations "$m" >"$W/f82.$m.csv" 2>"$W/err"
	expect_rc 0 $? "declarations $m"
	registre cesu charges "$m" --report "$W/ecarts.$m.csv" >"$W/f6.$m.csv" 2>"$W/err"
	expect_rc 0 $? "charges $m"
	for f in 5:flux5 81:flux81 82:flux82 6:flux6; do
		c=${f#*:}
		$c emit <"$W/f${f%:*}.$m.csv" >"$W/f${f%:*}.$m.txt" 2>"$W/err"
		expect_rc 0 $? "$c emit $m" || head -3 "$W/err"
		$c parse <"$W/f${f%:*}.$m.txt" >"$W/relu.csv" 2>"$W/err"
		expect_rc 0 $? "$c parse $m" || head -3 "$W/err"
		[ -s "$W/f${f%:*}.$m.txt" ] && [ "$(wc -l <"$W/relu.csv")" -gt 1 ] && ok ||
		    ko "$c $m : fichier vide"
	done
done
registre cesu compte-emploi --au 2016-06-01 >"$W/ce.csv" 2>"$W/err"
expect_rc 0 $? "compte-emploi"
registre cesu compte-emploi --consomme >"$W/co.csv" 2>"$W/err"
expect_rc 0 $? "compte-emploi --consomme"

step "sums reconciled to the cent: Flux 4, CRCESU, Flux 5, Flux 8.1, Flux 8.2, compte d'emploi"
for m in $MOIS; do
	for f in "$W/g/$m"/COMMANDE_*; do flux4 parse <"$f"; done |
	    gawk 'BEGIN { FPAT = "([^,]*)|(\"([^\"]|\"\")*\")" }
	    NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "nombre_titres") n = i
		if ($i == "valeur_unitaire") v = i }; next }
	    $n != "nombre_titres" { x = $v; sub(/\./, "", x); s += $n * x }
	    END { printf "%d\n", s }' >"$W/f4"
	f4=$(cat "$W/f4")
	[ "$f4" -gt 0 ] && ok || ko "$m : aucune commande"
	check "$f4" "$(somme salaire_net "$W/f82.$m.csv")" "$m : Flux 4 = Flux 8.2"
	check "$f4" "$(somme_si valeur_emise mois_commande "$m" "$W/ce.csv")" \
	    "$m : Flux 4 = valeur émise du compte d'emploi"
	for f in "$W/g/$m"/CRCESU_*; do crcesu parse <"$f"; done |
	    gawk -F, 'NR == 1 || $1 != "code_emetteur"' >"$W/crcesu.csv"
	fichiers=$(somme valeur_faciale "$W/crcesu.csv")
	rejetes=$(q "SELECT coalesce(sum(valeur_faciale * 100), 0)::bigint
	    FROM cesutg.remboursement_rejete
	    WHERE to_char(date_remboursement, 'YYYY-MM') = '$m'")
	f5=$(somme montant_consomme "$W/f5.$m.csv")
	[ "$f5" -gt 0 ] && ok || ko "$m : Flux 5 vide"
	check "$fichiers" "$((f5 + rejetes))" "$m : CRCESU = Flux 5 + rejetés"
	check "$f5" "$(( $(somme montant_emploi_direct "$W/f81.$m.csv") + \
	    $(somme montant_autres "$W/f81.$m.csv") ))" "$m : Flux 5 = Flux 8.1"
	check "$f5" "$(somme_si valeur mois_remboursement "$m" "$W/co.csv")" \
	    "$m : Flux 5 = remboursés du mois au compte d'emploi"
	check "$f5" "$(q "SELECT coalesce(sum(valeur_faciale * 100), 0)::bigint
	    FROM cesutg.remboursement WHERE valide_au IS NULL
	    AND to_char(date_remboursement, 'YYYY-MM') = '$m'")" "$m : Flux 5 = registre"
	echo "$m $f4 $fichiers $f5 $rejetes" >>"$W/sommes"
done
# The compte d'emploi's refunds, all months = its consumption by month.
check "$(somme valeur "$W/co.csv")" "$(somme valeur_remboursee "$W/ce.csv")" \
    "compte d'emploi : remboursés = suivi consommé"
gawk -F, 'NR > 1 { n = $5 + $7 + $9 + $11 + $13 + $15 + $17
	v = 0; for (i = 6; i <= 18; i += 2) { x = $i; sub(/\./, "", x); v += x }
	e = $4; sub(/\./, "", e)
	if (n != $3 || v != e + 0) { print "ligne " NR ": " $0; bad = 1 } }
	END { exit bad }' "$W/ce.csv" && ok || ko "compte d'emploi : émis ≠ somme des devenirs"
while read -r m f4 fi f5 rj; do
	echo "cesu-cycle.sh: $m : Flux 4 $f4, CRCESU $fi = Flux 5 $f5 + rejetés $rj (centimes)" >&2
done <"$W/sommes"

step "every injected anomaly caught with its reason"
cat "$W"/g/2016-0[345]/VERITE_CESU_*.csv | gawk -F, '$1 != "anomalie"' >"$W/verite"
q "SELECT cause, numero_titre FROM cesutg.remboursement_rejete" | tr '|' , >"$W/rejets"
registre cesu sous-consommation 2016-03 >"$W/sous.03.csv" 2>"$W/err"
expect_rc 0 $? "sous-consommation 2016-03"
registre cesu sous-consommation 2016-04 >"$W/sous.04.csv" 2>"$W/err"
cat "$W"/ecarts.2016-0[345].csv | grep "au-dessus" | cut -d, -f2,5 | sort -u >"$W/plafonds"
# F12: month of refund and beneficiary of each incoherent mode.
registre cesu incoherences 2>"$W/err" | sed 1d | cut -d, -f1,2 | sort -u >"$W/incoherents"
# anomaly, injected, caught: a title rejected for the expected cause; an
# under-consumer listed for its order month (complete for 2016-03 and
# 2016-04 but for late titles); a period's Flux 6 above the 8.2; a
# beneficiary of mode-incoherent listed for the month of the refunds.
gawk -F, -v R="$W/rejets" -v S3="$W/sous.03.csv" -v S4="$W/sous.04.csv" \
    -v P="$W/plafonds" -v I="$W/incoherents" -v OUT="$W/manques" '
	BEGIN { while ((getline l < R) > 0) { split(l, a, ","); rej[a[1] "," a[2]] = 1 }
	    while ((getline l < I) > 0) inc[l] = 1
	    while ((getline l < S3) > 0) { split(l, a, ","); sous[a[1] ",2016-03"] = 1 }
	    while ((getline l < S4) > 0) { split(l, a, ","); sous[a[1] ",2016-04"] = 1 }
	    while ((getline l < P) > 0) plaf[l] = 1
	    cause["encaissement_tardif"] = "perime"
	    cause["double_encaissement"] = "deja_rembourse"
	    cause["titre_bloque_encaisse"] = "bloque" }
	$1 == "sous_consommation" && $4 == "2016-05" { next }
	{ inj[$1]++ }
	$1 in cause { c = rej[cause[$1] "," $3] }
	$1 == "sous_consommation" { c = sous[$2 "," $4] }
	$1 == "charges_plafond" { c = plaf[$2 "," $4] }
	$1 == "mode_incoherent" { c = inc[$4 "," $2] }
	c { pris[$1]++ } !c { print > OUT }
	END { for (k in inj) printf "%s %d %d\n", k, inj[k], pris[k] }' "$W/verite" |
    sort >"$W/comptes"
while read -r a i p; do
	echo "cesu-cycle.sh: $a : $i injecté(s), $p détecté(s)" >&2
	check "$i" "$p" "$a détectés" || head -5 "$W/manques"
	[ "$i" -gt 0 ] && ok || ko "$a : rien d'injecté"
done <"$W/comptes"
check 6 "$(wc -l <"$W/comptes")" "six natures d'anomalie"
# And nothing caught that was not injected (false alarms), per reason.
n=$(gawk -F, '$1 == "encaissement_tardif" || $1 == "double_encaissement" ||
    $1 == "titre_bloque_encaisse"' "$W/verite" | wc -l)
check "$n" "$(grep -c '^\(perime\|deja_rembourse\|bloque\),' "$W/rejets")" \
    "rejets pour titre périmé, déjà remboursé ou bloqué = injectés"
check "$(grep -c '^charges_plafond' "$W/verite")" "$(wc -l <"$W/plafonds")" \
    "Flux 6 au-dessus du plafond = injectés"
check "$(grep -c '^mode_incoherent' "$W/verite")" "$(wc -l <"$W/incoherents")" \
    "modes incohérents (par mois et bénéficiaire) = injectés"
check "$(grep -c '^sous_consommation,.*,2016-03,' "$W/verite")" "$(($(wc -l <"$W/sous.03.csv") - 1))" \
    "sous-consommation de 2016-03 = injectée"
check 1 "$(q "SELECT count(DISTINCT signal) FROM cesutg.signal_fraude_cesu WHERE signal = 'bloque'")" \
    "titre bloqué encaissé : signal de fraude"

step "compte d'emploi: XLSX and PDF of the three months"
compteemploi-xlsx "$W/ce.xlsx" <"$W/ce.csv" 2>"$W/err"
expect_rc 0 $? "compteemploi-xlsx"
SOURCE_DATE_EPOCH=1464739200 compteemploi-pdf <"$W/ce.csv" >"$W/ce.pdf" 2>"$W/err"
expect_rc 0 $? "compteemploi-pdf"
pdftoppm -png -r 60 -f 1 -l 1 "$W/ce.pdf" "$W/ce" && [ -s "$W/ce-1.png" ] && ok || ko "pdftoppm"
registre cesu incoherences >"$W/inc.csv" 2>"$W/err"
expect_rc 0 $? "incoherences"
if [ -n "${CESU_CYCLE_GARDER:-}" ]; then
	mkdir -p "$CESU_CYCLE_GARDER"
	cp "$W"/ce.csv "$W"/ce.xlsx "$W"/ce.pdf "$W"/ce-1.png "$W"/co.csv \
	    "$W"/inc.csv "$W"/comptes "$W"/sommes "$CESU_CYCLE_GARDER"/
fi

echo "cesu-cycle.sh: $pass réussis, $fail échoués"
[ "$fail" -eq 0 ]
