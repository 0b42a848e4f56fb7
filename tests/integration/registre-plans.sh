#!/bin/sh
# registre's plan snapshots that cannot wipe the ledger, replays of rejected
# rows, data dates, the command line (issues 11 and 12), against a
# throwaway PostgreSQL 15 cluster as in registre.sh.
#   sh tests/integration/registre-plans.sh BUILD_DIR
B=${1:-build}
TD=$(cd "$(dirname "$0")/../../testdata/registre" && pwd)
. "$(dirname "$0")/../pgtest.sh"
# Business content of the ledger, whatever the ids: what a load may change.
state() {
	sql postgres -c "SELECT md5(coalesce(string_agg(x, E'\n' ORDER BY x), ''))
	    FROM (SELECT p::text AS x FROM cesutg.plan p UNION ALL
	    SELECT b::text FROM cesutg.beneficiaire b UNION ALL
	    SELECT i::text FROM cesutg.ingestion i UNION ALL
	    SELECT c::text FROM cesutg.client c UNION ALL
	    SELECT h::text FROM cesutg.horodatage h UNION ALL
	    SELECT r::text FROM cesutg.rejet r UNION ALL
	    SELECT t::text FROM cesutg.audit_tete t) s"
}

registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }
has() {	# file pattern what
	if grep -q -- "$2" "$1"; then ok; else ko "$3 : « $2 » absent"; cat "$1"; fi
}
hasnt() {	# file pattern what
	if grep -q -- "$2" "$1"; then ko "$3 : « $2 » présent"; cat "$1"; else ok; fi
}
val() {	# sql: one value, as postgres
	sql postgres -c "$1"
}
last_ing() { val "SELECT max(id) FROM cesutg.ingestion"; }
courants() { val "SELECT count(*) FROM cesutg.plan WHERE valide_au IS NULL"; }
H=$(head -n 1 "$TD/plans1.csv")
# field 12 (quantite_prise_en_charge) of the line of a plan, set to $2
qte() { awk -F, -v OFS=, -v p="$1" -v q="$2" '$7 == p { $12 = q } { print }'; }

# --- 5: the same file twice is a success that changes nothing ---
step "same file twice: success, nothing changes"
registre load plans --date 2026-11-28 --source plans1.csv <"$TD/plans1.csv" 2>"$W/err"
expect_rc 0 $? "premier chargement"
before=$(state)
registre load plans --date 2026-12-01 --source plans1.csv <"$TD/plans1.csv" 2>"$W/err"
expect_rc 0 $? "même fichier une seconde fois"
has "$W/err" "plans1.csv : déjà chargé, rien à faire (ingestion 1" "message déjà chargé"
[ "$(state)" = "$before" ] && ok || ko "même fichier : la base a changé"
cat "$TD/plans1.csv" | registre load plans --date 2026-12-01 2>"$W/err"
expect_rc 0 $? "même contenu par un tube"

# --- 1: a snapshot with no accepted line never ends a plan ---
step "empty snapshot refused whole, not recorded"
echo "$H" >"$W/vide.csv"
registre load plans --date 2026-12-01 --source vide.csv <"$W/vide.csv" 2>"$W/err"
expect_rc 65 $? "instantané sans ligne"
has "$W/err" "vide.csv : aucune ligne acceptée (0 lues, 0 rejetées)" "message instantané vide"
has "$W/err" "terminerait les 8 en cours" "message : ce que l'instantané aurait terminé"
[ "$(state)" = "$before" ] && ok || ko "instantané vide : la base a changé"
registre load plans --date 2026-12-01 <"$W/vide.csv" 2>"$W/err"
expect_rc 65 $? "instantané vide : pas enregistré comme chargé"
hasnt "$W/err" "déjà chargé" "instantané vide refusé puis reconnu"
qte P00001 beaucoup <"$TD/plans1.csv" | qte P00002 x | qte P00003 x | qte P00004 x |
    qte P00005 x | qte P00006 x | qte P00007 x | qte P00008 x >"$W/tout-rejete.csv"
