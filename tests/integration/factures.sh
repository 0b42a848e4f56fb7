#!/bin/sh
# registre factures: the invoice loop of a fluxgen month (issue 14), under
# both readings of SALSA's KO (salsa_ko): validated pre-invoice -> invoices
# -> Flux 2 files that flux2 parse accepts -> a SALSA log played from those
# files (OK and KO) -> rejected lines back to the pre-invoice -> corrected
# and validated again -> complementary invoices and their Flux 2; at the
# end, per beneficiary and month, what the invoices not rejected bill equals
# the validated pre-invoice to the cent. Then numbering, immutability, row
# security and the extract of a hand-computed month against its golden file
# (the SAD's address as at emission), then export -> import -> export.
#   sh tests/integration/factures.sh BUILD_DIR
B=${1:-build}
TD=$(cd "$(dirname "$0")/../../testdata" && pwd)
SALSA_AWK=$(cd "$(dirname "$0")/../tools" && pwd)/salsa.awk
. "$(dirname "$0")/../pgtest.sh"
SC=${FACTURES_SCALE:-0.05}
M=2016-05
pg() { sql postgres "$@"; }

# SALSA, played from the Flux 2 files (tests/tools/salsa.awk).
salsa() {	# dir integration-date
	for f in "$1"/FLUX2_*.txt; do
		iconv -f WINDOWS-1252 -t UTF-8 "$f"
		echo "#fin"
	done | awk -F'|' -v d="$2" -f "$SALSA_AWK"
}

