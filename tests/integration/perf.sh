#!/bin/sh
# The forms of names rapprochement_calculer keeps (migration perf,
# forme_beneficiaire and forme_client): a name changed by a later snapshot
# is normalised again, and the links computed from the kept forms are
# those a computation from scratch gives.
#   sh tests/integration/perf.sh BUILD_DIR
B=${1:-build}
TD=$(cd "$(dirname "$0")/../../testdata/registre" && pwd)
. "$(dirname "$0")/../pgtest.sh"
lien() { registre rapprochement list | grep '^TG0001,C04,' | cut -d, -f6,7,12; }

step "the forms are kept at the first computation"
registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }
registre load plans --date 2026-11-28 <"$TD/rapprochement-plans.csv" 2>"$W/err"
expect_rc 0 $? "load plans"
registre sad set T00001 --tg TG0001; expect_rc 0 $? "sad set --tg"
registre load clients --date 2026-11-30 <"$TD/rapprochement-clients.csv" 2>"$W/err"
expect_rc 0 $? "load clients"
[ "$(lien)" = "automatique,100004,nom" ] && ok || ko "C04 : lien initial $(lien)"
sql postgres -c "SELECT (SELECT count(*) FROM cesutg.forme_beneficiaire) =
    (SELECT count(*) FROM cesutg.beneficiaire), (SELECT count(*) FROM
    cesutg.forme_client) > 0" | grep -qx 't|t' && ok || ko "formes gardées"

step "a name changed by a later snapshot is normalised again"
sed 's/,de La Fontaine,Marie,/,Dupont,Marie,/' "$TD/rapprochement-plans.csv" >"$W/plans2.csv"
grep -q ',Dupont,Marie,' "$W/plans2.csv" || ko "plans2.csv"
registre load plans --date 2026-12-01 <"$W/plans2.csv" 2>"$W/err"
expect_rc 0 $? "load plans (nom changé)"
sql postgres -c "SELECT nom FROM cesutg.forme_beneficiaire WHERE
    identifiant_salsa = '100004'" | grep -qx Dupont && ok || ko "forme du nom changé"
lien | grep -q '^automatique,100004,' && ko "C04 garde son lien au nom ancien" || ok

step "the kept forms give what a computation from scratch gives"
registre rapprochement list >"$W/l1"
sql postgres -c "TRUNCATE cesutg.forme_beneficiaire, cesutg.forme_client"
registre rapprochement calculer 2>"$W/err"; expect_rc 0 $? "calculer sans formes gardées"
grep -q "rapprochement : 0 ligne(s) écrite(s)" "$W/err" && ok || { ko "calcul à neuf : écrit"; cat "$W/err"; }
registre rapprochement list >"$W/l2"
same "$W/l1" "$W/l2" "liens à neuf"

step "the name back: the link back"
# Another address for 100001: not the first file again, which is refused
# as already loaded.
sed 's/,3 rue des Lilas,,75014,/,5 rue des Lilas,,75014,/' "$TD/rapprochement-plans.csv" >"$W/plans3.csv"
grep -q ',5 rue des Lilas,' "$W/plans3.csv" || ko "plans3.csv"
registre load plans --date 2026-12-02 <"$W/plans3.csv" 2>"$W/err"
expect_rc 0 $? "load plans (nom rétabli)"
[ "$(lien)" = "automatique,100004,nom" ] && ok || ko "C04 : lien rétabli $(lien)"
registre audit verify >/dev/null; expect_rc 0 $? "audit intègre"

step "checks and pre-invoice (migration 016): the results of 015's functions"
# fluxgen's month in a database of its own: a first computation, a few
# lines validated, visits loaded late (new ones, and minutes added to
# visits already checked: new versions), a second computation. 015's controler() and
# prefacturer_calcul(), recomputing everything, run beside under other
# names on a copy of the same ledger: the results are the same, row for
# row (ids and calcule_le aside).
M=2016-05
for k in plans clients intervenants evenements horodatages; do
	fluxgen --scale 0.05 --month $M $k >"$W/$k.csv" || ko "fluxgen $k"
done
awk -F, -v OFS=, 'NR == 1 { print >f1; print >f2; next }
	NR % 40 == 7 { print >f2; next }
	{ print >f1 }
	NR % 300 == 11 && index($0, "\"") == 0 { $14 = 15; print >f2 }' \
    f1="$W/h1.csv" f2="$W/h2.csv" "$W/horodatages.csv"