registre load plans --date 2026-12-01 <"$W/tout-rejete.csv" 2>"$W/err"
expect_rc 65 $? "instantané dont toutes les lignes sont rejetées"
has "$W/err" "aucune ligne acceptée (8 lues, 8 rejetées)" "message toutes rejetées"
has "$W/err" ":9: champ 12 (quantite_prise_en_charge)" "rejets dits sur stderr"
[ "$(state)" = "$before" ] && ok || ko "toutes rejetées : la base a changé"
# The case seen in operation: a CRCESU file handed to integrer as a Flux 1.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
"$TOOLS/gen-crcesu" 20 >"$W/CRCESU_20261201.txt"
sh "$ROOT/scripts/integrer" flux1 "$W/CRCESU_20261201.txt" "$W/int" >/dev/null 2>"$W/err"
expect_rc 65 $? "integrer flux1 d'un fichier CRCESU"
[ "$(state)" = "$before" ] && ok || ko "fichier CRCESU : la base a changé"
[ "$(courants)" = 8 ] && ok || ko "fichier CRCESU : des plans ont été terminés"

# --- 1: more than fin_plans_max_pct of the plans ended: refused, unless forced ---
step "snapshot ending too many plans refused, then incomplete, then forced"
[ "$(registre param get fin_plans_max_pct)" = 5 ] && ok || ko "paramètre fin_plans_max_pct à 5 par défaut"
head -n 4 "$TD/plans1.csv" >"$W/p3.csv"
registre load plans --date 2026-12-02 --source p3.csv <"$W/p3.csv" 2>"$W/err"
expect_rc 65 $? "instantané qui terminerait la moitié des plans"
# P00007's coverage ended past the 300 days: out of the horizon, not counted
has "$W/err" "p3.csv : ce flux terminerait 4 des 8 plans en cours (50.0 %), plus que fin_plans_max_pct (5 %)" "message fins"
has "$W/err" "relancez avec --accepter-fins" "message : comment forcer"
[ "$(state)" = "$before" ] && ok || ko "fins refusées : la base a changé"

# A snapshot whose converter rejected lines: nothing ends, the rest applies.
qte P00001 13.00 <"$W/p3.csv" >"$W/p3i.csv"
registre load plans --date 2026-12-02 --incomplet --source p3i.csv \
    --report "$W/r3i" <"$W/p3i.csv" 2>"$W/err"
expect_rc 0 $? "instantané incomplet"
has "$W/err" "1 modifiées, 2 inchangées, 0 terminées, 0 rejetées ; chargement incomplet (--incomplet) : 5 absents du flux non terminés" "stderr incomplet"
[ "$(courants)" = 8 ] && ok || ko "incomplet : un plan a été terminé"
[ "$(val "SELECT portee || ',' || terminees FROM cesutg.ingestion WHERE id = $(last_ing)")" = incomplet,0 ] &&
    ok || ko "incomplet : portée enregistrée"
[ "$(grep -c '^non_termine,,' "$W/r3i")" = 5 ] && ok || { ko "bilan : 5 plans non terminés"; cat "$W/r3i"; }
has "$W/r3i" "^modifie,2,000001/D00001/P00001,quantite_prise_en_charge," "bilan : plan modifié"
has "$W/r3i" "chargement incomplet (--incomplet" "bilan : motif non terminé"

# The next complete snapshot ends what is really gone, once forced.
qte P00002 50.00 <"$W/p3i.csv" >"$W/p3c.csv"
before=$(state)
registre load plans --date 2026-12-03 <"$W/p3c.csv" 2>"$W/err"
expect_rc 65 $? "instantané complet suivant, fins au-delà du seuil"
[ "$(state)" = "$before" ] && ok || ko "fins refusées (2) : la base a changé"
registre load plans --date 2026-12-03 --accepter-fins --source p3c.csv <"$W/p3c.csv" 2>"$W/err"
expect_rc 0 $? "fins acceptées"
has "$W/err" "5 terminées" "fins acceptées : 5 plans terminés"
has "$W/err" "fins au-delà de fin_plans_max_pct acceptées" "fins acceptées : dit sur stderr"
[ "$(courants)" = 3 ] && ok || ko "fins acceptées : 3 plans en cours"
[ "$(val "SELECT fins_forcees FROM cesutg.ingestion WHERE id = $(last_ing)")" = t ] &&
    ok || ko "forçage enregistré"
