#!/bin/sh
# registre role add-plateforme, prefacture list|valider|devalider: the CASVP
# sections' pre-invoice validated by their platform (annex 2: "la validation
# des factures sera bien faite par les gestionnaires de plateforme (4 plates
# formes), et non par les sections d'arrondissement"), then by the
# Département, on a throwaway cluster. S01 is a section of platform Nord,
# S02 of platform Sud, S03 (S02's data under another code) is no section.
#   sh tests/integration/plateforme.sh BUILD_DIR
B=${1:-build}
TD=$(cd "$(dirname "$0")/../../testdata/registre/prefacture" && pwd)
. "$(dirname "$0")/../pgtest.sh"
db() { echo "host=$CESUTG_HOME dbname=${DB:-cesutg} user=$1"; }
pf() {	# expected-rc role what prefacture-arguments...: stderr in $W/err
	_rc=$1 _u=$2 _w=$3; shift 3
	registre --db "$(db "$_u")" prefacture "$@" 2>"$W/err"
	expect_rc "$_rc" $? "$_w"
}
statuts() {	# the lines' code_sad:beneficiary:statut:validated by
	sql postgres -c "SELECT string_agg(code_sad || ':' ||
	    identifiant_beneficiaire_salsa || ':' || statut || ':' ||
	    coalesce(validee_sad_par, '-'), ' ' ORDER BY code_sad,
	    identifiant_beneficiaire_salsa) FROM cesutg.prefacture
	    WHERE mois = '2026-10' AND rang = 0"
}

step "cluster, SADs and their platforms, roles, the month's data"
registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }
registre sad add S01 --tg TGS01 --plateforme Nord && registre sad add S02 --plateforme Sud &&
    registre sad add S03 || ko "sad add"
for s in S01 S02 S03; do registre role add-sad $s >/dev/null || ko "role add-sad $s"; done
registre role add-agent agent_tg --aides TG || ko "role add-agent"
[ "$(registre role add-plateforme Nord pf_nord 2>"$W/err")" = pf_nord ] && [ ! -s "$W/err" ] &&
    ok || ko "role add-plateforme Nord"
registre role add-plateforme Sud pf_sud >/dev/null; expect_rc 0 $? "role add-plateforme Sud"
registre role add-plateforme Est pf_est >/dev/null 2>"$W/err"
expect_rc 0 $? "role add-plateforme d'une plateforme sans section"
grep -q "aucun SAD n'a encore la plateforme « Est »" "$W/err" && ok || ko "avertissement plateforme sans SAD"
registre role add-plateforme Nord sad_s01 >/dev/null 2>"$W/err"
expect_rc 65 $? "le rôle d'un SAD n'est pas celui d'une plateforme"
registre role add-plateforme Nord agent_tg >/dev/null 2>&1
expect_rc 65 $? "le rôle d'un agent n'est pas celui d'une plateforme"
registre role add-plateforme Nord Pf-Nord >/dev/null 2>&1; expect_rc 64 $? "nom de rôle invalide"
registre role add-plateforme '' pf_x >/dev/null 2>&1; expect_rc 64 $? "plateforme vide"
registre role add-plateforme Nord >/dev/null 2>&1; expect_rc 64 $? "role add-plateforme sans rôle"
[ "$(sql postgres -c "SELECT count(*) FROM cesutg.audit WHERE table_nom = 'acces_plateforme'
    AND operation = 'INSERT'")" = 3 ] && ok || ko "rôles de plateforme audités"
sql postgres -c "SELECT string_agg(r.rolname, ' ' ORDER BY r.rolname) FROM pg_auth_members m
    JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
    WHERE g.rolname = 'cesutg_plateforme'" | grep -qx "pf_est pf_nord pf_sud" && ok ||
    ko "membres de cesutg_plateforme"
# S03: S02's plan, client and visits under another code and beneficiary.
s03() { grep '^S02,' "$1" | sed 's/^S02,/S03,/; s/100005/100009/g; s/D10005/D10009/; s/P10006/P10009/'; }
for k in plans clients intervenants evenements horodatages; do
	{ cat "$TD/$k.csv"; s03 "$TD/$k.csv"; } >"$W/$k.csv"