sql postgres -c "CREATE DATABASE ctl"
DC="host=$CESUTG_HOME dbname=ctl user=postgres"
registre --db "$DC" migrate >/dev/null 2>"$W/err"; expect_rc 0 $? "migrate ctl"
sed 1d "$W/horodatages.csv" | cut -d, -f1 | sort -u | while read -r tg; do
	registre --db "$DC" sad add "${tg#SAD}" --tg "$tg" >/dev/null || exit 1
done; expect_rc 0 $? "sad add"
for k in plans clients intervenants evenements; do
	registre --db "$DC" load $k --date 2016-06-01 <"$W/$k.csv" 2>"$W/err"
	expect_rc 0 $? "load $k"
done
registre --db "$DC" load horodatages --date 2016-06-01 <"$W/h1.csv" 2>"$W/err"
expect_rc 0 $? "load horodatages"
# 015's functions under other names, from its migration.
{ echo "SET search_path = cesutg;"
  sed -n '/^CREATE OR REPLACE FUNCTION controler(/,/^\$f\$;/p
	/^CREATE OR REPLACE FUNCTION prefacturer_calcul(/,/^\$f\$;/p' \
	"$(dirname "$0")/../../cmd/registre/015_perf.sql" |
      sed 's/FUNCTION controler(/FUNCTION controler_015(/
	s/FUNCTION prefacturer_calcul(/FUNCTION prefacturer_calcul_015(/'
} >"$W/f015.sql"
grep -c '^CREATE OR REPLACE FUNCTION' "$W/f015.sql" | grep -qx 2 || ko "fonctions de 015"
DB=ctl sql postgres -f "$W/f015.sql" >/dev/null; expect_rc 0 $? "fonctions de 015"
sql postgres -c "CREATE DATABASE ctl015 TEMPLATE ctl"
D15="host=$CESUTG_HOME dbname=ctl015 user=postgres"
calcul() {	# database: the checks and the pre-invoice, 016's by registre, 015's by SQL
	if [ "$1" = ctl ]; then
		registre --db "$DC" controler $M >/dev/null 2>"$W/err" &&
		    registre --db "$DC" prefacture calculer $M >/dev/null 2>>"$W/err"
	else
		DB=$1 sql postgres -c "SET client_min_messages = warning" \
		    -c "SELECT * FROM cesutg.controler_015('$M')" \
		    -c "SELECT cesutg.prefacturer_calcul_015('$M')" >/dev/null 2>"$W/err"
	fi || { cat "$W/err"; return 1; }
}
resultats() {	# database file: the results sorted, ids and times aside
	DB=$1 sql postgres -c "SELECT horodatage, mois, code_sad,
	    identifiant_beneficiaire_salsa, plan, jour, secondes, payable
	    FROM cesutg.controle_visite ORDER BY 1" \
	    -c "SELECT * FROM cesutg.controle_motif ORDER BY 1, 2" \
	    -c "SELECT code_sad, mois, code_correction, corrigees, visites, taux,
	    seuil, exclusion FROM cesutg.taux_correction ORDER BY 1, 2, 3" \
	    -c "SELECT code_sad, mois, identifiant_beneficiaire_salsa,
	    code_prestation, plan, rang, visites, secondes, realise_ch,
	    jours_couverts, plan_ch, plafond_ch, deja_facture_ch, facturable_ch,
	    depassement_ch, tarif_cents, origine_tarif, pourcentage_ticket,
	    montant_cents, part_beneficiaire_cents, statut FROM cesutg.prefacture
	    ORDER BY 1, 2, 3, 5, 6" \
	    -c "SELECT f.code_sad, f.identifiant_beneficiaire_salsa, f.plan, f.rang,
	    x.code_sad_tg, x.identifiant_intervention, x.horodatage, x.secondes
	    FROM cesutg.prefacture_visite x LEFT JOIN cesutg.prefacture f
	    ON f.id = x.prefacture ORDER BY 5, 6" >"$2"
}
prefactures() {	# n what: the pre-invoice again, 016's by registre, 015's by SQL, results in $W/r<n>[-015]
	DB=ctl015 sql postgres -c "SET client_min_messages = warning" \
	    -c "SELECT cesutg.prefacturer_calcul_015('$M')" >/dev/null
	registre --db "$DC" prefacture calculer $M >/dev/null 2>"$W/err"
	expect_rc 0 $? "prefacture calculer ($2)"
	resultats ctl "$W/r$1"; resultats ctl015 "$W/r$1-015"
}
valider() {	# database: the Département validates a few lines of the month
	DB=$1 sql postgres -c "UPDATE cesutg.prefacture SET statut =
	    'validee_departement' WHERE id IN (SELECT id FROM cesutg.prefacture
	    WHERE mois = '$M' ORDER BY code_sad, identifiant_beneficiaire_salsa,
	    plan LIMIT 40)" >/dev/null
}
for d in ctl ctl015; do
	calcul $d; expect_rc 0 $? "premier calcul ($d)"
	valider $d
done
resultats ctl "$W/r1"; resultats ctl015 "$W/r1-015"
[ "$(grep -c . "$W/r1")" -gt 10000 ] && ok || ko "résultats du premier calcul : $(wc -l <"$W/r1")"
same "$W/r1-015" "$W/r1" "premier calcul, 016 et 015"
registre --db "$DC" load horodatages --date 2016-06-02 <"$W/h2.csv" 2>"$W/err"
expect_rc 0 $? "load horodatages tardifs"
registre --db "$D15" load horodatages --date 2016-06-02 <"$W/h2.csv" 2>"$W/err"
expect_rc 0 $? "load horodatages tardifs (015)"
for d in ctl ctl015; do calcul $d; expect_rc 0 $? "second calcul ($d)"; done
resultats ctl "$W/r2"; resultats ctl015 "$W/r2-015"
cmp -s "$W/r1" "$W/r2" && ko "les horodatages tardifs ne changent rien" || ok
grep -q '|1|' "$W/r2" && grep -q 'validee_departement' "$W/r2" && ok ||
    ko "ni ligne complémentaire ni ligne validée"
same "$W/r2-015" "$W/r2" "après les horodatages tardifs, 016 et 015"

step "a rerun with nothing new writes nothing"
etat() { DB=ctl sql postgres -c "SELECT (SELECT count(*) FROM cesutg.audit),
    (SELECT max(calcule_le) FROM cesutg.controle_visite),
    (SELECT max(calcule_le) FROM cesutg.prefacture),
    (SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables
    WHERE relname IN ('controle_visite', 'controle_motif', 'taux_correction',
    'prefacture', 'prefacture_visite'))"; }
sleep 1; etat >"$W/e1"
calcul ctl; expect_rc 0 $? "calcul relancé"
sleep 1; etat >"$W/e2"
same "$W/e1" "$W/e2" "audit, calcule_le et lignes écrites après un calcul relancé"
resultats ctl "$W/r3"
same "$W/r2" "$W/r3" "résultats relancés"

step "two sessions: SADs shared out; one session when a TG code changed SAD"
DB=ctl sql postgres -c "SET client_min_messages = warning" \
    -c "CREATE TEMP TABLE p AS SELECT * FROM cesutg.controler_parts('$M', 2) p (a)" \
    -c "SELECT (SELECT count(*) FROM p), (SELECT count(s) = count(DISTINCT s)
    FROM p, unnest(a) s), (SELECT count(DISTINCT code_sad) FROM
    cesutg.controle_visite WHERE mois = '$M') = (SELECT count(s) FROM p,
    unnest(a) s)" >"$W/parts"
grep -qx '2|t|t' "$W/parts" && ok || ko "deux parts disjointes : $(cat "$W/parts")"
# A TG code moved to another SAD: its visits checked under the old one.
for d in ctl ctl015; do
	DB=$d sql postgres -c "UPDATE cesutg.sad_tg SET sad = (SELECT min(sad)
	    FROM cesutg.sad_tg) WHERE code = (SELECT max(code) FROM cesutg.sad_tg)"
done
# A part with the SAD the code moved to, not the one its visits are kept
# under, refuses before writing (CT001): registre then checks the month in
# one session (its two sessions would wait for each other).
DB=ctl sql postgres -c "SET client_min_messages = warning" \
    -c "SELECT * FROM cesutg.controler_partie('$M',
    ARRAY[(SELECT min(sad) FROM cesutg.sad_tg)])" >/dev/null 2>"$W/err"
expect_rc 1 $? "une part refuse un changement de SAD"
grep -q "changé de SAD" "$W/err" && ok || ko "refus : $(cat "$W/err")"
for d in ctl ctl015; do calcul $d; expect_rc 0 $? "calcul après le changement ($d)"; done
resultats ctl "$W/r4"; resultats ctl015 "$W/r4-015"
cmp -s "$W/r3" "$W/r4" && ko "le changement de SAD ne change rien" || ok
same "$W/r4-015" "$W/r4" "après un changement de SAD, 016 et 015"

step "pre-invoice in two sessions; one session when a visit is on a line of the other part"
# The TG code back to its SAD (SAD + code tiers): two SADs with lines.
for d in ctl ctl015; do
	DB=$d sql postgres -c "UPDATE cesutg.sad_tg SET sad = substr(code, 4)
	    WHERE sad <> substr(code, 4)"
	calcul $d; expect_rc 0 $? "calcul, le code rendu à son SAD ($d)"
done
DB=ctl sql postgres -c "SET client_min_messages = warning" \
    -c "CREATE TEMP TABLE p AS SELECT row_number() OVER () AS i, a FROM
    cesutg.prefacturer_parts('$M', 2) p (a)" \
    -c "SELECT (SELECT count(*) FROM p), (SELECT count(s) = count(DISTINCT s)
    FROM p, unnest(a) s), NOT EXISTS (SELECT code_sad FROM
    cesutg.prefacture WHERE mois = '$M' UNION SELECT code_sad FROM
    cesutg.controle_visite WHERE mois = '$M' AND payable EXCEPT SELECT s
    FROM p, unnest(a) s)" \
    -c "SELECT 'part' || i, (SELECT min(s) FROM unnest(a) s WHERE EXISTS (SELECT 1 FROM
    cesutg.prefacture f WHERE f.mois = '$M' AND f.statut = 'calculee' AND
    f.code_sad = s)) FROM p ORDER BY i" >"$W/pparts"
head -n 1 "$W/pparts" | grep -qx '2|t|t' && ok || ko "deux parts disjointes : $(cat "$W/pparts")"
S1=$(sed -n 's/^part1|//p' "$W/pparts"); S2=$(sed -n 's/^part2|//p' "$W/pparts")
[ -n "$S1" ] && [ -n "$S2" ] && ok || ko "un SAD de chaque part : $(cat "$W/pparts")"
deplacer() {	# database SAD-from SAD-to: a visit of a line of the first SAD on a line of the second
	DB=$1 sql postgres -c "UPDATE cesutg.prefacture_visite x SET prefacture =
	    (SELECT f.id FROM cesutg.prefacture f WHERE f.mois = '$M' AND
	    f.statut = 'calculee' AND f.code_sad = '$3' ORDER BY
	    f.identifiant_beneficiaire_salsa, f.plan LIMIT 1)
	    WHERE (x.code_sad_tg, x.identifiant_intervention) = (SELECT
	    y.code_sad_tg, y.identifiant_intervention FROM cesutg.prefacture_visite y
	    JOIN cesutg.prefacture f ON f.id = y.prefacture WHERE f.mois = '$M'
	    AND f.statut = 'calculee' AND f.code_sad = '$2' ORDER BY 1, 2 LIMIT 1)"
}
# A visit of the second part's SAD on a line of the first's, then the
# other way: the part of the visit's SAD refuses (CT001) before writing,
# in the session that commits first, then in the one that waits for it;
# registre then computes the month in one session, as 015 does.
for sens in "$S2 $S1" "$S1 $S2"; do
	for d in ctl ctl015; do deplacer $d $sens; done
	DB=ctl sql postgres -c "SET client_min_messages = warning" \
	    -c "SELECT cesutg.prefacturer_partie('$M', ARRAY['${sens%% *}'], false)" \
	    >/dev/null 2>"$W/err"
	expect_rc 1 $? "une part refuse une intervention sur une ligne de l'autre ($sens)"
	grep -q "changé de SAD" "$W/err" && ok || ko "refus : $(cat "$W/err")"
	prefactures 5 "$sens"
	same "$W/r5-015" "$W/r5" "pré-facture après une intervention déplacée ($sens), 016 et 015"
done
registre --db "$DC" audit verify --ancre "$W/ancre-ctl" >/dev/null 2>"$W/err"
expect_rc 0 $? "audit intègre après les calculs en deux sessions"

step "the pre-invoice reads the month's checks and lines by key, not the ledger's visits"
# controle_visite keeps its visit's key (migration 023), that of its
# horodatage row.
DB=ctl sql postgres -c "SELECT count(*) FROM cesutg.controle_visite c
    JOIN cesutg.horodatage h ON h.id = c.horodatage WHERE (c.code_sad_tg,
    c.identifiant_intervention) IS DISTINCT FROM (h.code_sad,
    h.identifiant_intervention)" | grep -qx 0 && ok || ko "clés de controle_visite"
# A visit of the month on a line of another month (its date corrected
# since that month was pre-invoiced) stays there, found by its key, as
# 015 (which read every row of prefacture_visite) leaves it.
for d in ctl ctl015; do
	DB=$d sql postgres -c "WITH l AS (INSERT INTO cesutg.prefacture (code_sad,
	    mois, identifiant_beneficiaire_salsa, code_prestation, plan, rang,
	    visites, secondes, realise_ch, jours_couverts, plan_ch, plafond_ch,
	    deja_facture_ch, facturable_ch, depassement_ch, tarif_cents,
	    origine_tarif, montant_cents) SELECT code_sad, '2016-04',
	    identifiant_beneficiaire_salsa, code_prestation, plan, 0, 1,
	    secondes, realise_ch, jours_couverts, plan_ch, plafond_ch, 0,
	    facturable_ch, 0, tarif_cents, origine_tarif, montant_cents
	    FROM cesutg.prefacture WHERE mois = '$M' AND statut = 'calculee'
	    ORDER BY code_sad, identifiant_beneficiaire_salsa, plan LIMIT 1
	    RETURNING id, code_sad, identifiant_beneficiaire_salsa, plan)
	    UPDATE cesutg.prefacture_visite x SET prefacture = l.id FROM l
	    WHERE (x.code_sad_tg, x.identifiant_intervention) = (SELECT
	    y.code_sad_tg, y.identifiant_intervention FROM
	    cesutg.prefacture_visite y JOIN cesutg.prefacture f ON f.id =
	    y.prefacture WHERE f.mois = '$M' AND (f.code_sad,
	    f.identifiant_beneficiaire_salsa, f.plan) = (l.code_sad,
	    l.identifiant_beneficiaire_salsa, l.plan) ORDER BY 1, 2 LIMIT 1)" >/dev/null
