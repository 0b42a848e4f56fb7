#!/bin/sh
# The confusion table of the visit checks (issue 13): for each anomaly
# fluxgen injected (its VERITE_VISITES_*.csv, written by --verite) and for
# the clean visits, the reason codes registre controler gave, with counts.
#   sh tests/tools/confusion-controle.sh CONNINFO MOIS VERITE_VISITES.csv
# CONNINFO reads the ledger as a TG agent or the superuser; the month must
# have been checked (registre controler MOIS). Output: CSV on stdout,
# anomalie,visites,non_payables,code,bloquant,avec_code (one row per
# anomaly and code found; code empty: visits of that anomaly without any).
set -e
[ $# = 3 ] || { echo "usage : $0 CONNINFO MOIS VERITE_VISITES.csv" >&2; exit 64; }
psql -X -q -v ON_ERROR_STOP=1 -v mois="$2" "$1" <<EOF
CREATE TEMP TABLE verite (code_sad text, identifiant_intervention text,
    identifiant_client text, anomalies text);
\copy verite FROM '$3' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE r AS
SELECT h.code_sad, h.identifiant_intervention, c.payable,
    coalesce(v.anomalies, '') AS anomalies,
    array_remove(array_agg(m.code ORDER BY m.code), NULL) AS codes
FROM cesutg.controle_visite c
JOIN cesutg.horodatage h ON h.id = c.horodatage
LEFT JOIN cesutg.controle_motif m ON m.horodatage = c.horodatage
LEFT JOIN verite v ON v.code_sad = h.code_sad
    AND v.identifiant_intervention = h.identifiant_intervention
WHERE c.mois = :'mois'
GROUP BY 1, 2, 3, 4;
CREATE TEMP TABLE a AS
SELECT r.*, x.anomalie FROM r CROSS JOIN LATERAL unnest(CASE WHEN
    r.anomalies = '' THEN ARRAY['(aucune)'] ELSE string_to_array(r.anomalies,
    ';') END) x (anomalie);
COPY (
	WITH n AS (SELECT anomalie, count(*) AS visites,
		count(*) FILTER (WHERE NOT payable) AS non_payables
	    FROM a GROUP BY anomalie)
	SELECT n.anomalie, n.visites, n.non_payables, k.code,
	    CASE k.bloquant WHEN true THEN 1 WHEN false THEN 0 END AS bloquant,
	    k.n AS avec_code
	FROM n CROSS JOIN LATERAL (
		SELECT y.code, mc.bloquant, count(*) AS n
		FROM a CROSS JOIN LATERAL unnest(a.codes) y (code)
		JOIN cesutg.motif_controle mc ON mc.code = y.code
		WHERE a.anomalie = n.anomalie GROUP BY y.code, mc.bloquant
		UNION ALL
		SELECT '', NULL, count(*) FROM a
		WHERE a.anomalie = n.anomalie AND cardinality(a.codes) = 0) k
	ORDER BY n.anomalie = '(aucune)', n.anomalie, k.n DESC, k.code
) TO STDOUT WITH (FORMAT csv, HEADER);
EOF
