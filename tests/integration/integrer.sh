#!/bin/sh
# scripts/integrer, the step for one file, against the embedded registre
# database in a temporary CESUTG_HOME: the data date of each flux, messages
# naming the file, a file with rejected lines, the same file again (success),
# a file of another flux, a partial output never loaded, two runs at once,
# the database stopped (75, retry), cron's environment, and the titles'
# events file of the month (no converter).
#   sh tests/integration/integrer.sh BUILD_DIR
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(cd "$B/bin" && pwd)
PATH=$BIN:$(cd "$B/tools" && pwd):$PATH
export PATH
PGBIN=/usr/lib/postgresql/15/bin
W=$(mktemp -d)
chmod 755 "$W"
CESUTG_HOME=$W/var
CESUTG_PGOPTIONS="-c fsync=off -c full_page_writes=off"
export CESUTG_HOME CESUTG_PGOPTIONS
# An empty configuration: a /etc/cesutg/cesutg.conf of the machine is not read.
CESUTG_CONF=/dev/null
export CESUTG_CONF
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER \
    CESUTG_INTEGRATION CESUTG_BIN
asroot() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap 'asroot "$PGBIN/pg_ctl" -D "$CESUTG_HOME/data" -m immediate stop >/dev/null 2>&1; rm -rf "$W"' EXIT
pass=0 fail=0
check() {	# expected actual what
	if [ "$1" = "$2" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "ÉCHEC integrer: $3 : « $2 » au lieu de « $1 »"; fi
}
I="sh $ROOT/scripts/integrer"
O=$W/out
registre db init >/dev/null 2>&1 || { echo "integrer.sh: db init impossible"; exit 1; }
# date_donnees of the ingestion of SOURCE
datede() { registre ingestions | awk -F, -v s="$1" '$3 == s { print $5 }'; }
nbing() { registre ingestions | awk -F, -v s="$1" '$3 == s' | wc -l; }

# A month of fluxgen files: each flux dated by its own first record or name.
fluxgen --scale 0.01 --dir "$W/g" >/dev/null || { echo "integrer.sh: fluxgen"; exit 1; }
registre role add-sad SAD010000 >/dev/null 2>&1
for x in "flux1 PLANS_20160601.txt 2016-06-01" \
    "flux4 COMMANDE_CESU_APA_201605.txt 2016-04-20" \
    "flux15 F15_SAD010000_clients_20160601.txt 2016-06-01" \
    "crcesu CRCESU_20160503.txt 2016-05-03" \
    "flux6 FLUX6_CG75_201605.txt 2016-06-05" \
    "sadlog LOG_FACTURES_20160606.csv 2016-06-06"; do
	set -- $x
	(cd / && $I "$1" "$W/g/$2" "$O" 2>"$W/err")
	r=$?
	[ "$1" = crcesu ] && [ $r -eq 65 ] && r=0	# titles never ordered
	[ "$1" = sadlog ] && [ $r -eq 65 ] && r=0	# invoices never emitted here
	check 0 $r "$2 chargé"
	check "$3" "$(datede "$2")" "$2 : date des données"
done
check 600 "$(stat -c %a "$O/PLANS_20160601.txt.csv")" "mode du CSV"
check 196 "$(wc -l <"$O/PLANS_20160601.txt.csv")" "lignes CSV"
check 0 "$(ls -a "$O" | grep -c '^\.[^.]')" "aucun temporaire laissé"
# --date wins over the file's date (a complement: these few random plans end none).
gen-flux1 -s 3 5 >"$W/PLANS_20160301.txt"
$I --complement --date 2016-06-02 flux1 "$W/PLANS_20160301.txt" "$O" 2>"$W/err"
check 0 $? "--date"
check 2016-06-02 "$(datede PLANS_20160301.txt)" "--date : date des données"

# The same file again, and the same content under another name: success.
$I flux1 "$W/g/PLANS_20160601.txt" "$O" 2>"$W/err"
check 0 $? "même fichier : succès"
check "integrer: PLANS_20160601.txt : déjà chargé, rien à faire" "$(cat "$W/err")" \
    "même fichier : message"
cp "$W/g/PLANS_20160601.txt" "$W/PLANS_20160608.txt"
$I flux1 "$W/PLANS_20160608.txt" "$O" 2>"$W/err"
check 0 $? "même contenu : succès"
check 0 "$(nbing PLANS_20160608.txt)" "même contenu : pas d'ingestion en double"
# Already loaded with rows that registre rejected: still 65, as the first run.
$I crcesu "$W/g/CRCESU_20160503.txt" "$O" 2>"$W/err"
check 65 $? "déjà chargé avec des lignes rejetées : 65 comme la première fois"
grep -q "déjà chargé, rien à faire" "$W/err"
check 0 $? "déjà chargé avec rejets : message"

# One line rejected by the converter: the message names the file and line;
# the snapshot is loaded as incomplete, or not at all by a registre that
# cannot load it so (it would end the plan of the rejected line).
cp "$W/g/PLANS_20160601.txt" "$W/PLANS_20160615.txt"
sed -i '41s/|[0-9][0-9]\/[0-9][0-9]\/20[0-9][0-9]|/|31\/02\/2016|/' "$W/PLANS_20160615.txt"
sed -i '42s/|[0-9][0-9]\/[0-9][0-9]\/20[0-9][0-9]|/|28\/02\/2016|/' "$W/PLANS_20160615.txt"
$I flux1 "$W/PLANS_20160615.txt" "$O" 2>"$W/err"
check 65 $? "ligne rejetée : 65"
grep -q "^flux1: PLANS_20160615.txt:41: " "$W/err"
check 0 $? "message « flux1: PLANS_20160615.txt:41: »"
check 1 "$(wc -l <"$O/PLANS_20160615.txt.rejets")" "ligne dans les rejets"
if registre load 2>&1 | grep -q -e --incomplet; then
	check 1 "$(nbing PLANS_20160615.txt)" "instantané incomplet chargé"
	check 0 "$(registre ingestions | awk -F, '$3 == "PLANS_20160615.txt" { print $12 }')" \
	    "instantané incomplet : aucun plan terminé"
else
	check 0 "$(nbing PLANS_20160615.txt)" "instantané incomplet non chargé sans --incomplet"
	grep -q "ne connaît pas « registre load plans --incomplet »" "$W/err"
	check 0 $? "instantané incomplet : message"
fi

# A complement (by its name, or --complement) ends no plan: loaded with
# --complement, or refused by a registre without it.
gen-flux1 -s 11 3 >"$W/PLANS_COMPLEMENT_20160616.txt"
cp "$W/PLANS_COMPLEMENT_20160616.txt" "$W/PLANS_20160617.txt"
if registre load 2>&1 | grep -q -e --complement; then
	for f in PLANS_COMPLEMENT_20160616.txt; do
		$I flux1 "$W/$f" "$O" 2>"$W/err"
		check 0 $? "complément par son nom"
		check 0 "$(registre ingestions | awk -F, -v f="$f" '$3 == f { print $12 }')" \
		    "complément : aucun plan terminé"
	done
else
	$I flux1 "$W/PLANS_COMPLEMENT_20160616.txt" "$O" 2>"$W/err"
	check 65 $? "complément par son nom, registre sans --complement"
	grep -q "ne connaît pas « registre load plans --complement »" "$W/err"
	check 0 $? "complément par son nom : message"
	$I --complement flux1 "$W/PLANS_20160617.txt" "$O" 2>"$W/err"
	check 65 $? "--complement, registre sans --complement"
	check 0 "$(nbing PLANS_20160617.txt)" "complément jamais chargé comme instantané"
fi

# A file of another flux under a Flux 1 name: refused, nothing loaded.
cp "$W/g/CRCESU_20160504.txt" "$W/PLANS_20160622.txt"
$I flux1 "$W/PLANS_20160622.txt" "$O" 2>"$W/err"
check 65 $? "CRCESU sous un nom de Flux 1"
check 0 "$(nbing PLANS_20160622.txt)" "CRCESU sous un nom de Flux 1 : rien de chargé"
$I flux4 "$W/g/PLANS_20160601.txt" "$O" 2>"$W/err"
check 65 $? "Flux 1 annoncé comme Flux 4"
# No date anywhere: refused, unless --date gives it.
gen-flux1 -s 4 5 >"$W/PLANS_sans_date.txt"
$I flux1 "$W/PLANS_sans_date.txt" "$O" 2>"$W/err"
check 65 $? "nom sans date"
# A truncated file: nothing loaded.
head -c 1000 "$W/g/FLUX6_CG75_201605.txt" >"$W/FLUX6_CG75_201606.txt"
$I flux6 "$W/FLUX6_CG75_201606.txt" "$O" 2>"$W/err"
check 65 $? "fichier tronqué"
check 0 "$(nbing FLUX6_CG75_201606.txt)" "fichier tronqué : rien de chargé"

# A converter that dies after writing part of its output: nothing loaded, no
# CSV under the final name, no temporary left, its code passed on.
mkdir -p "$W/faux"
cat >"$W/faux/flux1" <<EOF
#!/bin/sh
"$BIN/flux1" "\$@" | head -n 20
exit 74
EOF
chmod +x "$W/faux/flux1"
gen-flux1 -s 5 50 >"$W/PLANS_20160629.txt"
PATH=$W/faux:$PATH $I flux1 "$W/PLANS_20160629.txt" "$O" 2>"$W/err"
check 74 $? "convertisseur en échec : son code"
check 0 "$(nbing PLANS_20160629.txt)" "sortie partielle jamais chargée"
check no "$(test -e "$O/PLANS_20160629.txt.csv" && echo yes || echo no)" "pas de CSV partiel"
check 0 "$(ls -a "$O" | grep -c '^\.[^.]')" "pas de temporaire après un échec"

# Two runs on the same file at once: one loads, the other finds it loaded;
# both succeed.
gen-flux1 -s 6 300 >"$W/PLANS_20160706.txt"
$I --complement flux1 "$W/PLANS_20160706.txt" "$O" 2>"$W/err1" & p1=$!
$I --complement flux1 "$W/PLANS_20160706.txt" "$O" 2>"$W/err2" & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check "0 0" "$r1 $r2" "deux exécutions simultanées"
check 1 "$(nbing PLANS_20160706.txt)" "deux exécutions : une ingestion"
check 1 "$(cat "$W/err1" "$W/err2" | grep -c 'déjà chargé, rien à faire')" \
    "deux exécutions : l'une trouve le fichier chargé"

# Its temporaries named by its own pid (issue 11: one program fewer a
# file): no mktemp started, nothing left.
mkdir -p "$W/sansmk"
printf '#!/bin/sh\necho "mktemp lancé" >&2; exit 1\n' >"$W/sansmk/mktemp"
chmod +x "$W/sansmk/mktemp"
gen-flux1 -s 7 10 >"$W/PLANS_20160707.txt"
PATH=$W/sansmk:$PATH $I --complement flux1 "$W/PLANS_20160707.txt" "$O" 2>"$W/err"
check 0 $? "sans mktemp"
check 1 "$(nbing PLANS_20160707.txt)" "sans mktemp : chargé"
check 0 "$(grep -c "mktemp lancé" "$W/err")" "sans mktemp : mktemp non lancé"
check 0 "$(ls -a "$O" | grep -c '^\.[^.]')" "sans mktemp : aucun temporaire laissé"

# The database stopped: 75, so that cron tries again; then it loads.
gen-flux1 -s 8 10 >"$W/PLANS_20160713.txt"
registre db stop >/dev/null 2>&1
$I --complement flux1 "$W/PLANS_20160713.txt" "$O" 2>"$W/err"
check 75 $? "base arrêtée"
registre db start >/dev/null 2>&1
$I --complement flux1 "$W/PLANS_20160713.txt" "$O" 2>"$W/err"
check 0 $? "nouvel essai"

# Cron's environment: nothing but PATH, another directory; the paths come
# from the configuration file.
gen-flux1 -s 9 10 >"$W/PLANS_20160720.txt"
cat >"$W/cesutg.conf" <<EOF
CESUTG_HOME=$CESUTG_HOME
CESUTG_BIN=$BIN
CESUTG_INTEGRATION=$W/cron
EOF
(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/cesutg.conf" \
    sh "$ROOT/scripts/integrer" --complement flux1 "$W/PLANS_20160720.txt" 2>"$W/err")
check 0 $? "environnement de cron"
check 2016-07-20 "$(datede PLANS_20160720.txt)" "cron : date des données"
check yes "$(test -s "$W/cron/PLANS_20160720.txt.csv" && echo yes)" "cron : CSV au répertoire configuré"
env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/absent.conf" \
    sh "$ROOT/scripts/integrer" flux1 "$W/PLANS_20160720.txt" 2>/dev/null
check 78 $? "configuration absente"

# The titles' events of the month (fluxgen's EVENEMENTS_CESU_AAAAMM.csv,
# canonical CSV already): recognised, copied, applied by registre cesu
# evenements; the same file again changes nothing; placed by cesutg_ordre
# after the orders that issue the titles and before the refunds.
t=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ m = $c["mois_reference"]; printf "%s%s%06d00001\n", substr(m, 3, 2),
	substr(m, 6, 2), $c["matricule_salarie"]; exit }' \
	"$O/COMMANDE_CESU_APA_201605.txt.csv")
mkdir -p "$W/ev"
printf '%s\n' numero_titre,nature,date_evenement,motif,titre_remplacant \
    "$t,perdu,2016-05-03,déclaré au guichet," >"$W/ev/EVENEMENTS_CESU_201605.csv"
(cd / && $I cesu "$W/ev/EVENEMENTS_CESU_201605.csv" "$O" 2>"$W/err")
check 0 $? "événements de titres chargés"
grep -q "1 événement(s) lus, 0 refusé(s)" "$W/err"
check 0 $? "événements de titres : bilan de registre cesu evenements"
check 600 "$(stat -c %a "$O/EVENEMENTS_CESU_201605.csv.csv")" "événements de titres : CSV copié"
$I cesu "$W/ev/EVENEMENTS_CESU_201605.csv" "$O" 2>"$W/err"
check 0 $? "événements de titres redonnés : sans effet"
$I crcesu "$W/ev/EVENEMENTS_CESU_201605.csv" "$O" 2>"$W/err"
check 65 $? "événements de titres annoncés comme crcesu"
printf '%s\n' numero_titre,nature,date "$t,perdu,2016-05-03" >"$W/EVENEMENTS_CESU_201606.csv"
$I cesu "$W/EVENEMENTS_CESU_201606.csv" "$O" 2>"$W/err"
check 65 $? "événements de titres sans l'en-tête d'evenements-titres(5)"
cp "$W/g/CRCESU_20160503.txt" "$W/g/COMMANDE_CESU_APA_201605.txt" \
    "$W/g/PLANS_20160601.txt" "$W/ev/"
check "flux1 flux4 cesu crcesu" "$(. "$ROOT/scripts/cesutg-lib.sh"
    cesutg_ordre "$W"/ev/* | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')" \
    "cesutg_ordre : plans, commandes, événements de titres, remboursements"

$I flux9 "$W/PLANS_20160713.txt" "$O" 2>/dev/null
check 64 $? "flux inconnu"
$I flux1 "$W/absent.txt" "$O" 2>/dev/null
check 66 $? "fichier absent"
echo "integrer: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
