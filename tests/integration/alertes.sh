#!/bin/sh
# registre alertes (issue 16, items 1 and 4): each kind on a hand-made
# month (raised once across runs, state kept, thresholds read from param),
# row-level security (a SAD, agents by aid, an analyst pseudonymised), the
# analysts' views; then fluxgen's chained months through scripts/cycle,
# each kind against the truth fluxgen wrote (expected, found, missed,
# extra).
#   sh tests/integration/alertes.sh BUILD_DIR
B=${1:-build}
TD=$(cd "$(dirname "$0")/../../testdata/registre" && pwd)
S=$(cd "$(dirname "$0")/../../scripts" && pwd)
. "$(dirname "$0")/../pgtest.sh"
CYC=$W/cycle
cleanup_avant() {
	[ -d "$CYC/var/data" ] && asroot "$PGBIN/pg_ctl" -D "$CYC/var/data" \
	    -m immediate stop >/dev/null 2>&1
}

step "un mois fait à la main : plans, visites, commandes et remboursements CESU"
registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }
registre sad add S01 --tg TGS01 && registre sad add S02 || ko "sad add"
registre role add-sad S01 >/dev/null && registre role add-sad S02 >/dev/null || ko "role add-sad"
registre role add-agent agent_tg --aides TG && registre role add-agent agent_cesu --aides CESU &&
    registre role add-agent agent_apa --aides APA && registre role add-analyst analyste ||
    ko "rôles"
registre load plans --date 2026-10-01 <"$TD/alertes/plans.csv" 2>"$W/err"; expect_rc 0 $? "load plans"
for k in clients intervenants evenements horodatages; do
	registre load $k --date 2026-11-02 <"$TD/prefacture/$k.csv" 2>"$W/err"
	expect_rc 0 $? "load $k"
done
registre load commandes --date 2026-08-20 <"$TD/alertes/commandes.csv" 2>"$W/err"
expect_rc 0 $? "load commandes"
for i in 1 2 3; do
	registre load remboursements <"$TD/alertes/remboursements$i.csv" 2>"$W/err"
	expect_rc $([ $i = 3 ] && echo 65 || echo 0) $? "load remboursements $i"
done
# The second snapshot revises 100001's hours without a new decision.
registre load plans --date 2026-10-20 <"$TD/alertes/plans2.csv" 2>"$W/err"
expect_rc 0 $? "load plans (révision)"
registre controler 2026-10 >/dev/null 2>&1; expect_rc 0 $? "controler"
AGENT="host=$CESUTG_HOME dbname=cesutg user=agent_tg"
CESU="host=$CESUTG_HOME dbname=cesutg user=agent_cesu"
APA="host=$CESUTG_HOME dbname=cesutg user=agent_apa"
SAD1="host=$CESUTG_HOME dbname=cesutg user=sad_s01"
SAD2="host=$CESUTG_HOME dbname=cesutg user=sad_s02"
ANA="host=$CESUTG_HOME dbname=cesutg user=analyste"
registre param set alerte_mois_consecutifs 1 && registre param set echeance_prestations_jours 30 ||
    ko "param set"

step "chaque nature, levée une fois, seuil du paramètre"
# Without its computed columns (number, instants), the list to compare.
stable() { sed 's/^[0-9]*,//; s/\(,[^,]*\)\{5\}$//' "$1"; }
registre --db "$AGENT" alertes --mois 2026-10 >"$W/a1" 2>"$W/err"; expect_rc 0 $? "alertes (agent TG)"
grep -qx "registre: alertes de 2026-10 : 17 nouvelle(s)" "$W/err" && ok ||
    { ko "bilan du premier calcul"; cat "$W/err"; }