done
prefactures 6 "une intervention sur une ligne d'avril"
DB=ctl sql postgres -c "SELECT count(*) FROM cesutg.prefacture_visite x JOIN
    cesutg.prefacture f ON f.id = x.prefacture WHERE f.mois = '2016-04'" |
    grep -qx 1 && ok || ko "l'intervention reste sur la ligne d'avril"
cmp -s "$W/r5" "$W/r6" && ko "la ligne d'avril ne change rien" || ok
same "$W/r6-015" "$W/r6" "pré-facture, une intervention sur une ligne d'avril, 016 et 015"
# The month's lines not yet validated gone: a first computation again,
# whose visits are sought in ranges of keys (not on the month's lines,
# too many to be looked up one by one), the one on April's line among them.
for d in ctl ctl015; do
	DB=$d sql postgres -c "DELETE FROM cesutg.prefacture_visite x USING
	    cesutg.prefacture f WHERE x.prefacture = f.id AND f.mois = '$M'
	    AND f.statut = 'calculee'" -c "DELETE FROM cesutg.prefacture
	    WHERE mois = '$M' AND statut = 'calculee'" >/dev/null
done
prefactures 7 "lignes du mois effacées"
same "$W/r6" "$W/r7" "pré-facture recalculée après ses lignes effacées"
same "$W/r7-015" "$W/r7" "pré-facture recalculée après ses lignes effacées, 016 et 015"
# Its plans, under enable_seqscan = off (a ledger of many months, where
# reading every visit or line costs what the month costs many times): no
# statement of the pre-invoice reads horodatage, nor the whole of
# controle_visite, prefacture or prefacture_visite. (The code of 4cdcb23
# joined horodatage.)
for r in "session_preload_libraries = 'auto_explain'" \
    "auto_explain.log_min_duration = 0" "auto_explain.log_nested_statements = on" \
    "enable_seqscan = off"; do
	sql postgres -c "ALTER DATABASE ctl SET $r"
