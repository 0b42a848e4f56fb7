#!/bin/sh
# registre cesu against a real PostgreSQL 15 started here (the set-up of
# registre.sh): a small case computed by hand to the cent, then a chained
# fluxgen run whose CESU outputs go through their own converters and
# reconcile with the orders and refunds loaded.
#   sh tests/integration/cesu.sh BUILD_DIR
B=${1:-build}
TD=$(cd "$(dirname "$0")/../../testdata/registre/cesu" && pwd)
. "$(dirname "$0")/../pgtest.sh"
. "$(dirname "$0")/../cesutest.sh"
sql() {
	psql -X -At -q -v ON_ERROR_STOP=1 "host=$CESUTG_HOME dbname=cesutg user=postgres" "$@"
}

step "small case by hand: plans, orders, refunds, charges"
registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }
registre load plans --date 2016-02-15 <"$TD/plans.csv" 2>"$W/err"
expect_rc 0 $? "load plans"
registre load commandes --date 2016-02-20 <"$TD/commandes.csv" 2>"$W/err"
expect_rc 0 $? "load commandes"
registre load titres-repris --date 2016-02-01 <"$TD/titres-repris.csv" 2>"$W/err"
expect_rc 0 $? "load titres-repris"
for f in remboursements-1:2016-03-10 remboursements-3:2016-03-15 \
    remboursements-2:2016-04-02; do
	registre load remboursements --date "${f#*:}" <"$TD/${f%:*}.csv" 2>"$W/err"
	expect_rc 0 $? "load ${f%:*}"
done
for f in charges-1:2016-03-05 charges-2:2016-04-05; do
	registre load charges --date "${f#*:}" <"$TD/${f%:*}.csv" 2>"$W/err"
	expect_rc 0 $? "load ${f%:*}"
done
registre param set taux_charges_apa 0.4235 && registre param set taux_charges_pche 0.30 ||
    ko "param taux_charges"

step "Flux 5: refunds processed in March, by dispositif; April's refund of a March title apart"
registre cesu consommes 2016-03 >"$W/f5.csv" 2>"$W/err"
expect_rc 65 $? "consommes 2016-03 : un titre repris sans code client"
grep -q "absent du Flux 5 : titre 160210000400001 remboursé le 2016-03-15 (commande « APA 02/2016 ») : aucune commande connue" "$W/err" &&
    ok || { ko "titre sans code client non signalé"; cat "$W/err"; }
check 1 "$(wc -l <"$W/err")" "un seul titre sans code client"
same "$TD/flux5-2016-03.csv" "$W/f5.csv" "Flux 5 de 2016-03"
flux5 emit <"$W/f5.csv" >"$W/f5.txt" 2>"$W/err"
expect_rc 0 $? "flux5 emit accepte la sortie"
flux5 parse <"$W/f5.txt" | cmp -s - "$W/f5.csv" && ok || ko "flux5 emit | parse ne redonne pas le CSV"
registre cesu consommes 2016-04 >"$W/f5b.csv" 2>"$W/err"
same "$TD/flux5-2016-04.csv" "$W/f5b.csv" "Flux 5 de 2016-04 (titre de mars remboursé en avril)"

step "Flux 8.1: hours from value / hourly wage, half up; emploi direct vs autres"
registre cesu consommes 2016-03 --flux 81 --date 2016-04-03 >"$W/f81.csv" 2>"$W/err"
expect_rc 0 $? "consommes --flux 81"
same "$TD/flux81-2016-03.csv" "$W/f81.csv" "Flux 8.1 de 2016-03"
flux81 emit <"$W/f81.csv" | flux81 parse | cmp -s - "$W/f81.csv" && ok ||
    ko "flux81 emit | parse ne redonne pas le CSV"
registre cesu consommes 2016-04 --flux 81 --date 2016-05-03 >"$W/f81b.csv" 2>"$W/err"
check 2 "$(sed -n 2p "$W/f81b.csv" | cut -d, -f2)" "Flux 8.1 d'avril : numéro d'ordre suivant"
registre cesu consommes 2016-03 --flux 81 --date 2016-04-03 >"$W/f81c.csv" 2>"$W/err"
same "$W/f81.csv" "$W/f81c.csv" "Flux 8.1 de mars réécrit : même numéro"
registre cesu consommes 2016-05 --flux 81 --numero 2 >/dev/null 2>"$W/err"
grep -q "numéro d'ordre 2 répété" "$W/err" && ok || { ko "numéro répété non signalé"; cat "$W/err"; }
registre cesu consommes 2016-06 --flux 81 --numero 9 >/dev/null 2>"$W/err"
grep -q "numéro d'ordre 9 : lacune après 2" "$W/err" && ok || { ko "lacune non signalée"; cat "$W/err"; }

