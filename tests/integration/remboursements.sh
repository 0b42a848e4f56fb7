#!/bin/sh
# registre load remboursements: one file with every reason a title can be
# rejected for (refunded twice, stolen, cancelled, lost, blocked, withdrawn,
# out of date, never issued, twice in the file), beside a resent refund and
# new ones, each with its reason; and what a load runs: a file without
# rejects does not insert into remboursement_rejete (no statement, no
# trigger), and no statement reads titre or remboursement in full.
# Same throwaway cluster as registre.sh.
#   sh tests/integration/remboursements.sh BUILD_DIR
B=${1:-build}
TD=$(cd "$(dirname "$0")/../../testdata/registre" && pwd)
. "$(dirname "$0")/../pgtest.sh"

registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }

# The statements of one load, with their plans (auto_explain), in $W/$1.log;
# enable_seqscan = off: a table read in full shows as a Seq Scan only when
# no index could serve (the ledger of many months, where that costs what
# the ledger holds, not what the file holds).
journal() {	# name registre-arguments...
	_n=$1; shift
	for _r in "session_preload_libraries = 'auto_explain'" \
	    "auto_explain.log_min_duration = 0" \
	    "auto_explain.log_nested_statements = on" "enable_seqscan = off"; do
		sql postgres -c "ALTER DATABASE cesutg SET $_r"
	done
	_o=$(wc -c <"$CESUTG_HOME/postgresql.log")
	registre "$@"
	_rc=$?
	sql postgres -c "ALTER DATABASE cesutg RESET ALL"
	tail -c +$((_o + 1)) "$CESUTG_HOME/postgresql.log" >"$W/$_n.log"
	return $_rc
}
# lignes CREATION ORDRE REMBOURSEMENT ENCAISSEMENT AFFILIE: a CRCESU CSV of
# the titles read on stdin, refunded with these values unless a line gives
# its own after the title.
lignes() {
	awk -v c="$1" -v o="$2" -v r="$3" -v e="$4" -v a="$5" \
	    -v h="$(sed -n 1p "$TD/remboursements.csv")" 'BEGIN { print h }
	    NF == 1 { $2 = r; $3 = e; $4 = a }
	    { printf "OP75,%s,%s,%s,%s,APA,0110002,100002,23.50,%s,%s,AFFILIE %s,E,01\n",
	    c, o, $2, $1, $3, $4, $4 }'
}

step "titles: ordered, taken over, stolen, cancelled, blocked, withdrawn"
registre load commandes --date 2026-10-21 <"$TD/commandes1.csv" 2>/dev/null
expect_rc 65 $? "commandes"
registre load titres-repris --date 2026-11-01 <"$TD/titres-repris.csv" 2>/dev/null
expect_rc 65 $? "titres repris (trois rejetés)"
cat >"$W/evt.csv" <<'EOF'
numero_titre,nature,date_evenement,motif,titre_remplacant
261110000200003,vole,2026-11-10,,
261110000200004,reemission,2026-11-11,,
EOF
registre cesu evenements --source evt.csv <"$W/evt.csv" 2>/dev/null
expect_rc 0 $? "titre volé, titre réémis (bloqué)"
# H00001's line again with 2 titles instead of 3: its third is withdrawn.
awk -F, -v OFS=, '$32 == "H00001" { $33 = 2 } { print }' "$TD/commandes1.csv" \
    >"$W/c2.csv"
registre load commandes --date 2026-10-23 <"$W/c2.csv" 2>/dev/null
expect_rc 65 $? "commande réduite"
sql postgres -c "SELECT string_agg(numero_titre || ':' || coalesce(statut, '-') ||
    ':' || (annule_par IS NOT NULL), ' ' ORDER BY numero_titre) FROM cesutg.titre
    WHERE numero_titre IN ('261110000100003', '261110000200003',
    '261110000200004')" >"$W/t" 2>&1
echo '261110000100003:-:true 261110000200003:vole:false 261110000200004:bloque:false' >"$W/t.exp"
same "$W/t.exp" "$W/t" "titres retiré, volé, bloqué"

step "a file without rejects: nothing inserted into remboursement_rejete"
printf '%s\n' 261110000200001 261110000200002 260910000100001 |
    lignes 2026-11-16 1 2026-11-15 2026-11-14 200000001 >"$W/j1.csv"
journal j1 load remboursements --date 2026-11-16 --source j1.csv <"$W/j1.csv" 2>"$W/err"
expect_rc 0 $? "premiers remboursements (titres commandés et repris)"
grep -q "INSERT INTO remboursement (" "$W/j1.log" && ok || ko "plans du chargement j1 non journalisés"
grep -q "Insert on remboursement_rejete" "$W/j1.log" &&
    ko "un fichier sans rejet insère dans remboursement_rejete" || ok
j1=$(sql postgres -c "SELECT max(id) FROM cesutg.ingestion")

step "a file with every reason: the bilan, stderr, the rejects kept for J2"
# Line 3 sends j1's refund again (same compared values): unchanged.
printf '%s\n' 261110000200005 "261110000200002 2026-11-15 2026-11-14 200000001" \
    261110000200004 261110000200003 261110000100003 269999000000001 \
    260910000100002 260910000100002 261010000500003 261010000500002 \
    261010000500001 260910000100003 261110000200001 |
    lignes 2026-11-20 2 2026-11-19 2026-11-18 200000002 >"$W/j2.csv"