done
o=$(wc -c <"$CESUTG_HOME/postgresql.log")
registre --db "$DC" prefacture calculer $M >/dev/null 2>"$W/err"
expect_rc 0 $? "prefacture calculer (plans journalisés)"
sql postgres -c "ALTER DATABASE ctl RESET ALL"
tail -c +$((o + 1)) "$CESUTG_HOME/postgresql.log" >"$W/plans.log"
grep -q "CREATE TEMP TABLE pv" "$W/plans.log" && ok || ko "plans de la pré-facture non journalisés"
grep -E -o " on horodatage |Seq Scan on (controle_visite|prefacture|prefacture_visite) " \
    "$W/plans.log" | sort | uniq -c >"$W/seq"
[ -s "$W/seq" ] && { ko "la pré-facture lit le registre au-delà du mois"; cat "$W/seq"; } || ok

step "the checks and the pre-invoice of a month read by index that month's rows only"
# The ledger also holds April (its visits loaded, checked, pre-invoiced:
# a first computation beside May's rows), then May again (a rerun beside
# April's). Under enable_seqscan = off, every read of horodatage is by the
# visits' instant (the index of migration 024, a day either side of the
# month), and every read of controle_visite, controle_motif,
# prefacture_visite or prefacture has a condition (an index range, a key,
# a line): none reads the table whole, which a ledger of many months
# would pay many times. (The code of 121e36d read horodatage by SAD and
# hashed every month's motifs and pre-invoiced visits.)
# (April's visits of May's clients and staff: the others would be refused.)
fluxgen --scale 0.05 --month 2016-04 horodatages >"$W/h04g.csv" || ko "fluxgen 2016-04"
awk -F, 'FILENAME ~ /clients/ { c[$1 "," $4]; next }
	FILENAME ~ /intervenants/ { i[$1 "," $4]; next }
	FNR == 1 || (($1 "," $5) in c && ($1 "," $6) in i)' \
    "$W/clients.csv" "$W/intervenants.csv" "$W/h04g.csv" >"$W/h04.csv"