done
registre load plans --date 2026-10-01 <"$W/plans.csv" 2>"$W/err"; expect_rc 0 $? "load plans"
for k in clients intervenants evenements horodatages; do
	registre load $k --date 2026-11-02 <"$W/$k.csv" 2>"$W/err"
	expect_rc 0 $? "load $k"
done
registre controler 2026-10 >/dev/null 2>&1; expect_rc 0 $? "controler"
registre prefacture calculer 2026-10 >"$W/out"; expect_rc 0 $? "prefacture calculer"
grep -q " 6 ligne(s) de pré-facture" "$W/out" && ok || ko "6 lignes : 4 de S01, 1 de S02, 1 de S03"
registre prefacture list 2026-10 >"$W/tout"

step "what a platform sees: its sections' lines, nothing of other SADs"
registre --db "$(db pf_nord)" prefacture list 2026-10 >"$W/nord"; expect_rc 0 $? "list (Nord)"
grep -v '^S0[23],' "$W/tout" | cmp -s - "$W/nord" && ok || ko "Nord lit les lignes de S01, seulement elles"
registre --db "$(db pf_sud)" prefacture list 2026-10 >"$W/sud"; expect_rc 0 $? "list (Sud)"
grep -v '^S0[13],' "$W/tout" | cmp -s - "$W/sud" && ok || ko "Sud lit la ligne de S02, seulement elle"
registre --db "$(db pf_est)" prefacture list 2026-10 >"$W/est"
[ "$(wc -l <"$W/est")" = 1 ] && ok || ko "Est, sans section, ne lit aucune ligne"
[ "$(sql pf_nord -c "SELECT string_agg(code, ' ') FROM cesutg.sad")" = S01 ] && ok ||
    ko "Nord ne lit que ses sections"
[ "$(sql pf_nord -c "SELECT string_agg(DISTINCT code_tiers_salsa, ' ') FROM cesutg.plan")" = S01 ] &&
    ok || ko "Nord ne lit que les plans de ses sections"
[ "$(sql pf_nord -c "SELECT count(DISTINCT f.code_sad) FROM cesutg.prefacture_visite v
    JOIN cesutg.prefacture f ON f.id = v.prefacture")" = 1 ] && ok ||
    ko "Nord ne lit que les interventions de ses lignes"
sql pf_nord -c "SELECT count(*) FROM cesutg.horodatage" >/dev/null 2>&1 &&
    ko "une plateforme lit les horodatages" || ok
sql pf_nord -c "SELECT count(*) FROM cesutg.acces_sad" >/dev/null 2>&1 &&
    ko "une plateforme lit les accès des SAD" || ok
registre --db "$(db sad_s01)" prefacture list 2026-10 >"$W/s01"
cmp -s "$W/nord" "$W/s01" && ok || ko "la section lit toujours ses lignes"

step "the section lists, its platform validates"
pf 77 sad_s01 "la section ne valide pas" valider 2026-10 100001
grep -q "S01 est une section du CASVP : sa pré-facture est validée par sa plateforme « Nord »" "$W/err" &&
    ok || { ko "message à la section"; cat "$W/err"; }
[ "$(sql sad_s01 -c "UPDATE cesutg.prefacture SET statut = 'validee_sad'
    WHERE statut = 'calculee' RETURNING id" | wc -l)" = 0 ] && ok ||
    ko "la sécurité par ligne refuse à la section son étape"
pf 65 pf_nord "Nord ne valide pas la section de Sud" valider 2026-10 100005
pf 65 pf_nord "Nord ne valide pas un SAD hors CASVP" valider 2026-10 100009
[ "$(sql pf_nord -c "UPDATE cesutg.prefacture SET statut = 'validee_sad'
    WHERE code_sad <> 'S01' RETURNING id" | wc -l)" = 0 ] && ok ||
    ko "Nord ne touche aucune ligne d'un autre SAD"
sql pf_nord -c "UPDATE cesutg.prefacture SET statut = 'validee_departement'
    WHERE code_sad = 'S01'" >/dev/null 2>&1 && ko "Nord fait l'étape du Département" || ok
[ "$(statuts)" = "S01:100001:calculee:- S01:100002:calculee:- S01:100003:calculee:- S01:100004:calculee:- S02:100005:calculee:- S03:100009:calculee:-" ] &&
    ok || ko "rien de validé par les refus : $(statuts)"
