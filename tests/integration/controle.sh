#!/bin/sh
# registre controler, taux-correction, derogation, minutes, prefacture: the
# checks and pre-invoice of a hand-computed month, on a throwaway cluster.
#   sh tests/integration/controle.sh BUILD_DIR
B=${1:-build}
TD=$(cd "$(dirname "$0")/../../testdata/registre/prefacture" && pwd)
. "$(dirname "$0")/../pgtest.sh"

step "cluster, SADs, roles, the month's data"
registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }
registre sad add S01 --tg TGS01 && registre sad add S02 || ko "sad add"
registre role add-sad S01 >/dev/null && registre role add-sad S02 >/dev/null || ko "role add-sad"
registre role add-agent agent_tg --aides TG && registre role add-agent agent_apa --aides APA ||
    ko "role add-agent"
registre load plans --date 2026-10-01 <"$TD/plans.csv" 2>"$W/err"; expect_rc 0 $? "load plans"
for k in clients intervenants evenements horodatages; do
	registre load $k --date 2026-11-02 <"$TD/$k.csv" 2>"$W/err"
	expect_rc 0 $? "load $k"
done
registre param set tarifs_horaires_sad 'S01=20.00 S03=19.00'; expect_rc 0 $? "tarif du SAD"
AGENT="host=$CESUTG_HOME dbname=cesutg user=agent_tg"
APA="host=$CESUTG_HOME dbname=cesutg user=agent_apa"
SAD1="host=$CESUTG_HOME dbname=cesutg user=sad_s01"
registre --db "$APA" minutes autoriser 100003 2026-01-01 --motif "plan d'aide" 2>"$W/err"
expect_rc 77 $? "minutes autorisées par un agent sans TG"
registre --db "$AGENT" minutes autoriser 100003 2026-01-01 --motif "plan d'aide"
expect_rc 0 $? "minutes autorisées par un agent TG"
registre --db "$AGENT" minutes autoriser 100003 2026-01-01 --motif "bis" 2>/dev/null
expect_rc 65 $? "autorisation en double"
registre --db "$AGENT" minutes autoriser 100003 2026-02-30 --motif "x" 2>/dev/null
expect_rc 65 $? "autorisation : date invalide"
[ "$(registre minutes list | sed 1d | cut -d, -f1,2,3,5)" = "100003,2026-01-01,,agent_tg" ] &&
    ok || ko "minutes list"

step "controler: every visit of the month, its reason codes"
registre controler 2026-10 --liste >"$W/liste" 2>"$W/err"; expect_rc 0 $? "controler"
grep -q "36 interventions contrôlées, 24 payables" "$W/err" && ok || ko "bilan de controler"
same "$TD/controle.expected" "$W/liste" "contrôle des interventions"
registre --db "$AGENT" controler 2026-10 >/dev/null 2>&1
expect_rc 0 $? "controler relancé par un agent TG"
registre controler 2026-10 --liste >"$W/liste2" 2>/dev/null
same "$W/liste" "$W/liste2" "controler relancé : mêmes résultats"
registre controler 2026-13 2>/dev/null; expect_rc 64 $? "mois invalide"
# Without a month (the daily pipeline): last month and this one, on stdout.
registre controler >"$W/out" 2>"$W/err"; expect_rc 0 $? "controler sans mois"
[ "$(grep -c ' interventions contrôlées, ' "$W/out")" = 2 ] && [ ! -s "$W/err" ] &&
    ok || ko "controler sans mois : deux mois, rien sur l'erreur standard"
registre --db "$SAD1" controler 2026-10 --liste >/dev/null 2>&1
expect_rc 77 $? "un SAD ne relance pas le contrôle"
registre controles list 2026-10 >"$W/liste3"; expect_rc 0 $? "controles list"
same "$W/liste" "$W/liste3" "controles list : le résultat du contrôle"
registre --db "$SAD1" controles list 2026-10 >"$W/liste4"; expect_rc 0 $? "controles list (SAD)"
grep -v '^S02,' "$W/liste" | cmp -s - "$W/liste4" && ok || ko "un SAD ne lit que ses interventions"
registre --db "$APA" controler 2026-10 >/dev/null 2>&1
expect_rc 77 $? "un agent sans TG ne relance pas le contrôle"
registre --db "$SAD1" taux-correction >"$W/t" 2>/dev/null
grep -q '^S02' "$W/t" && ko "un SAD lit le taux d'un autre" || ok

