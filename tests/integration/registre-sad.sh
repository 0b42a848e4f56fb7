#!/bin/sh
# registre: one SAD identity (code tiers and télégestion codes), refunds
# rejected for their title (twice, stolen, cancelled, lost, out of date) and
# kept for the fraud control, titles taken over from the previous operator.
# Same throwaway cluster as registre.sh.
#   sh tests/integration/registre-sad.sh BUILD_DIR
B=${1:-build}
TD=$(cd "$(dirname "$0")/../../testdata/registre" && pwd)
. "$(dirname "$0")/../pgtest.sh"

registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }
R=$(cd "$(dirname "$0")/../../cmd/registre" && pwd)

# --- one SAD, one row: code tiers SALSA and télégestion codes ---
step "one SAD, one row: code tiers SALSA and télégestion codes"
# Plans name the SADs 010000, 020000, 030000; their Flux 15 files come as
# SAD010000 (a télégestion code), 020000 (the code tiers itself) and SAD999.
sed 's/^T00001,/010000,/; s/^T00002,/020000,/; s/^T00003,/030000,/' \
    "$TD/plans1.csv" >"$W/plans.csv"
for f in clients intervenants horodatages1; do
	sed 's/^T00001,/SAD010000,/; s/^T00002,/020000,/' "$TD/$f.csv" >"$W/$f.csv"
done
# As the demo does, a SAD is given a role under its télégestion code before
# any plan names it.
registre role add-sad SAD030000 >/dev/null; expect_rc 0 $? "role add-sad avant les plans"
registre load plans --date 2026-11-28 <"$W/plans.csv" 2>/dev/null
expect_rc 0 $? "plans"
registre sad set 010000 --nom "Aide à domicile Paris 1" --tg SAD010000 \
    --courriel factures@sad1.example,direction@sad1.example 2>"$W/err"
expect_rc 0 $? "sad set : nom, code de télégestion, courriels"
registre sad set 010000 --adresse "3 rue des Lilas
75014 Paris" 2>"$W/err"; expect_rc 0 $? "sad set --adresse"
registre sad set 030000 --tg SAD030000 --tg S3BIS 2>"$W/err"
expect_rc 0 $? "sad set : le SAD déclaré sous son code de télégestion est fusionné"
registre sad add 750001 --nom "CASVP section 1" --plateforme "CASVP Centre" \
    --courriel casvp1@paris.example 2>"$W/err"
expect_rc 0 $? "sad add : section du CASVP et sa plate-forme"
registre sad list >"$W/sl" 2>"$W/err"
expect_rc 0 $? "sad list"
cat >"$W/sl.exp" <<'EOF'
code_tiers_salsa,nom,codes_tg,courriels,plateforme,adresse
010000,Aide à domicile Paris 1,SAD010000,factures@sad1.example direction@sad1.example,,"3 rue des Lilas
75014 Paris"
020000,,,,,
030000,,S3BIS SAD030000,,,
750001,CASVP section 1,,casvp1@paris.example,CASVP Centre,
EOF
same "$W/sl.exp" "$W/sl" "liste des SAD"
sql postgres -c "SELECT role || ' ' || code_sad FROM cesutg.acces_sad" |
    grep -qx 'sad_sad030000 030000' && ok || ko "rôle du SAD fusionné non rattaché au code tiers"
