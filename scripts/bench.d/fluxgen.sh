# fluxgen: one Paris month (--scale 1, FLUXGEN_SCALE to change it) of each
# kind as canonical CSV, then the whole cycle as wire files through the
# converters' emit, then every file through its parse, which must reject
# nothing. Baselines: cat and wc -l of the largest CSV, and the parse of the
# cycle's files.
SC=${FLUXGEN_SCALE:-1}
: >"$WORK/vide"
for k in plans commandes clients intervenants horodatages evenements \
    remboursements charges log-factures; do
	bench_cmd "fluxgen-$k" "$WORK/vide" fluxgen --scale "$SC" "$k"
	echo "    $(($(wc -l <"$WORK/out") - 1)) lignes, $(stat -c %s "$WORK/out") octets"
	[ "$k" = horodatages ] && cp "$WORK/out" "$WORK/horodatages.csv"
done
bench_cmd cat "$WORK/horodatages.csv" cat
bench_cmd wc-l "$WORK/horodatages.csv" wc -l
bench_ratio fluxgen-horodatages cat
missing=
for c in flux1 flux4 flux15 crcesu flux6 sadlog; do
	command -v "$c" >/dev/null || missing="$missing $c"
done
if [ -n "$missing" ]; then
	echo "  cycle --dir non mesuré : convertisseurs absents :$missing"
	rm -f "$WORK/horodatages.csv" "$WORK/out"
	return 0
fi
rm -rf "$WORK/cycle"
bench_cmd fluxgen-cycle-dir "$WORK/vide" fluxgen --scale "$SC" --dir "$WORK/cycle"
echo "    $(ls "$WORK/cycle" | wc -l) fichiers, $(du -sk "$WORK/cycle" | cut -f1) Kio"
cat >"$WORK/parse-tout" <<'SH'
#!/bin/sh
# Every file of a cycle through its converter's parse; any rejection fails.
rc=0
for f in "$1"/*; do
	case $(basename "$f") in
	PLANS_*) c=flux1 ;; COMMANDE_*) c=flux4 ;; F15_*) c=flux15 ;;
	CRCESU_*) c=crcesu ;; FLUX6_*) c=flux6 ;; LOG_FACTURES_*) c=sadlog ;;
	*) continue ;;
	esac
	$c parse <"$f" >/dev/null || { echo "rejet : $f" >&2; rc=1; }
done
exit $rc
SH
bench_cmd parse-cycle "$WORK/vide" sh "$WORK/parse-tout" "$WORK/cycle"
if sh "$WORK/parse-tout" "$WORK/cycle" 2>"$WORK/rejets"; then
	echo "    aucune ligne rejetée"
else
	echo "    REJETS :"
	head -n 5 "$WORK/rejets"
fi
bench_ratio fluxgen-cycle-dir parse-cycle
rm -rf "$WORK/cycle" "$WORK/horodatages.csv" "$WORK/out"
