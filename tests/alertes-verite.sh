#!/bin/sh
# The alerts registre found for 2016-05 on fluxgen's months 2016-03..2016-05
# at scale 0.01 (tests/integration/alertes.sh: alerte_mois_consecutifs 2,
# other params by default) against the truth fluxgen wrote with --verite:
# one line per kind, expected, found, missed, extra. Keys: the beneficiary
# (F7-F10, F12-F14), the SAD (F11), the client (E2), the title (J2).
#   sh tests/alertes-verite.sh VERITE_DIR FOUND_CSV WORK_DIR
# fluxgen must be on PATH (it regenerates the orders and refunds).
V=$1 FOUND=$2 O=$3
mkdir -p "$O" || exit 73
ym() { echo "$1" | tr -d -; }
vfile() { tail -n +2 "$V/$1/VERITE_$2_$(ym "$1").csv"; }
# Rows whose last column (anomalies) holds $1.
with() { awk -F, -v a="$1" 'index(";" $NF ";", ";" a ";")'; }
col() { awk -F, -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i; next } { print $c }'; }
trouve() { awk -F, -v k="$1" -v c="$2" 'NR > 1 && $2 == k { print $c }' "$FOUND" | sort -u >"$O/$1.trouve"; }
# Client key SAD,client -> SALSA id, from the truth of the clients.
clients() { vfile "$1" CLIENTS | awk -F, '{ print $1 "," $2 "," $3 }'; }
benef_de_visites() {	# month anomaly: beneficiaries of the visits carrying it
	vfile "$1" VISITES | with "$2" | cut -d, -f1,3 | sort -u >"$O/v"
	clients "$1" | awk -F, 'NR == FNR { v[$1 "," $2] = 1; next } ($1 "," $2) in v { print $3 }' "$O/v" - | sort -u
}
# F7: CESU under-users (sous-consommation) with titles ordered both months.
for m in 2016-03 2016-04; do
	fluxgen --scale 0.01 --month $m commandes | col matricule_salarie | sort -u >"$O/cmd.$m"
done
vfile 2016-04 BENEFICIAIRES | with sous-consommation | cut -d, -f1 | sort -u |
    comm -12 - "$O/cmd.2016-03" | comm -12 - "$O/cmd.2016-04" >"$O/F7.attendu"
trouve F7 3
# F8: TG under-users (sous-consommation-tg), clients in both months.
for m in 2016-04 2016-05; do
	vfile $m CLIENTS | with sous-consommation-tg | cut -d, -f3 | sort -u >"$O/tg.$m"
done
comm -12 "$O/tg.2016-04" "$O/tg.2016-05" >"$O/F8.attendu"
trouve F8 3
benef_de_visites 2016-05 sad-hors-plan >"$O/F9.attendu"; trouve F9 3
benef_de_visites 2016-05 cesu-et-tg >"$O/F10.attendu"; trouve F10 3
vfile 2016-05 VISITES | with sad-excessif | cut -d, -f1 | sed 's/^SAD//' | sort -u >"$O/F11.attendu"
trouve F11 4
# F12: beneficiaries of mode-incoherent refunded in the month.
vfile 2016-05 CESU | awk -F, '$1 == "mode_incoherent" { print $2 }' | sort -u >"$O/F12.attendu"
trouve F12 3
vfile 2016-05 BENEFICIAIRES | with echeance | cut -d, -f1 | sort -u >"$O/F13.attendu"; trouve F13 3
vfile 2016-05 BENEFICIAIRES | with revision | cut -d, -f1 | sort -u >"$O/F14.attendu"; trouve F14 3
# E2: clients called from another phone, on visits still made by phone.
vfile 2016-05 VISITES | with telephone-etranger | awk -F, '$NF !~ /(^|;)(co2|cre)(;|$)/ { print $1 "/" $3 }' | sort -u >"$O/E2.attendu"
trouve E2 6
# J2: titles of the month's refunds cashed after their validity (the
# end of the month after their order month).
fluxgen --scale 0.01 --month 2016-05 remboursements | awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ t = $c["numero_titre"]; y = 2000 + substr(t, 1, 2); m = substr(t, 3, 2) + 2
	  if (m > 12) { m -= 12; y++ }
	  fin = sprintf("%04d-%02d-01", y, m)	# day after the validity
	  if ($c["date_encaissement"] >= fin) print t " tardif" }' | sort -u >"$O/J2.attendu"
trouve J2 6
printf '%-6s %8s %8s %8s %8s\n' nature attendus trouvés manqués "en trop"
for k in F7 F8 F9 F10 F11 F12 F13 F14 E2 J2; do
	printf '%-6s %8d %8d %8d %8d\n' $k $(wc -l <"$O/$k.attendu") $(wc -l <"$O/$k.trouve") \
	    $(comm -23 "$O/$k.attendu" "$O/$k.trouve" | wc -l) $(comm -13 "$O/$k.attendu" "$O/$k.trouve" | wc -l)
done