pf 0 pf_nord "validation par la plateforme" valider 2026-10 100001 100002
grep -q "2 ligne(s) validée(s)" "$W/err" && ok || ko "validation par la plateforme : message"
pf 65 agent_tg "Département avant la fin de l'étape de la plateforme" valider 2026-10 --sad S01
grep -q "2 ligne(s) pas encore validée(s)" "$W/err" && ok || ko "message validation prématurée"
pf 77 pf_nord "une plateforme ne valide pas à la place du Département" valider 2026-10 --sad S01
pf 0 pf_nord "validation par la plateforme (suite)" valider 2026-10 100003 100004
pf 0 agent_tg "validation du Département après la plateforme" valider 2026-10 --sad S01
pf 65 pf_nord "la plateforme ne dévalide pas après le Département" devalider 2026-10 100001
pf 0 agent_tg "dévalidation du Département" devalider 2026-10 --sad S01
pf 77 sad_s01 "la section ne dévalide pas" devalider 2026-10 100001
pf 0 pf_nord "dévalidation par la plateforme" devalider 2026-10 100001

step "the other platform, a SAD outside the CASVP"
pf 0 pf_sud "Sud valide sa section" valider 2026-10 100005
pf 77 sad_s02 "la section de Sud ne dévalide pas" devalider 2026-10 100005
pf 0 sad_s03 "un SAD hors CASVP valide lui-même" valider 2026-10 100009
pf 65 pf_sud "Sud ne touche pas le SAD hors CASVP" valider 2026-10 100009
[ "$(statuts)" = "S01:100001:calculee:- S01:100002:validee_sad:pf_nord S01:100003:validee_sad:pf_nord S01:100004:validee_sad:pf_nord S02:100005:validee_sad:pf_sud S03:100009:validee_sad:sad_s03" ] &&
    ok || ko "états et auteurs des validations : $(statuts)"

step "every validation audited, with its author"
aud() { sql postgres -c "SELECT count(*) FROM cesutg.audit WHERE table_nom = 'prefacture'
    AND operation = 'UPDATE' AND qui = '$1'"; }
[ "$(aud pf_nord)" = 5 ] && ok || ko "validations de Nord auditées : $(aud pf_nord) au lieu de 5"
[ "$(aud pf_sud)" = 1 ] && ok || ko "validation de Sud auditée"
[ "$(aud agent_tg)" = 8 ] && ok || ko "étape du Département auditée : $(aud agent_tg) au lieu de 8"
[ "$(aud sad_s01)" = 0 ] && ok || ko "la section n'a rien changé"
sql postgres -c "SELECT nouveau->>'statut' FROM cesutg.audit WHERE table_nom = 'prefacture'
    AND qui = 'pf_nord' ORDER BY id DESC LIMIT 1" | grep -qx calculee && ok ||
    ko "dévalidation de la plateforme : image de l'audit"
registre audit verify >/dev/null; expect_rc 0 $? "audit intègre"

step "a section moved to another platform, or out of the CASVP"
registre sad set S01 --plateforme Sud 2>/dev/null; expect_rc 0 $? "sad set --plateforme Sud"
registre --db "$(db pf_nord)" prefacture list 2026-10 | wc -l | grep -qx 1 && ok ||
    ko "Nord ne lit plus S01"
pf 0 pf_sud "Sud valide S01 passée chez elle" valider 2026-10 100001
registre sad set S01 --plateforme '' 2>/dev/null; expect_rc 0 $? "sad set --plateforme ''"
pf 0 sad_s01 "hors CASVP, la section fait de nouveau l'étape du SAD" devalider 2026-10 100001

step "import recreates the platforms' roles"
registre export "$W/ex" >/dev/null 2>&1; expect_rc 0 $? "export"
sql postgres -c "DROP ROLE pf_est" && sql postgres -c "CREATE DATABASE imp"
registre --db "$(DB=imp db postgres)" import "$W/ex" 2>/dev/null; expect_rc 0 $? "import"
sql postgres -c "SELECT pg_has_role('pf_est', 'cesutg_plateforme', 'MEMBER')" | grep -qx t &&
    ok || ko "import : rôle de plateforme recréé"
DB=imp sql pf_est -c "SELECT plateforme FROM cesutg.acces_plateforme" | grep -qx Est && ok ||
    ko "import : accès de la plateforme"

echo "plateforme.sh: $pass réussis, $fail échoués" >&2
[ "$fail" -eq 0 ]
