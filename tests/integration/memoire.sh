#!/bin/sh
# The server's memory during a load does not grow with the file (issue 11):
# a load session's temp_buffers and work_mem are a fixed budget, and an
# order file's titles are inserted in slices, each audited on its own,
# audit verify still seeing any title edited, deleted or added outside
# registre in any slice.
#   sh tests/integration/memoire.sh BUILD_DIR
B=${1:-build}
TD=$(cd "$(dirname "$0")/../../testdata/registre" && pwd)
. "$(dirname "$0")/../pgtest.sh"

step "cluster; a witness of each insert statement into titre"
registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }
# Per statement: its rows, its first and last title, the session's budget.
sql postgres -c "CREATE TABLE public.vu (n bigint, premier text, dernier text,
    tb text, wm text)" -c "CREATE FUNCTION public.vu() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS \$f\$ BEGIN
	INSERT INTO public.vu SELECT count(*), min(numero_titre),
	    max(numero_titre), current_setting('temp_buffers'),
	    current_setting('work_mem') FROM nouvelles;
	RETURN NULL; END \$f\$" -c "CREATE TRIGGER vu AFTER INSERT ON
    cesutg.titre REFERENCING NEW TABLE AS nouvelles FOR EACH STATEMENT
    EXECUTE FUNCTION public.vu()" || ko "témoin des insertions"

step "an order of 118,800 titles (30 beneficiaries, 40 lines of 99 each)"
head -n 1 "$TD/commandes1.csv" >"$W/c.csv"
sed -n 2p "$TD/commandes1.csv" | awk -F, -v OFS=, '{
	for (b = 1; b <= 30; b++) for (l = 1; l <= 40; l++) {
		$1 = "2026-03-20"; $5 = "APA 04/2026"; $10 = 200000 + b
		$32 = sprintf("L%02d%02d", b, l); $33 = 99; $36 = "2026-06-30"
		$40 = "2026-04"; print
	} }' >>"$W/c.csv"
registre load commandes --date 2026-03-21 <"$W/c.csv" 2>"$W/err"
expect_rc 0 $? "load commandes"
[ "$(sql postgres -c "SELECT count(*) FROM cesutg.titre")" = 118800 ] && ok ||
    ko "titres émis : $(sql postgres -c "SELECT count(*) FROM cesutg.titre")"
# Slices of about 50,000 titles holding whole beneficiaries (3,960 each).
sql postgres -c "SELECT count(*), sum(n), max(n), min(n) FROM vu WHERE n > 0" >"$W/vu"
[ "$(cut -d'|' -f1,2 "$W/vu")" = "3|118800" ] && ok ||
    ko "tranches : $(cat "$W/vu") (attendu 3 instructions, 118800 titres)"
[ "$(cut -d'|' -f3 "$W/vu")" -le 53960 ] && ok || ko "tranche trop grande : $(cat "$W/vu")"
sql postgres -c "SELECT count(*) FROM vu v, vu w WHERE v.ctid < w.ctid AND
    substr(v.dernier, 1, 10) = substr(w.premier, 1, 10)" | grep -qx 0 && ok ||
    ko "un bénéficiaire partagé entre deux tranches"
# The load session's budget, whatever the file.
[ "$(sql postgres -c "SELECT DISTINCT tb || ' ' || wm FROM vu")" = "8MB 8MB" ] &&
    ok || ko "réglages de la session de chargement : $(sql postgres -c "SELECT DISTINCT tb || ' ' || wm FROM vu")"
# One audit row per slice, which add up to every title.
[ "$(sql postgres -c "SELECT count(*) || ' ' || sum((nouveau->>'lignes')::bigint)
    FROM cesutg.audit WHERE table_nom = 'titre' AND operation = 'INSERT'")" = "3 118800" ] &&
    ok || ko "audit des tranches"
registre audit verify >/dev/null 2>"$W/err"; expect_rc 0 $? "audit verify"