[ "$(val "SELECT count(*) FROM cesutg.audit WHERE table_nom = 'ingestion' AND
    (nouveau->>'fins_forcees')::boolean AND nouveau->>'id' = '$(last_ing)'")" = 1 ] &&
    ok || ko "forçage audité"
registre param set fin_plans_max_pct 60 && ok || ko "paramètre fin_plans_max_pct réglable"
registre param set fin_plans_max_pct 5

# --- 1: a complement (corrected rejects, the CESU order day's flux) ends nothing ---
step "complement"
sed -n 2p "$TD/plans1.csv" | sed 's/,000001,/,999999,/; s/,D00001,/,D00009,/; s/,P00001,/,P00009,/' >"$W/l9"
{ echo "$H"; cat "$W/l9"; sed -n 2p "$W/p3c.csv" | qte P00001 14.00; } >"$W/pc.csv"
registre load plans --date 2026-12-05 --complement --source pc.csv <"$W/pc.csv" 2>"$W/err"
expect_rc 0 $? "complément"
has "$W/err" "1 nouvelles, 1 modifiées, 0 inchangées, 0 terminées, 0 rejetées ; complément" "stderr complément"
[ "$(courants)" = 4 ] && ok || ko "complément : aucun plan terminé"
[ "$(val "SELECT portee FROM cesutg.ingestion WHERE id = $(last_ing)")" = complement ] &&
    ok || ko "complément : portée enregistrée"
registre load clients --complement <"$TD/clients.csv" 2>"$W/err"
expect_rc 64 $? "--complement hors instantané"
registre load plans --complement --accepter-fins <"$W/pc.csv" 2>"$W/err"
expect_rc 64 $? "--complement avec --accepter-fins"

# --- 4: --date never goes backwards, nor far ahead ---
step "--date backwards or absurd"
before=$(state)
qte P00003 21.00 <"$W/p3c.csv" >"$W/p3d.csv"
registre load plans --date 2026-12-04 --accepter-fins <"$W/p3d.csv" 2>"$W/err"
expect_rc 65 $? "instantané daté avant le dernier chargement de plans"
has "$W/err" "--date 2026-12-04 antérieure aux données de plans déjà chargées" "message date antérieure"
{ echo "$H"; sed -n 2p "$W/pc.csv" | qte P00009 15.00; } >"$W/pc2.csv"
registre load plans --date 2026-12-01 --complement <"$W/pc2.csv" 2>"$W/err"
expect_rc 65 $? "complément daté avant la version qu'il modifie"
has "$W/err" "antérieure à la version en cours de 1 lignes que ce chargement modifierait (valide depuis le 2026-12-05" "message version antérieure"
registre load plans --date 9999-12-31 <"$W/pc2.csv" 2>"$W/err"
expect_rc 64 $? "--date 9999-12-31"
has "$W/err" "plus de 31 jours après aujourd'hui" "message date absurde"
loin=$(date -d '+40 days' +%F)
registre load plans --date "$loin" <"$W/pc2.csv" 2>"$W/err"
expect_rc 64 $? "--date dans 40 jours"
[ "$(state)" = "$before" ] && ok || ko "dates refusées : la base a changé"
[ "$(val "SELECT count(*) FROM cesutg.plan WHERE valide_au < valide_du")" = 0 ] &&
    ok || ko "une version finit avant de commencer"

# --- 2: registre reprendre ---
step "reprendre: rows rejected for missing reference data"
registre load clients --date 2026-12-03 <"$TD/clients.csv" 2>/dev/null
expect_rc 65 $? "clients (deux rejetés)"
ING_C=$(last_ing)
registre load intervenants --date 2026-12-03 <"$TD/intervenants.csv" 2>/dev/null
expect_rc 0 $? "intervenants"
registre load horodatages --date 2026-12-03 <"$TD/horodatages1.csv" 2>/dev/null
expect_rc 65 $? "horodatages (trois rejetés)"
ING_H=$(last_ing)
[ "$(val "SELECT count(*) FILTER (WHERE valeurs IS NOT NULL) || '/' || count(*)
    FROM cesutg.rejet WHERE ingestion = $ING_H")" = 3/3 ] && ok ||
    ko "lignes rejetées gardées"