registre alertes --mois 2026-10 >"$W/a1" 2>"$W/err"; expect_rc 0 $? "alertes"
grep -qx "registre: alertes de 2026-10 : 0 nouvelle(s)" "$W/err" && ok || ko "second calcul : rien de nouveau"
stable "$W/a1" >"$W/s1"
same "$TD/alertes/alertes.expected" "$W/s1" "alertes du mois"
# echeance_prestations_jours 30: only the care ending in 19 days; at 90,
# the lines ending in 60 days too, and those already raised stay once.
[ "$(grep -c '^[0-9]*,F13,' "$W/a1")" = 1 ] && ok || ko "F13 au seuil de 30 jours"
registre param set echeance_prestations_jours 90
registre alertes F13 G1 --mois 2026-10 >"$W/a2" 2>"$W/err"
grep -qx "registre: alertes de 2026-10 : 6 nouvelle(s)" "$W/err" && ok || ko "F13 à 90 jours : 6 de plus"
[ "$(sed 1d "$W/a2" | cut -d, -f2 | sort -u)" = F13 ] && [ "$(sed 1d "$W/a2" | wc -l)" = 7 ] &&
    ok || ko "alertes F13 G1 : les 7 cas F13 seulement"
registre alertes --mois 2026-10 >"$W/a3" 2>/dev/null
registre alertes --mois 2026-10 >"$W/a4" 2>/dev/null
same "$W/a3" "$W/a4" "deux calculs de plus : mêmes cas, mêmes numéros"
[ "$(sql postgres -c "SELECT count(*) FROM cesutg.alerte")" = 23 ] && ok || ko "23 cas en base"
# A Paris month spent 5 s compiling F8's plan: the alerts run without JIT,
# and the rare motifs they read have their index (migration 018).
sql postgres -c "SELECT 'jit=off' = ANY (proconfig) FROM pg_proc
    WHERE proname = 'alertes_calculer'" | grep -qx t && ok || ko "alertes sans JIT"
[ "$(sql postgres -c "SELECT to_regclass('cesutg.controle_motif_alerte') IS NOT NULL
    AND to_regclass('cesutg.titre_beneficiaire') IS NOT NULL")" = t ] && ok ||
    ko "index des alertes"
registre alertes F99 2>/dev/null; expect_rc 64 $? "nature inconnue"
registre alertes --mois 2026-13 2>/dev/null; expect_rc 64 $? "mois invalide"
registre alertes --sad S02 --mois 2026-10 | sed 1d | cut -d, -f4 | sort -u >"$W/sads"
[ "$(cat "$W/sads")" = S02 ] && ok || ko "--sad S02"
[ "$(registre alertes --sad TGS01 --mois 2026-10 | sed 1d | cut -d, -f4 | sort -u)" = S01 ] &&
    ok || ko "--sad d'un code de télégestion"

step "état : vue, traitée, par qui, gardé d'un calcul à l'autre"
id8=$(awk -F, '$2 == "F8" && $3 == "100004" { print $1 }' "$W/a3")
id11=$(awk -F, '$2 == "F11" { print $1 }' "$W/a3")
idj=$(awk -F, '$2 == "J2" { print $1; exit }' "$W/a3")
registre --db "$AGENT" alertes vue "$id8" 2>"$W/err"; expect_rc 0 $? "vue"
grep -q "1 alerte(s) passée(s) à l'état « vue », 0 inchangée(s)" "$W/err" && ok || ko "bilan de vue"
registre --db "$SAD1" alertes traitee "$id8" 2>"$W/err"; expect_rc 0 $? "traitée par le SAD du cas"
registre --db "$SAD1" alertes traitee "$id11" 2>/dev/null; expect_rc 65 $? "traitée par un autre SAD"
registre --db "$AGENT" alertes vue "$idj" 2>/dev/null; expect_rc 65 $? "cas CESU vu par un agent TG"
registre --db "$CESU" alertes traitee "$idj" 2>/dev/null; expect_rc 0 $? "traitée par un agent CESU"
registre alertes vue 99999 2>/dev/null; expect_rc 65 $? "numéro inconnu"
registre alertes vue abc 2>/dev/null; expect_rc 64 $? "numéro invalide"
registre alertes --mois 2026-10 >"$W/a5" 2>/dev/null
awk -F, -v i="$id8" '$1 == i { print $(NF-5), $(NF-3), ($(NF-2) != ""), $(NF-1), ($NF != "") }' "$W/a5" |
    grep -qx "traitee agent_tg 1 sad_s01 1" && ok || ko "état du cas F8 (vu par agent_tg, traité par sad_s01)"