# Validation of the whole month: the SAD's step for every beneficiary, then
# the Département's for every SAD (the cluster's superuser does both).
valider() {
	bens=$(pg -c "SELECT DISTINCT identifiant_beneficiaire_salsa FROM
	    cesutg.prefacture WHERE mois = '$M' AND statut = 'calculee'")
	[ -z "$bens" ] || registre prefacture valider $M $bens 2>/dev/null ||
	    ko "validation du SAD"
	for s in $(pg -c "SELECT DISTINCT code_sad FROM cesutg.prefacture
	    WHERE mois = '$M' AND statut = 'validee_sad'"); do
		registre prefacture valider $M --sad "$s" 2>/dev/null ||
		    ko "validation du Département ($s)"
	done
}

# Flux 2 files of an emitted CSV: one per invoice, each accepted by parse,
# together giving back the CSV's rows.
flux2_ok() {	# csv dir what
	flux2 emit --dir "$2" <"$1" >"$W/chemins" 2>"$W/err"
	expect_rc 0 $? "$3 : flux2 emit --dir"
	[ "$(wc -l <"$W/chemins")" -eq "$(sed 1d "$1" | cut -d, -f4 | sort -u |
	    wc -l)" ] && ok || ko "$3 : un fichier Flux 2 par facture"
	: >"$W/relu"
	while read -r f; do
		flux2 parse "$f" | sed 1d >>"$W/relu" || ko "$3 : flux2 parse $f"
	done <"$W/chemins"
	sed 1d "$1" | sort >"$W/a" && sort "$W/relu" >"$W/b"
	same "$W/a" "$W/b" "$3 : flux2 parse des fichiers"
	ls "$2" | grep -qv '^FLUX2_[0-9]\{6\}_[A-Z0-9]*_[0-9]\{8\}_[0-9]\{8\}_F[0-9]\{6\}-[0-9][0-9]-[0-9]\{4\}\.txt$' &&
	    ko "$3 : nom de fichier inattendu" || ok
}

# Per beneficiary and month: hours and amounts of the invoice lines not
# rejected against the Département-validated pre-invoice.
ecarts() {
	pg -c "SELECT count(*) FROM (SELECT identifiant_beneficiaire_salsa AS b,
	    mois AS m, sum(facturable_ch) AS h, sum(montant_cents) AS c
	    FROM cesutg.prefacture WHERE statut = 'validee_departement'
	    GROUP BY 1, 2) p FULL JOIN (SELECT identifiant_beneficiaire_salsa
	    AS b, mois_prestation AS m, sum(quantite_ch) AS h,
	    sum(montant_cents) AS c FROM cesutg.facture_ligne
	    WHERE etat <> 'rejetee' GROUP BY 1, 2) f USING (b, m)
	    WHERE (p.h, p.c) IS DISTINCT FROM (f.h, f.c)
	    AND coalesce(p.h, 0) + coalesce(p.c, 0) + coalesce(f.h, 0)
		+ coalesce(f.c, 0) > 0"
}

boucle() {	# salsa_ko reading
	L=$1
	step "$L : cluster, fluxgen month $M (scale $SC), checks, pre-invoice"
	registre db stop >/dev/null 2>&1
	rm -rf "$CESUTG_HOME" "$W"/flux2-*
	registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; return; }
	registre param set salsa_ko "$L" || ko "param salsa_ko"
	G="fluxgen --scale $SC --month $M"
	$G horodatages >"$W/horodatages.csv"
	for tg in $(sed 1d "$W/horodatages.csv" | cut -d, -f1 | sort -u); do
		registre sad add "${tg#SAD}" --tg "$tg" --nom "Service $tg" \
		    --courriel "factures@${tg}.example" >/dev/null ||
		    ko "sad add $tg"
	done
	$G plans | registre load plans --date 2016-05-01 2>"$W/err"
	expect_rc 0 $? "$L : load plans"
	for k in clients intervenants evenements; do
		$G $k | registre load $k --date 2016-06-01 2>"$W/err"
		expect_rc 0 $? "$L : load $k"
	done
	registre load horodatages --date 2016-06-01 <"$W/horodatages.csv" 2>"$W/err"
	expect_rc 0 $? "$L : load horodatages"
	registre controler $M >/dev/null 2>&1 && registre prefacture calculer $M \
	    >/dev/null 2>&1 || ko "$L : controler, prefacture"
	valider

	step "$L : invoices, Flux 2 files"
	registre factures emettre --date 2016-06-03 -o "$W/f1.csv" $M 2>"$W/err"
	expect_rc 0 $? "$L : factures emettre"
	[ "$(stat -c %a "$W/f1.csv")" = 600 ] && ok || ko "$L : -o en mode 0600"
	n1=$(pg -c "SELECT count(*) FROM cesutg.facture")
	[ "$n1" -ge 6 ] && grep -q "$n1 facture(s) émise(s) dont 0 complémentaire" \
	    "$W/err" && ok || { ko "$L : $n1 factures"; cat "$W/err"; }
	flux2_ok "$W/f1.csv" "$W/flux2-1" "$L : originales"
	registre factures emettre --date 2016-06-03 $M >"$W/f1b.csv" 2>"$W/err"
	expect_rc 0 $? "$L : emettre relancé"
	[ "$(wc -l <"$W/f1b.csv")" = 1 ] && grep -q "aucune facture à émettre" \
	    "$W/err" && ok || ko "$L : emettre relancé n'émet rien"
	[ "$(ecarts)" = 0 ] && ok || ko "$L : factures émises ≠ pré-facture validée"

	step "$L : SALSA's log (OK and KO), one line for an unknown invoice"
	salsa "$W/flux2-1" 2016-06-06 >"$W/log.csv"
	echo "1,2016-06-06,2016-06-03,F999999-16-0001,Inconnu,2016-05-01,2016-05-31,APA75,OK,,,,,,," \
	    >>"$W/log.csv"
	sadlog emit <"$W/log.csv" >"$W/LOG_FACTURES_20160606.csv" || ko "$L : sadlog emit"
	sadlog parse <"$W/LOG_FACTURES_20160606.csv" |
	    registre load log-factures --date 2016-06-06 2>"$W/err"
	expect_rc 65 $? "$L : load log-factures (une facture inconnue)"
	grep -q "facture inconnue : aucune facture émise ne porte le numéro « F999999-16-0001 »" \
	    "$W/err" && ok || { ko "$L : motif de la facture inconnue"; cat "$W/err"; }
	[ "$(pg -c "SELECT count(*) FROM cesutg.rejet WHERE motif LIKE 'facture inconnue%'")" = 1 ] &&
	    ok || ko "$L : facture inconnue dans rejet"
	nko=$(grep -c '^1,.*,KO,' "$W/log.csv")
	nok=$(grep -c '^1,.*,OK,' "$W/log.csv")
	# Under beneficiaires, a KO invoice all of whose beneficiaries are listed
	# is rejected whole; the others are integrated in part.
	[ "$(pg -c "SELECT count(*) FILTER (WHERE etat = 'integree') || ' ' ||
	    count(*) FILTER (WHERE etat IN ('partielle', 'rejetee')) FROM
	    cesutg.facture")" = "$((nok - 1)) $nko" ] && ok ||
	    ko "$L : $((nok - 1)) factures intégrées et $nko KO attendues"
	[ "$(pg -c "SELECT count(*) FROM cesutg.facture f WHERE
	    (etat = 'partielle') <> ('$L' = 'beneficiaires' AND EXISTS (SELECT 1
		FROM cesutg.facture_ligne l WHERE l.facture = f.numero AND
		l.identifiant_beneficiaire_salsa NOT IN (SELECT
		    identifiant_beneficiaire_salsa FROM cesutg.log_facture g
		    WHERE g.numero_facture = f.numero AND g.type_enregistrement = '2'))
		AND f.etat <> 'integree')")" = 0 ] && ok ||
	    { ko "$L : partielle seulement s'il reste des bénéficiaires intégrés"
	    pg -c "SELECT etat, count(*) FROM cesutg.facture GROUP BY 1"; }
	nrej=$(pg -c "SELECT count(*) FROM cesutg.facture_ligne WHERE etat = 'rejetee'")
	nb2=$(grep -c '^2,' "$W/log.csv")
	if [ "$L" = beneficiaires ]; then
		[ "$nrej" -ge "$nb2" ] && [ "$(pg -c "SELECT count(DISTINCT
		    (facture, identifiant_beneficiaire_salsa)) FROM
		    cesutg.facture_ligne WHERE etat = 'rejetee'")" = "$nb2" ] &&
		    ok || ko "$L : seuls les bénéficiaires listés sont rejetés"
	else
		[ "$(pg -c "SELECT count(*) FROM cesutg.facture_ligne l JOIN
		    cesutg.facture f ON f.numero = l.facture WHERE f.etat =
		    'rejetee' AND l.etat <> 'rejetee'")" = 0 ] && [ "$nrej" -gt "$nb2" ] &&
		    ok || ko "$L : toute la facture KO est rejetée"
	fi
	[ "$(pg -c "SELECT count(*) FROM cesutg.prefacture WHERE statut =
	    'calculee' AND rejet_salsa IS NOT NULL")" -ge "$nrej" ] && ok ||
	    ko "$L : lignes rejetées revenues à la pré-facture"
	[ "$(ecarts)" = 0 ] && [ "$(pg -c "SELECT sum(montant_cents) > 0 FROM
	    cesutg.facture_ligne WHERE etat = 'rejetee'")" = t ] && ok ||
	    ko "$L : les lignes rejetées ne sont plus ni facturées ni validées"

	step "$L : correction, validation again, complementary invoices"
	registre prefacture calculer $M >/dev/null 2>&1 || ko "$L : prefacture recalculée"
	[ "$(pg -c "SELECT count(*) FROM cesutg.prefacture WHERE statut =
	    'calculee' AND rejet_salsa IS NULL")" = 0 ] && ok ||
	    ko "$L : le motif SALSA survit au recalcul"
	valider
	registre factures emettre --date 2016-06-10 -o "$W/f2.csv" $M 2>"$W/err"
	expect_rc 0 $? "$L : factures complémentaires"
	ncomp=$(pg -c "SELECT count(*) FROM cesutg.facture WHERE nature = 'complementaire'")
	[ "$ncomp" = "$nko" ] && [ "$(pg -c "SELECT count(*) FROM cesutg.facture c
	    JOIN cesutg.facture o ON o.numero = c.facture_origine WHERE o.mois = c.mois
	    AND o.code_sad = c.code_sad AND o.code_financeur = c.code_financeur
	    AND o.etat <> 'integree'")" = "$nko" ] && ok ||
	    ko "$L : une complémentaire par facture KO ($ncomp pour $nko)"
	flux2_ok "$W/f2.csv" "$W/flux2-2" "$L : complémentaires"
	[ "$(ecarts)" = 0 ] && ok || ko "$L : facturé (originales + complémentaires) ≠ pré-facture validée"
	[ "$(pg -c "SELECT count(*) FROM cesutg.prefacture WHERE statut <> 'validee_departement'")" = 0 ] &&
	    ok || ko "$L : lignes laissées hors facture"

	step "$L : numbering, immutability"
	[ "$(pg -c "SELECT count(*) FROM (SELECT code_sad, count(*) n,
	    max(right(numero, 4)::int) mx, min(right(numero, 4)::int) mn
	    FROM cesutg.facture GROUP BY 1) x WHERE n <> mx OR mn <> 1")" = 0 ] &&
	    ok || ko "$L : numéros sans trou, de 1 à n par SAD"
	[ "$(pg -c "SELECT count(*) FROM cesutg.compteur_facture c WHERE dernier <>
	    (SELECT count(*) FROM cesutg.facture f WHERE f.code_sad = c.code_sad)")" = 0 ] &&
	    ok || ko "$L : compteur = nombre de factures"
	f=$(pg -c "SELECT min(numero) FROM cesutg.facture")
	pg -c "UPDATE cesutg.facture_ligne SET montant_cents = montant_cents + 1
	    WHERE facture = '$f'" 2>"$W/err" && ko "$L : montant d'une facture modifié" ||
	    grep -q "facture émise : UPDATE refusé" "$W/err" && ok || ko "$L : message d'immuabilité"
	pg -c "UPDATE cesutg.facture SET montant_cents = 0 WHERE numero = '$f'" 2>/dev/null &&
	    ko "$L : total d'une facture modifié" || ok
	pg -c "DELETE FROM cesutg.facture_ligne WHERE facture = '$f'" 2>/dev/null &&
	    ko "$L : ligne de facture supprimée" || ok
	pg -c "UPDATE cesutg.facture SET etat = 'emise' WHERE etat <> 'emise'" 2>/dev/null &&
	    ko "$L : état revenu à émise" || ok
	s=$(pg -c "SELECT min(code_sad) FROM cesutg.facture")
	registre prefacture devalider $M --sad "$s" 2>"$W/err"
	expect_rc 65 $? "$L : dévalider une ligne facturée"
	grep -q "déjà facturée" "$W/err" && ok || ko "$L : message de la dévalidation refusée"
	registre audit verify >/dev/null; expect_rc 0 $? "$L : audit intègre"
}