journal j2 load remboursements --date 2026-11-20 --source j2.csv --report "$W/rj2" \
    <"$W/j2.csv" 2>"$W/err"
expect_rc 65 $? "second fichier : remboursements rejetés"
cat >"$W/rj2.exp" <<EOF
statut,ligne,cle,champs,motif
nouveau,2,261110000200005,,
inchange,3,261110000200002,,
rejete,4,261110000200004,,titre bloqué : remplacé par une réémission urgente (déclaré le 2026-11-11)
rejete,5,261110000200003,,titre volé (déclaré le 2026-11-10)
rejete,6,261110000100003,,titre retiré : la version en cours de sa ligne de commande ne le couvre plus (titre.annule_par)
rejete,7,269999000000001,,titre jamais émis : numéro de titre inconnu du registre des titres
nouveau,8,260910000100002,,
rejete,9,260910000100002,,clé en double : déjà présente ligne 8
rejete,10,261010000500003,,"titre périmé : encaissé le 2026-11-18, remboursable jusqu'au 2026-10-31 (valable jusqu'au 2026-09-30)"
rejete,11,261010000500002,,titre perdu
rejete,12,261010000500001,,titre annulé (déclaré le 2026-10-15)
rejete,13,260910000100003,,titre volé (déclaré le 2026-10-02)
rejete,14,261110000200001,,titre déjà remboursé le 2026-11-15 (ingestion $j1)
EOF
same "$W/rj2.exp" "$W/rj2" "bilan du second fichier"
grep -c '^registre: j2.csv:[0-9]*: ' "$W/err" | grep -qx 10 && ok ||
    { ko "dix rejets sur stderr"; cat "$W/err"; }
grep -q "^registre: j2.csv:14: titre déjà remboursé le 2026-11-15 (ingestion $j1)$" "$W/err" &&
    ok || ko "remboursement double sur stderr"
grep -q "13 lignes lues, 2 nouvelles, 0 modifiées, 1 inchangées, 0 terminées, 10 rejetées" \
    "$W/err" && ok || { ko "résumé du chargement"; cat "$W/err"; }
sql postgres -c "SELECT string_agg(concat_ws(':', r.ligne, r.numero_titre, r.cause,
    r.code_affilie, r.date_encaissement, p.ingestion_debut), ' ' ORDER BY r.ligne)
    FROM cesutg.remboursement_rejete r LEFT JOIN cesutg.remboursement p
    ON p.id = r.remboursement_anterieur" >"$W/rr" 2>&1
echo "4:261110000200004:bloque:200000002:2026-11-18 5:261110000200003:vole:200000002:2026-11-18 6:261110000100003:retire:200000002:2026-11-18 7:269999000000001:jamais_emis:200000002:2026-11-18 9:260910000100002:double_fichier:$((j1 + 1)) 10:261010000500003:perime:200000002:2026-11-18 11:261010000500002:perdu:200000002:2026-11-18 12:261010000500001:annule:200000002:2026-11-18 13:260910000100003:vole:200000002:2026-11-18 14:261110000200001:deja_rembourse:200000002:2026-11-18:$j1" >"$W/rr.exp"
same "$W/rr.exp" "$W/rr" "remboursements rejetés gardés pour J2"
sql postgres -c "SELECT string_agg(ligne || ':' || (valeurs->>'cause') || ':' ||
    coalesce(valeurs->>'anterieur', '-') || ':' || (valeurs->>'motif_titre' = motif),
    ' ' ORDER BY ligne) FROM cesutg.rejet WHERE valeurs IS NOT NULL" >"$W/rv" 2>&1
p=$(sql postgres -c "SELECT id FROM cesutg.remboursement WHERE numero_titre = '261110000200001'")
echo "4:bloque:-:true 5:vole:-:true 6:retire:-:true 7:jamais_emis:-:true 10:perime:-:true 11:perdu:-:true 12:annule:-:true 13:vole:-:true 14:deja_rembourse:$p:true" >"$W/rv.exp"
same "$W/rv.exp" "$W/rv" "rejets gardés avec leur cause (reprendre)"
grep -q "Insert on remboursement_rejete" "$W/j2.log" && ok ||
    ko "les rejets du second fichier non insérés dans remboursement_rejete"
grep -E -o "Seq Scan on (titre|remboursement) " "$W/j1.log" "$W/j2.log" | sort | uniq -c >"$W/seq"
[ -s "$W/seq" ] && { ko "un chargement de remboursements lit titre ou remboursement en entier"; cat "$W/seq"; } || ok
registre audit verify >/dev/null; expect_rc 0 $? "audit verify"

step "the same file again, and a replay: nothing new"
registre load remboursements --date 2026-11-20 --source j2.csv <"$W/j2.csv" 2>"$W/err"
expect_rc 0 $? "même fichier : déjà chargé"
grep -q "déjà chargé, rien à faire" "$W/err" && ok || { ko "fichier rechargé"; cat "$W/err"; }
j2=$(sql postgres -c "SELECT max(id) FROM cesutg.ingestion")
registre reprendre "$j2" >/dev/null 2>"$W/err"
expect_rc 0 $? "reprendre : aucun rejet levé depuis"
sql postgres -c "SELECT count(*) FROM cesutg.remboursement_rejete" | grep -qx 10 && ok ||
    ko "reprendre ajoute des rejets"
registre audit verify >/dev/null; expect_rc 0 $? "audit verify final"

echo "remboursements: $pass réussis, $fail échoués"
[ "$fail" -eq 0 ]