step "Flux 8.2: plan joined, ceiling = hours x wage x rate, half up; a line without plan"
registre cesu declarations 2016-03 --date 2016-02-25 >"$W/f82.csv" 2>"$W/err"
expect_rc 65 $? "declarations avec une ligne sans plan"
grep -q "100003, index prestation « P00009 » : aucun plan" "$W/err" && ok ||
    { ko "ligne sans plan non signalée"; cat "$W/err"; }
same "$TD/flux82-2016-03.csv" "$W/f82.csv" "Flux 8.2 de 2016-03"
flux82 emit <"$W/f82.csv" >"$W/f82.txt" 2>"$W/err"
expect_rc 0 $? "flux82 emit accepte la sortie"
flux82 parse <"$W/f82.txt" >/dev/null 2>"$W/err"
expect_rc 0 $? "flux82 parse relit le fichier"

step "Flux 6: checked against the 8.2 ceiling, forwarded, sequence gap"
registre cesu charges 2016-04 --report "$W/ecarts.csv" >"$W/f6.csv" 2>"$W/err"
expect_rc 0 $? "cesu charges"
same "$TD/ecarts-2016-04.csv" "$W/ecarts.csv" "écarts du Flux 6 de 2016-04"
check 600 "$(stat -c %a "$W/ecarts.csv")" "rapport d'écarts en 0600"
grep -q "3 écart(s) au Flux 8.2, 1 au numéro d'ordre" "$W/err" && ok || { ko "résumé des écarts"; cat "$W/err"; }
same "$TD/charges-2.csv" "$W/f6.csv" "Flux 6 transmis tel que reçu"
flux6 emit <"$W/f6.csv" | flux6 parse | cmp -s - "$W/f6.csv" && ok ||
    ko "flux6 emit | parse ne redonne pas le CSV"
registre cesu charges 2016-04 --prestation 3 2>/dev/null | tail -n +2 | cut -d, -f4 >"$W/p3"
check 100002 "$(cat "$W/p3")" "--prestation 3"
registre cesu charges 2016-13 >/dev/null 2>&1
expect_rc 64 $? "mois invalide"
registre cesu consommes 2016-03 --prestation 1 >/dev/null 2>&1
expect_rc 64 $? "option d'une autre sous-commande"
registre cesu --help >"$W/help" 2>&1
expect_rc 0 $? "cesu --help"
grep -q "cesu declarations MOIS" "$W/help" && ok || ko "synopsis de cesu"

step "chained fluxgen run: 2016-03..2016-04, scale 0.05"
cleanup
mkdir -p "$W"
chmod 755 "$W"
registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }
fluxgen --months 2016-03..2016-04 --dir "$W/g" --scale 0.05 >/dev/null ||
    { ko "fluxgen"; exit 1; }