step "a title of each slice edited outside the audit, then restored"
horsaudit() {	# sql: run on titre with its triggers off
	sql postgres -c "ALTER TABLE cesutg.titre DISABLE TRIGGER USER" -c "$1" \
	    -c "ALTER TABLE cesutg.titre ENABLE TRIGGER USER" || ko "hors audit : $1"
}
for t in $(sql postgres -c "SELECT premier FROM vu WHERE n > 0 ORDER BY premier"); do
	horsaudit "UPDATE cesutg.titre SET valeur_faciale = valeur_faciale + 1
	    WHERE numero_titre = '$t'"
	registre audit verify >/dev/null 2>"$W/err"
	expect_rc 65 $? "titre $t modifié hors audit"
	grep -q "titre : lignes différentes" "$W/err" && ok || ko "message : titre $t modifié"
	horsaudit "UPDATE cesutg.titre SET valeur_faciale = valeur_faciale - 1
	    WHERE numero_titre = '$t'"
	registre audit verify >/dev/null 2>"$W/err"; expect_rc 0 $? "titre $t rétabli"
done
t=$(sql postgres -c "SELECT max(dernier) FROM vu")
sql postgres -c "CREATE TABLE public.garde AS SELECT * FROM cesutg.titre WHERE
    numero_titre = '$t'"
horsaudit "DELETE FROM cesutg.titre WHERE numero_titre = '$t'"
registre audit verify >/dev/null 2>"$W/err"; expect_rc 65 $? "titre supprimé hors audit"
horsaudit "INSERT INTO cesutg.titre SELECT * FROM public.garde"
registre audit verify >/dev/null 2>"$W/err"; expect_rc 0 $? "titre supprimé puis rétabli"
horsaudit "INSERT INTO cesutg.titre SELECT '9999' || substr(numero_titre, 5),
    reference_commande, code_carnet, identifiant_beneficiaire, valeur_faciale,
    date_emission, date_validite, annule_par, annule_le, origine,
    mois_commande, statut, statut_le, ingestion, dematerialise_le,
    remplace_par FROM public.garde"
registre audit verify >/dev/null 2>"$W/err"; expect_rc 65 $? "titre ajouté hors audit"
horsaudit "DELETE FROM cesutg.titre WHERE numero_titre LIKE '9999%'"

step "the order again, one line's face value changed: its titles refreshed"
awk -F, -v OFS=, 'NR > 1 && $32 == "L1520" { $34 = "24.00" } { print }' \
    "$W/c.csv" >"$W/c2.csv"
registre load commandes --date 2026-03-22 <"$W/c2.csv" 2>"$W/err"
expect_rc 0 $? "load commandes (une ligne modifiée)"
[ "$(sql postgres -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE
    valeur_faciale = 24.00) FROM cesutg.titre")" = "118800 99" ] && ok ||
    ko "titres après rechargement"
registre audit verify >/dev/null 2>"$W/err"; expect_rc 0 $? "audit verify après rechargement"

step "registre reprendre: the same budget"
sql postgres -c "CREATE TABLE public.vu_h (tb text, wm text)" -c "CREATE
    FUNCTION public.vu_h() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS \$f\$ BEGIN INSERT INTO public.vu_h VALUES
	(current_setting('temp_buffers'), current_setting('work_mem'));
	RETURN NULL; END \$f\$" -c "CREATE TRIGGER vu_h AFTER INSERT ON
    cesutg.horodatage FOR EACH STATEMENT EXECUTE FUNCTION public.vu_h()" ||
    ko "témoin des visites"
registre load plans --date 2026-11-28 <"$TD/plans1.csv" 2>/dev/null
expect_rc 0 $? "plans"
registre load intervenants --date 2026-12-03 <"$TD/intervenants.csv" 2>/dev/null
expect_rc 0 $? "intervenants"
registre load horodatages --date 2026-12-03 <"$TD/horodatages1.csv" 2>/dev/null
expect_rc 65 $? "horodatages (clients inconnus)"
ING_H=$(sql postgres -c "SELECT max(id) FROM cesutg.ingestion")
registre load clients --date 2026-12-04 <"$TD/clients.csv" 2>/dev/null
sql postgres -c "TRUNCATE public.vu_h"
registre reprendre "$ING_H" 2>"$W/err"; expect_rc 0 $? "reprendre"
grep -q "nouvelles" "$W/err" && ok || ko "reprendre : rien repris ($(cat "$W/err"))"
[ "$(sql postgres -c "SELECT DISTINCT tb || ' ' || wm FROM vu_h")" = "8MB 8MB" ] &&
    ok || ko "réglages de la session de reprise : $(sql postgres -c "SELECT DISTINCT tb || ' ' || wm FROM vu_h")"

echo "$T.sh: $pass réussis, $fail échoués" >&2
[ "$fail" -eq 0 ]