registre sad add 010000 2>"$W/err"; expect_rc 65 $? "sad add d'un SAD déclaré"
grep -q "SAD 010000 déjà déclaré" "$W/err" && ok || ko "message SAD déjà déclaré"
registre sad set 040000 --nom X 2>"$W/err"; expect_rc 65 $? "sad set d'un SAD inconnu"
registre sad set 020000 --tg SAD010000 2>"$W/err"
expect_rc 65 $? "code de télégestion d'un autre SAD"
grep -q "SAD010000 est déjà celui du SAD 010000" "$W/err" && ok || ko "message code pris"
registre sad set 020000 --tg 010000 2>"$W/err"
expect_rc 65 $? "code tiers d'un SAD des plans pris comme code de télégestion"
registre sad set SAD010000 --nom X 2>"$W/err"; expect_rc 65 $? "sad set d'un code de télégestion"
registre sad set 020000 --courriel "pas une adresse" 2>"$W/err"
expect_rc 65 $? "adresse invalide"
registre sad set 020000 --inconnue 2>/dev/null; expect_rc 64 $? "option inconnue"
registre sad --help | grep -q "^usage : registre \[--db CONNINFO\] sad add CODE" && ok || ko "sad --help"
registre sad list >"$W/sl2"
same "$W/sl.exp" "$W/sl2" "refus : rien de modifié"
registre sad set 030000 --tg '' && registre sad set 030000 --tg SAD030000 ||
    ko "sad set : vider puis redonner les codes de télégestion"
sql postgres -c "SELECT string_agg(code, ' ') FROM cesutg.sad_tg WHERE sad = '030000'" |
    grep -qx SAD030000 && ok || ko "codes de télégestion remplacés"

# --- a SAD role sees its plans, beneficiaries, clients and visits (G4) ---
step "a SAD role sees its plans, beneficiaries, clients and visits (G4)"
[ "$(registre role add-sad SAD010000)" = sad_sad010000 ] && ok || ko "role add-sad SAD010000"
registre role add-sad 020000 >/dev/null || ko "role add-sad 020000"
sql postgres -c "SELECT code_sad FROM cesutg.acces_sad WHERE role = 'sad_sad010000'" |
    grep -qx 010000 && ok || ko "le rôle d'un code de télégestion doit lire son code tiers"
sql postgres -c "SELECT count(*) FROM cesutg.sad WHERE code LIKE 'SAD%'" | grep -qx 0 &&
    ok || ko "un code de télégestion est devenu un second SAD"
registre load clients --date 2026-11-02 --report "$W/rc" <"$W/clients.csv" 2>/dev/null
expect_rc 65 $? "clients (deux rejetés)"
cat >"$W/rc.exp" <<'EOF'
statut,ligne,cle,champs,motif
nouveau,2,SAD010000/C001,,
nouveau,3,SAD010000/C002,,
nouveau,4,020000/C001,,
rejete,5,020000/C009,,identifiant bénéficiaire Salsa inconnu des plans d'aide
rejete,6,SAD999/C001,,SAD inconnu : code_sad n'est ni le code tiers SALSA d'un SAD ni un code de télégestion déclaré (registre sad add ou sad set --tg)
EOF
same "$W/rc.exp" "$W/rc" "clients reconnus par l'un ou l'autre code"
registre load intervenants --date 2026-11-02 <"$W/intervenants.csv" 2>/dev/null
expect_rc 0 $? "intervenants"
registre load horodatages --date 2026-11-02 <"$W/horodatages1.csv" 2>/dev/null
expect_rc 65 $? "horodatages"
sql sad_sad010000 -c "SELECT count(*) FROM cesutg.plan" | grep -qx 3 && ok ||
    ko "le rôle déclaré sous le code de télégestion SAD010000 ne voit pas les 3 plans de 010000"
vue() {	# role: plans beneficiaires clients intervenants horodatages sad codes_tg
	sql "$1" -c "SELECT (SELECT count(*) FROM cesutg.plan) || ' ' ||
	    (SELECT count(*) FROM cesutg.beneficiaire) || ' ' ||
	    (SELECT count(*) FROM cesutg.client) || ' ' ||
	    (SELECT count(*) FROM cesutg.intervenant) || ' ' ||
	    (SELECT count(*) FROM cesutg.horodatage) || ' ' ||
	    (SELECT string_agg(code, ' ') FROM cesutg.sad) || ' ' ||
	    coalesce((SELECT string_agg(code, ' ' ORDER BY code) FROM cesutg.sad_tg), '-')" 2>&1
}
for v in "sad_sad010000:3 2 2 1 2 010000 SAD010000" "sad_020000:3 2 1 1 1 020000 -" \
    "sad_sad030000:2 1 0 0 0 030000 SAD030000"; do
	got=$(vue "${v%%:*}")
	[ "$got" = "${v#*:}" ] && ok || ko "${v%%:*} voit « $got » au lieu de « ${v#*:} »"
