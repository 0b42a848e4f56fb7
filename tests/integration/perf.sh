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

echo "perf: $pass réussis, $fail échoués"
[ "$fail" -eq 0 ]