step "taux de correction (B10, F11), dérogation"
registre taux-correction 2026-10 >"$W/taux"; expect_rc 0 $? "taux-correction"
same "$TD/taux1.expected" "$W/taux" "taux de correction"
registre prefacture calculer 2026-10 >"$W/out" 2>"$W/err"; expect_rc 0 $? "prefacture calculer"
grep -qx "registre: 2026-10 : 5 ligne(s) de pré-facture calculée(s)" "$W/out" && ok ||
    ko "bilan de prefacture calculer (sortie standard)"
registre prefacture list 2026-10 >"$W/p1"; expect_rc 0 $? "prefacture list"
same "$TD/prefacture1.expected" "$W/p1" "pré-facture (taux dépassé chez S02)"
registre --db "$SAD1" derogation S02 2026-10 --motif "panne" 2>/dev/null
expect_rc 77 $? "dérogation par un SAD"
registre --db "$APA" derogation S02 2026-10 --motif "panne" 2>/dev/null
expect_rc 77 $? "dérogation par un agent sans TG"
registre --db "$AGENT" derogation S02 2026-10 2>/dev/null
expect_rc 64 $? "dérogation sans motif"
registre --db "$AGENT" derogation S02 2026-10 --motif "panne du téléphone fixe" 2>"$W/err"
expect_rc 0 $? "dérogation par un agent TG"
sql postgres -c "SELECT count(*) FROM cesutg.audit WHERE table_nom = 'derogation_taux'
    AND qui = 'agent_tg'" | grep -qx 1 && ok || ko "dérogation auditée"
registre controler 2026-10 >/dev/null 2>&1 && registre prefacture calculer 2026-10 >/dev/null 2>&1
registre prefacture list 2026-10 >"$W/p2"
same "$TD/prefacture2.expected" "$W/p2" "pré-facture après dérogation"
registre taux-correction 2026-10 | grep -q '^S02,2026-10,"",2,3,0.6667,0.2000,0,panne du téléphone fixe$' &&
    ok || ko "taux : dérogation affichée"
# F11: another month's rates stay when a month is recomputed.
registre controler 2026-09 >/dev/null 2>&1
[ "$(registre taux-correction | grep -c ',2026-10,')" = 5 ] && ok || ko "historique des taux"

step "validation: the SAD per beneficiary, then the Département"
registre --db "$SAD1" prefacture valider 2026-10 100001 100002 2>"$W/err"
expect_rc 0 $? "validation du SAD"
grep -q "2 ligne(s) validée(s)" "$W/err" && ok || ko "validation du SAD : message"
registre --db "$SAD1" prefacture valider 2026-10 100005 2>/dev/null
expect_rc 65 $? "un SAD ne valide pas la ligne d'un autre"
registre --db "$AGENT" prefacture valider 2026-10 --sad S01 2>"$W/err"
expect_rc 65 $? "Département avant la fin de la validation du SAD"
grep -q "2 ligne(s) pas encore validée(s)" "$W/err" && ok || ko "message validation prématurée"
registre --db "$SAD1" prefacture valider 2026-10 --sad S01 2>/dev/null
expect_rc 77 $? "un SAD ne valide pas à la place du Département"
registre --db "$SAD1" prefacture valider 2026-10 100003 100004 2>/dev/null
expect_rc 0 $? "validation du SAD (suite)"
registre --db "$APA" prefacture valider 2026-10 --sad S01 2>/dev/null
expect_rc 77 $? "validation par un agent sans TG"
registre --db "$AGENT" prefacture valider 2026-10 --sad S01 2>"$W/err"
expect_rc 0 $? "validation du Département"
registre --db "$SAD1" prefacture devalider 2026-10 100001 2>/dev/null
expect_rc 65 $? "le SAD ne dévalide pas après le Département"
sql postgres -c "SELECT count(*) FROM cesutg.audit WHERE table_nom = 'prefacture'
    AND operation = 'UPDATE'" | grep -qx 8 && ok || ko "validations auditées"