done
sql sad_sad010000 -c "SELECT count(*) FROM cesutg.plan WHERE code_tiers_salsa <> '010000'" |
    grep -qx 0 && ok || ko "un SAD voit les plans d'un autre"
sql sad_sad010000 -c "INSERT INTO cesutg.sad_tg VALUES ('X', '010000')" 2>/dev/null &&
    ko "un SAD écrit ses codes de télégestion" || ok
registre audit verify >/dev/null; expect_rc 0 $? "audit verify après les SAD"
sql postgres -c "SELECT count(*) FROM cesutg.audit WHERE table_nom = 'sad_tg'" |
    grep -qx 0 && ko "codes de télégestion non audités" || ok

# --- migration 6: the two identities of existing databases made one ---
step "migration 6: the two identities of existing databases made one"
sql postgres -c "CREATE DATABASE v4"
DB=v4 sql postgres -1 -f "$R/001_schema.sql" -c "RESET ROLE" -f "$R/002_kinds.sql" \
    -c "RESET ROLE" -f "$R/003_titres.sql" -c "RESET ROLE" -f "$R/004_titres_retires.sql" \
    -c "RESET ROLE" -c "INSERT INTO cesutg.version_schema (version) VALUES (1), (2), (3), (4)" \
    -c "INSERT INTO cesutg.sad (code, nom) VALUES ('010000', NULL), ('SAD010000', 'SAD Un'),
	('020000', NULL), ('SAD777', NULL)" \
    -c "INSERT INTO cesutg.acces_sad VALUES ('sad_sad010000', 'SAD010000'), ('sad_sad777', 'SAD777')" \
    -c "INSERT INTO cesutg.ingestion (kind, source, sha256, date_donnees, lues,
	acceptees, rejetees) VALUES ('remboursements', 'j1', repeat('0', 64), '2026-11-16', 1, 1, 0),
	('remboursements', 'j2', repeat('1', 64), '2026-11-20', 1, 1, 0)" \
    -c "INSERT INTO cesutg.remboursement (code_emetteur, date_creation, numero_ordre,
	date_remboursement, numero_titre, reference_commande, code_carnet,
	identifiant_beneficiaire, valeur_faciale, date_encaissement, code_affilie,
	nom_affilie, type_affilie, code_produit, ligne, ingestion_debut, ingestion_fin,
	valide_du, valide_au, motif_fin) VALUES
	('OP75', '2026-11-16', 1, '2026-11-15', '261110000200001', 'APA', '0110002', '100002',
	23.50, '2026-11-14', '200000001', 'A', 'E', '01', 2, 1, 2, '2026-11-16', '2026-11-20', 'modifie'),
	('OP75', '2026-11-20', 2, '2026-11-19', '261110000200001', 'APA', '0110002', '100002',
	23.50, '2026-11-18', '200000002', 'B', 'E', '01', 5, 2, NULL, '2026-11-20', NULL, NULL)" \
    >/dev/null || ko "base au schéma 4"
registre --db "host=$CESUTG_HOME dbname=v4 user=postgres" migrate 2>/dev/null
expect_rc 0 $? "migration 4 -> 6"
DB=v4 sql postgres -c "SELECT string_agg(code || ':' || coalesce(nom, '-'), ' ' ORDER BY code) FROM cesutg.sad" \
    -c "SELECT string_agg(code || ':' || sad, ' ') FROM cesutg.sad_tg" \
    -c "SELECT string_agg(role || ':' || code_sad, ' ' ORDER BY role) FROM cesutg.acces_sad" >"$W/v4" 2>&1
printf '%s\n' '010000:SAD Un 020000:- SAD777:-' 'SAD010000:010000' \
    'sad_sad010000:010000 sad_sad777:SAD777' >"$W/v4.exp"