[ "$(wc -l <"$W/h04.csv")" -gt 1000 ] && ok || ko "horodatages d'avril : $(wc -l <"$W/h04.csv")"
for r in "session_preload_libraries = 'auto_explain'" \
    "auto_explain.log_min_duration = 0" "auto_explain.log_nested_statements = on" \
    "enable_seqscan = off"; do
	sql postgres -c "ALTER DATABASE ctl SET $r"
done
registre --db "$DC" load horodatages --date 2016-05-02 <"$W/h04.csv" 2>"$W/err"
expect_rc 0 $? "load horodatages 2016-04"
o=$(wc -c <"$CESUTG_HOME/postgresql.log")
for m in 2016-04 $M; do
	registre --db "$DC" controler $m >/dev/null 2>"$W/err"; expect_rc 0 $? "controler $m (plans journalisés)"
	registre --db "$DC" prefacture calculer $m >/dev/null 2>"$W/err"
	expect_rc 0 $? "prefacture calculer $m (plans journalisés)"
done
sql postgres -c "ALTER DATABASE ctl RESET ALL"
tail -c +$((o + 1)) "$CESUTG_HOME/postgresql.log" >"$W/plans2.log"
for q in "CREATE TEMP TABLE hm" "CREATE TEMP TABLE om" "CREATE TEMP TABLE pv" "repartir(n"; do
	[ "$(grep -c "$q" "$W/plans2.log")" -ge 4 ] && ok || ko "plans de « $q » non journalisés"
