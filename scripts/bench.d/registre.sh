# registre load of one Paris month of visits (~300,000 horodatages) and one
# weekly plan snapshot, against psql \copy of the same CSV into a bare table
# of the same cluster, in the same run. Each registre run loads into a fresh
# database cloned from a template (a content is loaded only once).
NVISITS=${REGISTRE_VISITS:-300000}
NPLANS=${REGISTRE_PLANS:-20000}
chmod 755 "$WORK"	# the cluster runs as postgres when we are root
CESUTG_HOME=$WORK/var
export CESUTG_HOME
registre db init >/dev/null 2>&1 || { echo "  registre db init a échoué"; return 1; }
H="host=$CESUTG_HOME user=postgres"
awk -v n="$NVISITS" 'BEGIN {
	OFS = ","
	print "code_sad,instant_creation,numero_sequence,identifiant_client," \
	    "identifiant_beneficiaire_salsa,civilite,nom,nom_naissance,prenoms," \
	    "date_naissance,adresse_1,adresse_2,code_postal,ville,telephone_fixe," \
	    "telephone_portable,beneficiaire_departement" >"'"$WORK"'/clients.csv"
	print "code_sad,instant_creation,numero_sequence,identifiant_intervenant," \
	    "nom,prenom,statut,date_debut,date_fin,telephone_professionnel" \
	    >"'"$WORK"'/intervenants.csv"
	print "code_sad,instant_creation,numero_sequence,identifiant_intervention," \
	    "identifiant_client,identifiant_intervenant,code_prestation,mode_saisie," \
	    "numero_appelant,arrivee_brute,depart_brut,arrivee_retenue,depart_retenu," \
	    "minutes_ajoutees,code_correction,motif_correction,auteur_correction," \
	    "instant_correction,duree_retenue_secondes"
	for (s = 1; s <= 36; s++) {
		for (c = 1; c <= 300; c++)
			print sprintf("SAD%03d", s), "2026-11-02T03:00:00+01:00", 1,
			    sprintf("C%05d", c), "", "MME", "Nom" c, "", "Prénom", "1940-01-01",
			    c " rue de la Paix", "", "75001", "PARIS", "", "", 1 \
			    >"'"$WORK"'/clients.csv"
		for (i = 1; i <= 60; i++)
			print sprintf("SAD%03d", s), "2026-11-02T03:00:00+01:00", 1,
			    sprintf("I%04d", i), "Nom" i, "Prénom", "SAL", "2020-01-01", "", "" \
			    >"'"$WORK"'/intervenants.csv"
	}
	for (v = 0; v < n; v++) {
		s = v % 36 + 1; d = int(v / 10000) % 28 + 1; h = 8 + v % 10
		a = sprintf("2026-10-%02dT%02d:00:00+02:00", d, h)
		b = sprintf("2026-10-%02dT%02d:30:00+02:00", d, h + 1)
		corr = (v % 10 == 0)
		print sprintf("SAD%03d", s), "2026-11-02T03:00:00+01:00", 1,
		    sprintf("V%08d", v), sprintf("C%05d", v % 300 + 1),
		    sprintf("I%04d", v % 60 + 1), "AD1", "TEL", "0143000001", a, b, a,
		    corr ? sprintf("2026-10-%02dT%02d:45:00+02:00", d, h + 1) : b,
		    "", corr ? "HOR" : "", corr ? "oubli de badge" : "",
		    corr ? "gestionnaire" : "", corr ? "2026-10-30T10:00:00+01:00" : "",
		    corr ? 6300 : 5400
	}
}' >"$WORK/horodatages.csv"
gen-flux1 "$NPLANS" | flux1 parse >"$WORK/plans.csv"
for s in $(awk -F, 'NR > 1 { print $1 }' "$WORK/intervenants.csv" | sort -u); do
	registre role add-sad "$s" >/dev/null
done
registre load clients <"$WORK/clients.csv" 2>/dev/null &&
    registre load intervenants <"$WORK/intervenants.csv" 2>/dev/null ||
    { echo "  chargement des clients et intervenants : échec"; return 1; }
registre db stop >/dev/null
registre db start >/dev/null
echo "  entrées : $(($(wc -l <"$WORK/horodatages.csv") - 1)) horodatages" \
    "($(stat -c %s "$WORK/horodatages.csv") octets)," \
    "$(($(wc -l <"$WORK/plans.csv") - 1)) lignes de plan"