before=$(state)
registre reprendre "$ING_H" 2>"$W/err"
expect_rc 0 $? "reprise sans donnée de référence nouvelle"
has "$W/err" "reprise de l'ingestion $ING_H (horodatages) : rien de nouveau, les 3 lignes en attente restent rejetées" "message rien de nouveau"
[ "$(state)" = "$before" ] && ok || ko "reprise sans effet : la base a changé"
printf '%s\n%s\n' "$(head -n 1 "$TD/clients.csv")" \
    "T00002,2026-11-04T03:00:00+01:00,2,C404,,M,Roux,,Jean,1940-01-01,,,75011,PARIS,,,0" >"$W/c404.csv"
registre load clients --date 2026-12-04 <"$W/c404.csv" 2>/dev/null
expect_rc 0 $? "le client manquant arrive"
registre reprendre "$ING_H" --report "$W/rr" 2>"$W/err"
expect_rc 0 $? "reprise"
ING_R=$(last_ing)
has "$W/err" "horodatages : ingestion $ING_R, 3 lignes lues, 1 nouvelles, 0 modifiées, 0 inchangées, 0 terminées, 2 rejetées ; reprise de l'ingestion $ING_H" "stderr reprise"
has "$W/rr" "^nouveau,5,T00002/V2,," "bilan de la reprise"
[ "$(val "SELECT reprise_de || ',' || portee || ',' || date_donnees || ',' || acceptees
    FROM cesutg.ingestion WHERE id = $ING_R")" = "$ING_H,reprise,2026-12-03,1" ] &&
    ok || ko "reprise enregistrée et liée"
[ "$(val "SELECT ingestion_debut || ',' || valide_du FROM cesutg.horodatage
    WHERE code_sad = 'T00002' AND identifiant_intervention = 'V2' AND valide_au IS NULL")" = "$ING_R,2026-12-03" ] &&
    ok || ko "visite reprise"
[ "$(val "SELECT count(*) FROM cesutg.audit WHERE table_nom = 'ingestion' AND
    nouveau->>'reprise_de' = '$ING_H'")" = 1 ] && ok || ko "reprise auditée"
before=$(state)
registre reprendre "$ING_H" 2>"$W/err"
expect_rc 0 $? "seconde reprise"
has "$W/err" "rien de nouveau, les 2 lignes en attente restent rejetées ; rien n'est modifié" "seconde reprise : message"
registre reprendre "$ING_R" 2>/dev/null
expect_rc 0 $? "reprise par le numéro de la reprise"
[ "$(state)" = "$before" ] && ok || ko "seconde reprise : la base a changé"
# A row sent again, accepted since, is not overwritten by its replay.
printf '%s\n%s\n' "$(head -n 1 "$TD/clients.csv")" \
    "T00002,2026-11-05T03:00:00+01:00,3,C009,,M,Inconnu,,Paul,1950-01-01,1 rue X,,75011,PARIS,,,0" >"$W/c009.csv"
registre load clients --date 2026-12-05 <"$W/c009.csv" 2>/dev/null
expect_rc 0 $? "client renvoyé sans identifiant SALSA"
before=$(state)
registre reprendre "$ING_C" --report "$W/rc" 2>"$W/err"
expect_rc 0 $? "reprise d'une ligne remplacée depuis"
has "$W/err" "rien de nouveau" "ligne remplacée : rien de nouveau"
[ "$(state)" = "$before" ] && ok || ko "ligne remplacée : la base a changé"
# A beneficiary unknown to the plans, then sent in a complement.
printf '%s\n%s\n' "code_conseil_departemental,date_creation_fichier,numero_ordre,identifiant_beneficiaire,index_prestation,numero_employeur,type_prestation,periode_emploi,heures_plan_aide_cg,montant_prise_en_charge_cotisations,heures_impactees,montant_prise_en_charge_impactee,nature_mouvement,mois_facturation,date_limite_virement" \
    "075,2026-12-01,1,888888,,E0001,1,2026-11,10.00,50.00,10.00,50.00,C,2026-11,2026-12-15" >"$W/charges.csv"