same "$W/v4.exp" "$W/v4" "migration 6 : SADxxx rattaché au SAD xxx des plans"
DB=v4 sql postgres -c "SELECT concat_ws('|', ingestion, ligne, cause, motif, code_affilie)
    FROM cesutg.remboursement_rejete" >"$W/v4r" 2>&1
echo '2|5|deja_rembourse|titre déjà remboursé le 2026-11-15 (ingestion 1)|200000002' >"$W/v4r.exp"
same "$W/v4r.exp" "$W/v4r" "migration 6 : second remboursement chargé comme version gardé pour J2"
registre --db "host=$CESUTG_HOME dbname=v4 user=postgres" audit verify >/dev/null
expect_rc 0 $? "audit verify après la migration 6"

# --- titles taken over at the start (annex 4 W6) ---
step "titles taken over at the start (annex 4 W6)"
registre load commandes --date 2026-10-21 <"$TD/commandes1.csv" 2>/dev/null
expect_rc 65 $? "commandes"
registre load titres-repris --date 2026-11-01 --report "$W/rt" <"$TD/titres-repris.csv" 2>"$W/err"
expect_rc 65 $? "titres repris (trois rejetés)"
cat >"$W/rt.exp" <<'EOF'
statut,ligne,cle,champs,motif
nouveau,2,260910000100001,,
nouveau,3,260910000100002,,
nouveau,4,260910000100003,,
nouveau,5,261010000500001,,
nouveau,6,261010000500002,,
nouveau,7,261010000500003,,
rejete,8,261010000500004,,"statut inconnu : emis, vole, annule ou perdu attendu"
rejete,9,2610100005,,"numéro de titre invalide : 15 chiffres attendus, comme dans les retours du CRCESU"
rejete,10,261110000100001,,numéro déjà émis par une commande chargée dans le registre : ce titre n'est pas à reprendre
nouveau,11,261010000500005,,
EOF
same "$W/rt.exp" "$W/rt" "bilan des titres repris"
sql postgres -c "SELECT string_agg(numero_titre || ':' || origine || ':' ||
    coalesce(statut, '-') || ':' || coalesce(statut_le::text, '-') || ':' ||
    mois_commande || ':' || date_emission, ' ' ORDER BY numero_titre)
    FROM cesutg.titre WHERE origine = 'reprise'" >"$W/tt" 2>&1
echo '260910000100001:reprise:-:-:2026-09:2026-08-20 260910000100002:reprise:-:-:2026-09:2026-08-20 260910000100003:reprise:vole:2026-10-02:2026-09:2026-08-20 261010000500001:reprise:annule:2026-10-15:2026-10:2026-10-01 261010000500002:reprise:perdu:-:2026-10:2026-10-01 261010000500003:reprise:-:-:2026-10:2026-10-01 261010000500005:reprise:-:-:2026-10:2026-10-01' >"$W/tt.exp"
same "$W/tt.exp" "$W/tt" "titres repris dans le registre des titres"
sed -n 1,2p "$TD/commandes1.csv" | sed '2s/,2026-11$/,2026-09/' >"$W/c9.csv"
registre load commandes --date 2026-10-22 --report "$W/rc9" <"$W/c9.csv" 2>/dev/null
expect_rc 65 $? "commande dont les numéros sont ceux de titres repris"
grep -q "^rejete,2,.*ou repris du précédent opérateur" "$W/rc9" && ok ||
    ko "une commande ne doit pas émettre un numéro repris"

# --- refunds: a title refunded twice, stolen, cancelled, lost, out of date ---
step "refunds: a title refunded twice, stolen, cancelled, lost, out of date"
# remb CREATION ORDRE REMBOURSEMENT ENCAISSEMENT AFFILIE TITRE...
remb() {
	_c=$1 _o=$2 _r=$3 _e=$4 _a=$5; shift 5
	sed -n 1p "$TD/remboursements.csv"
	for _t; do
		printf 'OP75,%s,%s,%s,%s,APA,0110002,100002,23.50,%s,%s,AFFILIE %s,E,01\n' \
		    "$_c" "$_o" "$_r" "$_t" "$_e" "$_a" "$_a"
	done
}
remb 2026-11-16 1 2026-11-15 2026-11-14 200000001 261110000200001 261110000200002 \
    260910000100001 >"$W/j1.csv"