awk -F, -v i="$idj" '$1 == i { print $(NF-5), $(NF-1) }' "$W/a5" | grep -qx "traitee agent_cesu" && ok ||
    ko "état du cas J2"
sql postgres -c "SELECT count(*) FROM cesutg.audit WHERE table_nom = 'alerte'
    AND operation = 'UPDATE'" | grep -qx 3 && ok || ko "changements d'état audités"
registre audit verify >/dev/null 2>&1; expect_rc 0 $? "audit verify"

step "droits : SAD (G1, G2 et ses cas), agents par aide, analyste"
registre --db "$SAD1" alertes --mois 2026-10 >"$W/s01" 2>"$W/err"; expect_rc 0 $? "alertes (SAD)"
[ ! -s "$W/err" ] && ok || ko "un SAD ne calcule pas"
[ "$(sed 1d "$W/s01" | cut -d, -f4 | sort -u)" = S01 ] && ok || ko "un SAD ne lit que ses cas"
awk -F, 'NR > 1 && $4 == "S01"' "$W/a5" >"$W/s01.attendu"
sed 1d "$W/s01" | cmp -s "$W/s01.attendu" - && ok || ko "un SAD lit tous ses cas"
grep -q ',F13,' "$W/s01" && grep -q ',F14,' "$W/s01" && ok || ko "G1 et G2 du SAD"
registre --db "$SAD2" alertes --mois 2026-10 | sed 1d | cut -d, -f2 | sort -u | tr '\n' ' ' |
    grep -qx "F11 F13 F14 F8 " && ok || ko "cas de S02"
registre --db "$CESU" alertes --mois 2026-10 2>/dev/null | sed 1d | cut -d, -f2 | sort -u |
    tr '\n' ' ' | grep -qx "F12 F13 F7 J2 " && ok || ko "agent CESU : cas CESU"
registre --db "$APA" alertes --mois 2026-10 2>/dev/null | sed 1d | cut -d, -f2 | sort -u |
    grep -Eq '^(E2|F11|J2)$' && ko "agent APA : cas sans aide" || ok