step "a late visit goes to a complementary pre-invoice"
registre load horodatages --date 2026-11-05 <"$TD/horodatages-tardives.csv" 2>/dev/null
expect_rc 0 $? "load horodatages tardifs"
registre controler 2026-10 >/dev/null 2>&1 && registre prefacture calculer 2026-10 >/dev/null 2>&1
registre --db "$SAD1" prefacture list 2026-10 >"$W/p3"
same "$TD/prefacture3.expected" "$W/p3" "pré-facture complémentaire (vue du SAD S01)"
registre --db "$AGENT" prefacture devalider 2026-10 --sad S01 2>/dev/null
expect_rc 0 $? "dévalidation du Département"
registre --db "$SAD1" prefacture devalider 2026-10 100001 2>/dev/null
expect_rc 0 $? "dévalidation du SAD"
registre prefacture calculer 2026-10 >/dev/null 2>&1
registre prefacture list 2026-10 | grep -c '^S01,2026-10,100001,' | grep -qx 1 && ok ||
    ko "ligne dévalidée recalculée en une seule"
registre audit verify >/dev/null; expect_rc 0 $? "audit intègre"

step "overlaps: the earlier visit of a pair is not always the one just before"
# I01 at C1 from 8:00 to 12:00 and again 9:00-9:30 (the same client: an
# overlap at the client), then at C3 10:00-11:00: the first visit of the
# day overlaps the third, though the second comes between them; at C3
# again at 13:00, after all of them.
{ head -n 1 "$TD/horodatages.csv"
  for v in V91,C1,08:00,12:00 V92,C1,09:00,09:30 V93,C3,10:00,11:00 \
      V94,C3,13:00,14:00; do
	set -- $(echo "$v" | tr , ' ')
	a=2026-11-10T$3:00+01:00 z=2026-11-10T$4:00+01:00
	echo "TGS01,2026-12-01T03:00:00+01:00,2,$1,$2,I01,AD1,APP,,$a,$z,$a,$z,,,,,,"
  done; } >"$W/chevauchements.csv"
registre load horodatages --date 2026-12-01 <"$W/chevauchements.csv" 2>"$W/err"
expect_rc 0 $? "load horodatages (chevauchements)"
registre controler 2026-11 >/dev/null 2>"$W/err"; expect_rc 0 $? "controler 2026-11"
registre controles list 2026-11 | grep ',V9[1-4],' | cut -d, -f3,9 |
    grep chevauchement >"$W/chev"
printf '%s\n' V91,chevauchement V91,chevauchement_client \
    V92,chevauchement_client V93,chevauchement >"$W/chev.expected"
same "$W/chev.expected" "$W/chev" "chevauchements au-delà de l'intervention précédente"

step "a TG code moved to another SAD: the month checked in one session"
# TGS01 now S02's: the part of S02 finds S01's visits kept under S01, in
# the other part, and refuses; registre checks the month in one session
# (two would wait for each other: the timeout says so).
sql postgres -c "UPDATE cesutg.sad_tg SET sad = 'S02' WHERE code = 'TGS01'"
timeout 120 registre controler 2026-10 >/dev/null 2>"$W/err"
expect_rc 0 $? "controler après le changement de SAD"
[ "$(registre controles list 2026-10 | sed 1d | cut -d, -f1 | sort -u)" = S02 ] &&
    ok || ko "interventions de TGS01 sous S02"
# Each result keeps its visit's key (migration 023: the pre-invoice reads
# it there): the TG code's, not the SAD's.
sql postgres -c "SELECT count(*), count(*) FILTER (WHERE (c.code_sad_tg,
    c.identifiant_intervention) IS DISTINCT FROM (h.code_sad,
    h.identifiant_intervention)), count(*) FILTER (WHERE c.code_sad_tg =
    'TGS01') FROM cesutg.controle_visite c JOIN cesutg.horodatage h ON
    h.id = c.horodatage WHERE c.mois = '2026-10'" >"$W/cles"
grep -Eqx '[1-9][0-9]*\|0\|[1-9][0-9]*' "$W/cles" && ok ||
    ko "clés des interventions contrôlées : $(cat "$W/cles")"

echo "controle.sh: $pass réussis, $fail échoués" >&2
[ "$fail" -eq 0 ]