boucle beneficiaires
boucle facture

step "row security: a SAD sees its own invoices, an agent those of its aid"
s2=$(pg -c "SELECT max(code_sad) FROM cesutg.facture WHERE etat = 'rejetee'")
s1=$(pg -c "SELECT min(code_sad) FROM cesutg.facture WHERE code_sad <> '$s2'")
registre role add-sad "$s1" >/dev/null && registre role add-agent agent_apa --aides APA &&
    registre role add-agent agent_tg --aides TG || ko "roles"
R1="host=$CESUTG_HOME dbname=cesutg user=sad_$s1"
APA="host=$CESUTG_HOME dbname=cesutg user=agent_apa"
registre --db "$R1" factures list >"$W/l1"; expect_rc 0 $? "factures list (SAD)"
[ "$(sed 1d "$W/l1" | wc -l)" -gt 0 ] && [ "$(sed 1d "$W/l1" | cut -d, -f7 | sort -u)" = "$s1" ] &&
    ok || ko "un SAD ne lit que ses factures"
f2=$(pg -c "SELECT min(numero) FROM cesutg.facture WHERE code_sad = '$s2'")
registre --db "$R1" factures extrait "$f2" >"$W/x" 2>"$W/err"
expect_rc 65 $? "extrait de la facture d'un autre SAD"
[ -s "$W/x" ] && ko "extrait refusé : rien sur la sortie" || ok
registre --db "$R1" factures emettre $M 2>/dev/null; expect_rc 77 $? "un SAD n'émet pas"
registre --db "$APA" factures list >"$W/l2"; expect_rc 0 $? "factures list (agent APA)"
[ "$(sed 1d "$W/l2" | cut -d, -f9 | sort -u)" = APA75 ] && ok ||
    ko "un agent APA ne lit que les factures APA"
