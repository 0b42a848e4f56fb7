# fluxgen: one Paris month (--scale 1, FLUXGEN_SCALE to change it) of each
# kind as canonical CSV, then the whole cycle as wire files through the
# converters' emit; every file of the cycle then passes its parse, which
# must reject nothing. No ratio: no baseline does the same work (cat of the
# output, or the parse of the cycle, measure other things).
SC=${FLUXGEN_SCALE:-1}
KINDS="plans commandes clients intervenants horodatages evenements
remboursements charges log-factures"
: >"$WORK/vide"
for k in $KINDS; do
	bench_add "fluxgen-$k" "$WORK/vide" fluxgen --scale "$SC" "$k"
done
bench_run
for k in $KINDS; do
	fluxgen --scale "$SC" "$k" | wc -lc |
	    awk -v k="$k" '{ printf "    %s : %d lignes, %d octets\n", k, $1 - 1, $2 }'
done
missing=
for c in flux1 flux4 flux15 crcesu flux6 sadlog; do
	command -v "$c" >/dev/null || missing="$missing $c"
done
if [ -n "$missing" ]; then
	echo "  cycle --dir non mesuré : convertisseurs absents :$missing"
	rm -f "$WORK/out"
	return 0
fi
bench_cmd fluxgen-cycle-dir "$WORK/vide" fluxgen --scale "$SC" --dir "$WORK/cycle"
echo "    $(ls "$WORK/cycle" | wc -l) fichiers, $(du -sk "$WORK/cycle" | cut -f1) Kio"
rc=0
for f in "$WORK/cycle"/*; do
	case $(basename "$f") in
	PLANS_*) c=flux1 ;; COMMANDE_*) c=flux4 ;; F15_*) c=flux15 ;;
	CRCESU_*) c=crcesu ;; FLUX6_*) c=flux6 ;; LOG_FACTURES_*) c=sadlog ;;
	*) continue ;;
	esac
	$c parse <"$f" >/dev/null 2>>"$WORK/rejets" || { echo "    REJET : $f"; rc=1; }
done
[ $rc = 0 ] && echo "    aucune ligne rejetée par les parse" || head -n 5 "$WORK/rejets"
rm -rf "$WORK/cycle" "$WORK/out" "$WORK/rejets"