for f in "$W"/g/reprise/*; do charger "$f"; done
for m in 2016-03 2016-04; do
	for f in "$W/g/$m"/PLANS_* "$W/g/$m"/COMMANDE_* "$W/g/$m"/CRCESU_* \
	    "$W/g/$m"/FLUX6_*; do
		charger "$f"
	done
done
registre param set taux_charges_apa 0.25 && registre param set taux_charges_pcha 0.22 &&
    registre param set taux_charges_pche 0.22 || ko "param taux_charges"
step "loaded; CESU outputs of each month, reconciled"
for m in 2016-03 2016-04; do
	registre cesu consommes "$m" >"$W/f5.$m.csv" 2>"$W/err"
	expect_rc 0 $? "consommes $m"
	flux5 emit <"$W/f5.$m.csv" >"$W/f5.$m.txt" 2>"$W/err"
	expect_rc 0 $? "flux5 emit $m"
	flux5 parse <"$W/f5.$m.txt" | cmp -s - "$W/f5.$m.csv" && ok ||
	    ko "flux5 aller-retour $m"
	registre cesu consommes "$m" --flux 81 >"$W/f81.$m.csv" 2>"$W/err"
	expect_rc 0 $? "consommes --flux 81 $m"
	flux81 emit <"$W/f81.$m.csv" | flux81 parse >/dev/null 2>"$W/err"
	expect_rc 0 $? "flux81 emit | parse $m"
	registre cesu declarations "$m" >"$W/f82.$m.csv" 2>"$W/err"
	expect_rc 0 $? "declarations $m"
	flux82 emit <"$W/f82.$m.csv" | flux82 parse >/dev/null 2>"$W/err"
	expect_rc 0 $? "flux82 emit | parse $m"
	registre cesu charges "$m" --report "$W/ecarts.$m.csv" >"$W/f6.$m.csv" 2>"$W/err"
	expect_rc 0 $? "charges $m"
	flux6 emit <"$W/f6.$m.csv" | flux6 parse | cmp -s - "$W/f6.$m.csv" && ok ||
	    ko "flux6 aller-retour $m"

	# Refunds: the month's CRCESU files = accepted + rejected in the
	# ledger; accepted = Flux 5 = Flux 8.1, to the cent.
	for f in "$W/g/$m"/CRCESU_*; do crcesu parse <"$f"; done |
	    gawk -F, 'NR == 1 || $1 != "code_emetteur"' >"$W/crcesu.$m.csv"
	fichiers=$(somme valeur_faciale "$W/crcesu.$m.csv")
	registre_ok=$(sql -c "SELECT coalesce(sum(valeur_faciale * 100), 0)::bigint
	    FROM cesutg.remboursement WHERE valide_au IS NULL
	    AND to_char(date_remboursement, 'YYYY-MM') = '$m'")
	rejetes=$(sql -c "SELECT coalesce(sum(valeur_faciale * 100), 0)::bigint
	    FROM cesutg.remboursement_rejete
	    WHERE to_char(date_remboursement, 'YYYY-MM') = '$m'")
	check "$fichiers" "$((registre_ok + rejetes))" "$m : CRCESU = remboursés + rejetés"
	[ "$registre_ok" -gt 0 ] && ok || ko "$m : aucun remboursement accepté"
	check "$registre_ok" "$(somme montant_consomme "$W/f5.$m.csv")" "$m : remboursés = Flux 5"
	check "$registre_ok" "$(flux5 parse <"$W/f5.$m.txt" >"$W/x.csv"; somme montant_consomme "$W/x.csv")" \
	    "$m : remboursés = Flux 5 relu"
	check "$registre_ok" "$(( $(somme montant_emploi_direct "$W/f81.$m.csv") + \
	    $(somme montant_autres "$W/f81.$m.csv") ))" "$m : remboursés = Flux 8.1"
	# Orders: the month's Flux 4 files = the Flux 8.2 declared value.
	for f in "$W/g/$m"/COMMANDE_*; do flux4 parse <"$f"; done |
	    gawk 'BEGIN { FPAT = "([^,]*)|(\"([^\"]|\"\")*\")" }
	    NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "nombre_titres") n = i
		if ($i == "valeur_unitaire") v = i }; next }
	    $n != "nombre_titres" { x = $v; sub(/\./, "", x); s += $n * x }
	    END { printf "%d\n", s }' >"$W/f4.$m"
	check "$(cat "$W/f4.$m")" "$(somme salaire_net "$W/f82.$m.csv")" "$m : Flux 4 = Flux 8.2"
	# Refunds of each order never exceed it.
	n=$(sql -c "SELECT count(*) FROM (SELECT reference_commande,
	    sum(valeur_faciale) AS r FROM cesutg.remboursement
	    WHERE valide_au IS NULL GROUP BY 1) r
	    JOIN (SELECT reference_commande_externe, sum(nombre_titres *
	    valeur_unitaire) AS c FROM cesutg.commande WHERE valide_au IS NULL
	    GROUP BY 1) c ON c.reference_commande_externe = r.reference_commande
	    WHERE r.r > c.c")
	check 0 "$n" "$m : remboursements au-delà d'une commande"
done
# The April Flux 6 bills March periods, which the March 8.2 declared
# (its regularisations of periods before the run have no declaration).
n=$(grep -c "^aucune déclaration.*,2016-03," "$W/ecarts.2016-04.csv")
check 0 "$n" "Flux 6 d'avril : périodes de mars toutes déclarées" ||
    grep "^aucune déclaration.*,2016-03," "$W/ecarts.2016-04.csv" | head -3
check 0 "$(grep -c "^aucune déclaration.*,2016-0[34]," "$W/ecarts.2016-03.csv")" \
    "Flux 6 de mars : rien de déclaré pour les périodes d'avant mars seulement"
[ "$(grep -c "^aucune déclaration" "$W/ecarts.2016-03.csv")" -gt 0 ] && ok ||
    ko "Flux 6 de mars : périodes de février jamais déclarées non signalées"

echo "cesu.sh: $pass réussis, $fail échoués"
[ "$fail" -eq 0 ]