registre --db "$APA" factures emettre $M 2>/dev/null; expect_rc 77 $? "agent sans TG"
registre --db "host=$CESUTG_HOME dbname=cesutg user=agent_tg" factures list --sad "$s2" \
    --etat rejetee >"$W/l3"; expect_rc 0 $? "factures list --sad --etat"
[ "$(sed 1d "$W/l3" | cut -d, -f4,7 | sort -u)" = "rejetee,$s2" ] && ok ||
    ko "factures list : filtres"
registre factures flux2 "$f2" >"$W/r.csv"; expect_rc 0 $? "factures flux2 NUMERO"
[ "$(sed 1d "$W/r.csv" | cut -d, -f4 | sort -u)" = "$f2" ] && ok || ko "flux2 : la facture demandée"
registre factures flux2 F999999-16-0009 >"$W/r.csv" 2>/dev/null
expect_rc 65 $? "flux2 : facture inconnue"
registre factures list --etat inconnu 2>/dev/null; expect_rc 64 $? "--etat invalide"
registre factures extrait 2>/dev/null; expect_rc 64 $? "extrait sans numéro"
registre factures emettre --etat rejetee 2>"$W/err"; expect_rc 64 $? "--etat hors de list"
grep -q "« --etat »" "$W/err" && ok || ko "option déplacée : son nom dans le message"