registre --db "$ANA" alertes --mois 2026-10 >"$W/ana" 2>"$W/err"; expect_rc 0 $? "alertes (analyste)"
head -n 1 "$W/ana" | grep -q '^id,nature,beneficiaire,code_sad,' && ok || ko "en-tête de l'analyste"
[ "$(sed 1d "$W/ana" | wc -l)" = 23 ] && ok || ko "l'analyste lit tous les cas"
# A whole field, not part of a pseudonym: a SALSA id, a name, a login.
nominatif() { awk -F"$1" '{ for (i = 1; i <= NF; i++) if ($i ~ /^(1000[0-9][0-9]|26(08|09)100[0-9]+( .*)?|TGS01\/C[0-9]+|Arnaud|agent_.*|sad_s0.)$/) n++ }
    END { exit !n }' "$2"; }
nominatif , "$W/ana" && ko "identifiant ou nom chez l'analyste" || ok
# The same pseudonym as the plan's, and as the visits' through the match.
p=$(awk -F, '$2 == "F13" && $6 == "D10011/P10011" { print $3 }' "$W/ana")
[ -n "$p" ] && [ "$(sql analyste -c "SELECT beneficiaire FROM pseudo.plan
    WHERE index_prestation_salsa = 'P10011' LIMIT 1")" = "$p" ] && ok ||
    ko "pseudonyme de l'alerte = celui du plan"

step "vues de l'analyste : heures par SAD, titres émis et encaissés, visites hors plan"
sql analyste -c "SELECT count(*) FROM pseudo.horodatage h JOIN pseudo.plan p
    ON p.beneficiaire = h.beneficiaire AND p.code_tiers_salsa = h.code_sad_tiers
    WHERE h.client = (SELECT client FROM pseudo.horodatage WHERE beneficiaire =
    p.beneficiaire LIMIT 1) AND p.index_prestation_salsa = 'P10001'
    AND p.valide_au IS NULL" >"$W/n"
[ "$(cat "$W/n")" = 9 ] && ok || ko "visites du client C1 liées au plan de 100001 ($(cat "$W/n"))"
sql analyste -F, -c "SELECT code_sad, sum(secondes) / 3600.0 FROM pseudo.controle_visite
    WHERE payable GROUP BY 1 ORDER BY 1" >"$W/h"
sql postgres -F, -c "SELECT code_sad, sum(secondes) / 3600.0 FROM cesutg.controle_visite
    WHERE payable GROUP BY 1 ORDER BY 1" | cmp -s - "$W/h" && [ -s "$W/h" ] && ok ||
    ko "heures par SAD"
sql analyste -F, -c "SELECT t.beneficiaire, count(*), count(r.id)
    FROM pseudo.titre t LEFT JOIN pseudo.remboursement r ON r.titre = t.titre
    AND r.valide_au IS NULL GROUP BY 1 ORDER BY 2, 3" | cut -d, -f2,3 >"$W/t"
printf '20,5\n20,18\n' | cmp -s - "$W/t" && ok || { ko "titres émis et encaissés"; cat "$W/t"; }
[ "$(sql analyste -c "SELECT count(*) FROM pseudo.controle_visite WHERE plan IS NULL")" = \
    "$(sql postgres -c "SELECT count(*) FROM cesutg.controle_visite WHERE plan IS NULL")" ] &&
    ok || ko "visites hors plan"
for v in horodatage controle_visite titre remboursement alerte; do
	sql analyste -c "SELECT * FROM pseudo.$v" >>"$W/pseudo"
done
nominatif '|' "$W/pseudo" && ko "identifiant dans les vues pseudo" || ok
sql sad_s01 -c "SELECT 1 FROM pseudo.alerte" >/dev/null 2>&1 && ko "un SAD lit pseudo.alerte" || ok

step "mois de fluxgen enchaînés : chaque nature contre la vérité"
[ -n "$SANS_CYCLE" ] && { echo "alertes.sh: $pass réussis, $fail échoués"; exit $fail; }
sh "$S/cycle" -b "$B" --scale 0.01 --months 2016-03..2016-05 --dir "$CYC" --garder \
    >"$W/cycle.out" 2>"$W/cycle.err"
expect_rc 0 $? "scripts/cycle"
fluxgen --scale 0.01 --verite --months 2016-03..2016-05 --dir "$W/verite" >/dev/null
expect_rc 0 $? "fluxgen --verite"
(
	CESUTG_HOME=$CYC/var
	export CESUTG_HOME
	registre db start >/dev/null 2>&1
	registre param set alerte_mois_consecutifs 2
	for m in 2016-03 2016-04 2016-05; do
		registre controler $m >/dev/null
	done
	registre alertes --mois 2016-05 >"$W/trouve.csv" 2>/dev/null
	registre alertes --mois 2016-05 2>&1 >/dev/null
) >"$W/c.err" 2>&1
grep -qx "registre: alertes de 2016-05 : 0 nouvelle(s)" "$W/c.err" && ok ||
    { ko "fluxgen : second calcul"; cat "$W/c.err"; }
sh "$(dirname "$0")/../alertes-verite.sh" "$W/verite" "$W/trouve.csv" "$W/v" >"$W/table"
cat "$W/table"
awk 'NR > 1 { n++; if ($4 != 0 || $5 != 0) bad = 1; if ($2 > 0) k++ }
    END { exit !(n == 10 && !bad && k == 10) }' "$W/table" && ok ||
    ko "fluxgen : des cas manqués ou en trop, ou des natures sans cas"

echo "alertes.sh: $pass réussis, $fail échoués"
[ $fail -eq 0 ]