registre load charges --date 2026-12-05 <"$W/charges.csv" 2>"$W/err"
expect_rc 65 $? "charges d'un bénéficiaire inconnu"
ING_K=$(last_ing)
registre reprendre "$ING_K" 2>"$W/err"
expect_rc 0 $? "charges : reprise trop tôt"
has "$W/err" "rien de nouveau" "charges : rien de nouveau"
{ echo "$H"; sed 's/,999999,/,888888,/; s/,D00009,/,D00088,/; s/,P00009,/,P00088,/' "$W/l9"; } >"$W/p88.csv"
registre load plans --date 2026-12-05 --complement <"$W/p88.csv" 2>/dev/null
expect_rc 0 $? "complément : le bénéficiaire arrive"
registre reprendre "$ING_K" 2>"$W/err"
expect_rc 0 $? "charges : reprise"
has "$W/err" "charges : ingestion $(last_ing), 1 lignes lues, 1 nouvelles" "charges : ligne reprise"
[ "$(val "SELECT count(*) FROM cesutg.charge WHERE identifiant_beneficiaire = '888888'
    AND valide_au IS NULL")" = 1 ] && ok || ko "charges : ligne chargée"
registre reprendre 999999 2>"$W/err"; expect_rc 66 $? "reprise d'une ingestion inconnue"
has "$W/err" "ingestion 999999 inconnue" "message ingestion inconnue"
registre reprendre 1x 2>/dev/null; expect_rc 64 $? "reprise : numéro invalide"
registre reprendre 1 2>"$W/err"; expect_rc 0 $? "reprise d'une ingestion sans rejet"
has "$W/err" "aucune ligne rejetée à reprendre" "message sans rejet"

# --- 3: the command line speaks French ---
step "command line"
registre load plans --bogus <"$W/pc.csv" >"$W/out" 2>"$W/err"
expect_rc 64 $? "option inconnue"
has "$W/err" "option inconnue, ou sans sa valeur : « --bogus »" "option inconnue : message"
hasnt "$W/err" "unrecognized\|invalid option\|requires an argument" "message getopt anglais"
has "$W/err" "usage : registre \[--db CONNINFO\] load KIND" "option inconnue : synopsis"
registre load plans --date 2>"$W/err"
expect_rc 64 $? "option sans valeur"
has "$W/err" "« --date »" "option sans valeur : message"
hasnt "$W/err" "requires an argument" "option sans valeur : anglais"
registre --bogus 2>"$W/err"; expect_rc 64 $? "option globale inconnue"
has "$W/err" "option inconnue, ou sans sa valeur : « --bogus »" "option globale : message"
registre reprendre --bogus 1 2>"$W/err"; expect_rc 64 $? "reprendre : option inconnue"
hasnt "$W/err" "unrecognized" "reprendre : message anglais"
for c in db migrate load reprendre ingestions param role audit export import; do
	registre "$c" --help >"$W/out" 2>"$W/err"
	expect_rc 0 $? "registre $c --help"
	head -n 1 "$W/out" | grep -q "^usage : registre \[--db CONNINFO\] $c" && ok ||
	    { ko "registre $c --help : synopsis"; cat "$W/out"; }
	[ -s "$W/err" ] && ko "registre $c --help : stderr non vide" || ok
done
registre load plans -h >"$W/out"; expect_rc 0 $? "registre load plans -h"
registre frobnicate 2>"$W/err"; expect_rc 64 $? "sous-commande inconnue"
has "$W/err" "sous-commande inconnue « frobnicate »" "sous-commande inconnue nommée"

registre db stop; expect_rc 0 $? "db stop"
echo "registre-plans: $pass réussis, $fail échoués"
[ "$fail" -eq 0 ]