done
DB=ctl sql postgres -c "SELECT count(DISTINCT mois) FROM cesutg.prefacture_visite x
    JOIN cesutg.prefacture f ON f.id = x.prefacture" | grep -qx 2 && ok || ko "deux mois pré-facturés"
# Each scan of these tables with its conditions (up to its next node).
awk 'function fin() {
		if (t != "" && (n ~ /Seq Scan/ || c == "" || (t == "horodatage" && c !~ /COALESCE/)))
			print t ": " n " (" q ")"
		t = ""
	}
	/Scan .*on (horodatage|controle_visite|controle_motif|prefacture_visite|prefacture) / {
		fin(); n = $0; sub(/^[ \t]*(->)?[ \t]*/, "", n); sub(/  \(cost.*/, "", n)
		t = n; sub(/.* on /, "", t); sub(/ .*/, "", t); c = ""; next
	}
	/Query Text:/ { fin(); q = $0; sub(/.*Query Text: */, "", q); next }
	/->|LOG:/ { fin(); next }
	/(Index|Recheck) Cond:/ { if (t != "") c = c $0 }
	END { fin() }' "$W/plans2.log" | sort | uniq -c >"$W/seq2"
[ -s "$W/seq2" ] && { ko "le contrôle ou la pré-facture lit d'autres mois"; cat "$W/seq2"; } || ok

echo "perf: $pass réussis, $fail échoués"
[ "$fail" -eq 0 ]