registre load remboursements --date 2026-11-16 <"$W/j1.csv" 2>"$W/err"
expect_rc 0 $? "premiers remboursements (titres commandés et repris)"
j1=$(sql postgres -c "SELECT max(id) FROM cesutg.ingestion")
{
	remb 2026-11-20 2 2026-11-19 2026-11-18 200000002 261110000200001 \
	    260910000100003 261010000500001 261010000500002 261010000500003 \
	    260910000100002 260910000100002 269999000000001 261010000500005
	remb 2026-11-20 2 2026-11-15 2026-11-14 200000001 261110000200002 | sed 1d
} >"$W/j2.csv"
registre load remboursements --date 2026-11-20 --report "$W/rj2" <"$W/j2.csv" 2>"$W/err"
expect_rc 65 $? "second fichier : remboursements rejetés"
cat >"$W/rj2.exp" <<EOF
statut,ligne,cle,champs,motif
rejete,2,261110000200001,,titre déjà remboursé le 2026-11-15 (ingestion $j1)
rejete,3,260910000100003,,titre volé (déclaré le 2026-10-02)
rejete,4,261010000500001,,titre annulé (déclaré le 2026-10-15)
rejete,5,261010000500002,,titre perdu
rejete,6,261010000500003,,"titre périmé : encaissé le 2026-11-18, remboursable jusqu'au 2026-10-31 (valable jusqu'au 2026-09-30)"
nouveau,7,260910000100002,,
rejete,8,260910000100002,,clé en double : déjà présente ligne 7
rejete,9,269999000000001,,titre jamais émis : numéro de titre inconnu du registre des titres
nouveau,10,261010000500005,,
inchange,11,261110000200002,,
EOF
same "$W/rj2.exp" "$W/rj2" "bilan du second fichier de remboursements"
grep -q ":2: titre déjà remboursé le 2026-11-15 (ingestion $j1)" "$W/err" && ok ||
    ko "remboursement double sur stderr"
sql postgres -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE valide_au IS NULL)
    FROM cesutg.remboursement WHERE numero_titre = '261110000200001'" | grep -qx '1 1' &&
    ok || ko "le premier remboursement doit rester le seul"
sql postgres -c "SELECT string_agg(concat_ws(':', r.ligne, r.numero_titre, r.cause,
    r.code_affilie, r.date_encaissement, p.code_affilie), ' ' ORDER BY r.ligne)
    FROM cesutg.remboursement_rejete r LEFT JOIN cesutg.remboursement p
    ON p.id = r.remboursement_anterieur
    WHERE r.ingestion = (SELECT max(id) FROM cesutg.ingestion)" >"$W/rr" 2>&1
echo '2:261110000200001:deja_rembourse:200000002:2026-11-18:200000001 3:260910000100003:vole:200000002:2026-11-18 4:261010000500001:annule:200000002:2026-11-18 5:261010000500002:perdu:200000002:2026-11-18 6:261010000500003:perime:200000002:2026-11-18 8:260910000100002:double_fichier:200000002 9:269999000000001:jamais_emis:200000002:2026-11-18' >"$W/rr.exp"
same "$W/rr.exp" "$W/rr" "remboursements rejetés gardés pour le contrôle de la fraude (J2)"
registre role add-agent agent_cesu --aides CESU && registre role add-agent agent_tg --aides TG ||
    ko "agents"
sql agent_cesu -c "SELECT count(*) FROM cesutg.remboursement_rejete" 2>&1 | grep -qx 7 && ok ||
    ko "un agent CESU doit lire les remboursements rejetés"
sql agent_tg -c "SELECT count(*) FROM cesutg.remboursement_rejete" 2>&1 | grep -qx 0 && ok ||
    ko "un agent sans CESU lit les remboursements rejetés"
registre audit verify >/dev/null; expect_rc 0 $? "audit verify final"

echo "registre-sad: $pass réussis, $fail échoués"
[ "$fail" -eq 0 ]