# Bare tables with the CSV's columns and types, no key, index or trigger.
psql -X -q "$H dbname=cesutg" -c "CREATE TABLE public.nu_horodatage (
    code_sad text, instant_creation timestamptz, numero_sequence bigint,
    identifiant_intervention text, identifiant_client text,
    identifiant_intervenant text, code_prestation text, mode_saisie text,
    numero_appelant text, arrivee_brute timestamptz, depart_brut timestamptz,
    arrivee_retenue timestamptz, depart_retenu timestamptz,
    minutes_ajoutees bigint, code_correction text, motif_correction text,
    auteur_correction text, instant_correction timestamptz,
    duree_retenue_secondes bigint)" \
    -c "CREATE TABLE public.nu_plan AS SELECT * FROM cesutg.plan WHERE false" \
    -c "ALTER TABLE public.nu_plan DROP COLUMN id, DROP COLUMN dispositif,
    DROP COLUMN ligne, DROP COLUMN ingestion_debut, DROP COLUMN ingestion_fin,
    DROP COLUMN valide_du, DROP COLUMN valide_au, DROP COLUMN motif_fin" \
    -c "CHECKPOINT"

# registre: median of RUNS loads, each into a fresh clone of the database.
# The work is in the server: the ratio is on wall time only. The CPU shown
# is the client's (user + system of registre, from /usr/bin/time), not
# comparable with psql's, so no CPU ratio is printed.
reg_bench() {	# label kind input
	: >"$WORK/w.$1"
	: >"$WORK/c.$1"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		psql -X -q "$H dbname=postgres" -c "SET client_min_messages = warning" \
		    -c "DROP DATABASE IF EXISTS banc" \
		    -c "CREATE DATABASE banc TEMPLATE cesutg" -c "CHECKPOINT"
		s=$(date +%s%N)
		/usr/bin/time -f '%U %S' -o "$WORK/rss" \
		    registre --db "host=$CESUTG_HOME dbname=banc user=cesutg_loader" \
		    load "$2" <"$3" >/dev/null 2>"$WORK/err" ||
		    { echo "  $1 : échec"; cat "$WORK/err"; return 1; }
		e=$(date +%s%N)
		echo $(( (e - s) / 1000000 )) >>"$WORK/w.$1"
		tail -n 1 "$WORK/rss" |
		    awk '{ printf "%d\n", ($1 + $2) * 1000 }' >>"$WORK/c.$1"
		i=$((i + 1))
	done
	median <"$WORK/w.$1" >"$WORK/t.$1"
	median <"$WORK/c.$1" >"$WORK/u.$1"
	awk -v l="$1" -v ms="$(cat "$WORK/t.$1")" -v cpu="$(cat "$WORK/u.$1")" \
	    -v sz="$(stat -c %s "$3")" 'BEGIN {
		printf "  %-28s %8.3f s  %8.1f Mo/s  cpu client %5.2f s\n", l,
		    ms / 1000, (ms > 0 ? sz / 1e6 / (ms / 1000) : 0), cpu / 1000 }'
}
# reg_ratio A B: B's median wall time over A's (what the issue asks).
reg_ratio() {
	awk -v a="$(cat "$WORK/t.$1")" -v b="$(cat "$WORK/t.$2")" \
	    -v la="$1" -v lb="$2" 'BEGIN {
		printf "  %s prend %.2f fois le temps de %s (temps réel, " \
		    "objectif <= 2)\n", lb, (a > 0 ? b / a : 0), la }'
}
# psql \copy of stdin into a bare table, emptied first.
printf '%s\n' "psql -X -q \"$H dbname=cesutg\" -c \"TRUNCATE public.\$1\" \\" \
    "    -c \"\\\\copy public.\$1 FROM pstdin WITH (FORMAT csv, HEADER)\"" >"$WORK/copy.sh"
bench_cmd psql-copy-horodatages "$WORK/horodatages.csv" sh "$WORK/copy.sh" nu_horodatage
reg_bench registre-horodatages horodatages "$WORK/horodatages.csv"
reg_ratio psql-copy-horodatages registre-horodatages
bench_cmd psql-copy-plans "$WORK/plans.csv" sh "$WORK/copy.sh" nu_plan
reg_bench registre-plans plans "$WORK/plans.csv"
reg_ratio psql-copy-plans registre-plans
registre db stop >/dev/null