step "the extract of a hand-computed month (golden)"
registre db stop >/dev/null 2>&1
rm -rf "$CESUTG_HOME"
P=$TD/registre/prefacture
registre db init >/dev/null 2>&1 || ko "db init"
registre sad add S01 --tg TGS01 --nom "Aide à domicile Étoile" --adresse "12 rue de l'Étoile
75017 Paris" \
    --courriel "compta@etoile.example,direction@etoile.example" >/dev/null &&
    registre sad add S02 >/dev/null || ko "sad add"
registre load plans --date 2026-10-01 <"$P/plans.csv" 2>/dev/null
for k in clients intervenants evenements horodatages; do
	registre load $k --date 2026-11-02 <"$P/$k.csv" 2>/dev/null
done
registre param set tarifs_horaires_sad 'S01=20.00 S03=19.00'
M=2026-10
registre controler $M >/dev/null 2>&1 && registre prefacture calculer $M >/dev/null 2>&1
valider
registre factures emettre --date 2026-11-03 $M >"$W/g.csv" 2>/dev/null
same "$TD/factures/flux2.expected" "$W/g.csv" "Flux 2 du mois calculé à la main"
sadlog parse <"$TD/factures/log.csv" | registre load log-factures --date 2026-11-06 2>/dev/null
expect_rc 0 $? "journal du mois calculé à la main"
registre sad set S01 --adresse "ailleurs" || ko "sad set --adresse"
registre factures extrait FS01-26-0001 >"$W/x.csv"; expect_rc 0 $? "factures extrait"
same "$TD/factures/extrait.expected" "$W/x.csv" "extrait de la facture FS01-26-0001"
registre prefacture list $M | grep -q "^S01,$M,100002,.*,calculee,Période non couverte par le plan d'aide,FS01-26-0001$" &&
    ok || ko "prefacture list : la ligne rejetée, son motif et sa facture"
valider
registre role add-agent agent_tg --aides TG || ko "agent TG"
registre --db "host=$CESUTG_HOME dbname=cesutg user=agent_tg" factures emettre \
    --date 2026-11-10 $M >"$W/c2.csv" 2>"$W/err"
expect_rc 0 $? "complémentaire émise par un agent TG"
[ "$(cut -d, -f4 "$W/c2.csv" | sed 1d | sort -u)" = FS01-26-0002 ] && ok ||
    ko "Flux 2 de la complémentaire (agent TG)"
registre factures list >"$W/l.csv"; expect_rc 0 $? "factures list"
same "$TD/factures/list.expected" "$W/l.csv" "factures du mois calculé à la main"
registre factures extrait FS01-26-0002 >"$W/c.csv"
[ "$(grep -c '^FS01-26-0002,complementaire,FS01-26-0001,emise,2026-10,' "$W/c.csv")" = 1 ] &&
    grep -q '",100002,Bernard,Paulette,AD1,,2026-10,10.32,20.00,175.44,emise,$' "$W/c.csv" && ok ||
    ko "extrait de la complémentaire"
[ "$(head -n 1 "$W/x.csv")" = "$(head -n 1 "$TD/facturepdf/facture.csv" 2>/dev/null ||
    head -n 1 "$TD/factures/extrait.expected")" ] && ok || ko "colonnes de l'extrait (INTERFACES §1)"

step "reversibility: invoices through export -> import -> export"
registre export "$W/ex1" >/dev/null 2>&1 || ko "export"
grep -q '^FS01-26-0002,complementaire,FS01-26-0001,' "$W/ex1/facture.csv" && ok ||
    ko "export : facture.csv"
pg -c "CREATE DATABASE copie"
C="host=$CESUTG_HOME dbname=copie user=postgres"
registre --db "$C" import "$W/ex1" 2>/dev/null; expect_rc 0 $? "import"
registre --db "$C" export "$W/ex2" >/dev/null 2>&1 || ko "export 2"
diff -r "$W/ex1" "$W/ex2" >/dev/null && ok || ko "export -> import -> export différent"
registre --db "$C" audit verify >/dev/null; expect_rc 0 $? "audit de la copie"
registre --db "$C" factures extrait FS01-26-0001 | cmp -s - "$TD/factures/extrait.expected" &&
    ok || ko "extrait de la copie"

echo "factures.sh: $pass réussis, $fail échoués" >&2
[ "$fail" -eq 0 ]
