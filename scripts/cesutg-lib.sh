# cesutg-lib.sh: what integrer and the cron pipelines share. Sourced, not
# run. Sets no option of the caller's shell except where a function says so.
# See cesutg-exploitation(7) for the configuration it reads.

# Reads the configuration: $CESUTG_CONF, else /etc/cesutg/cesutg.conf when
# it exists. Every assignment in it is exported (the PG* variables of libpq
# must reach registre). A CESUTG_CONF that cannot be read is a config error.
cesutg_config() {
	_c=${CESUTG_CONF:-/etc/cesutg/cesutg.conf}
	if [ -n "${CESUTG_CONF:-}" ] && [ ! -r "$_c" ]; then
		echo "$prog: configuration illisible : $_c" >&2
		exit 78
	fi
	if [ -r "$_c" ]; then
		set -a
		# shellcheck disable=SC1090
		. "$_c" || { set +a; echo "$prog: configuration invalide : $_c" >&2; exit 78; }
		set +a
	fi
	# make install writes its BINDIR here; the source tree relies on PATH.
	: "${CESUTG_BIN:=@BINDIR@}"
	case $CESUTG_BIN in
	@*) ;;
	*) PATH=$CESUTG_BIN:$PATH ;;
	esac
	: "${CESUTG_HOME:=var}"
	: "${CESUTG_SPOOL:=$CESUTG_HOME/spool}"
	: "${CESUTG_INTEGRATION:=$CESUTG_HOME/integration}"
	: "${CESUTG_JOURNAL:=$CESUTG_HOME/journal}"
	: "${CESUTG_RETENTION_JOURS:=400}"
	: "${CESUTG_ATTENTE:=3600}"
	: "${CESUTG_SYSLOG:=1}"
	: "${CESUTG_PARTENAIRES:=salsa cncesu}"
	export PATH CESUTG_HOME CESUTG_SPOOL CESUTG_INTEGRATION CESUTG_JOURNAL
}

# The pipelines run from cron, whose working directory is anywhere:
# every path they use must be absolute.
cesutg_absolus() {
	for _v in CESUTG_HOME CESUTG_SPOOL CESUTG_INTEGRATION CESUTG_JOURNAL; do
		eval "_p=\$$_v"
		case $_p in
		/*) ;;
		*) echo "$prog: $_v doit être un chemin absolu (« $_p ») : le" \
		       "définir dans ${CESUTG_CONF:-/etc/cesutg/cesutg.conf}" >&2
		   exit 78 ;;
		esac
	done
	case $CESUTG_RETENTION_JOURS in
	''|*[!0-9]*) echo "$prog: CESUTG_RETENTION_JOURS doit être un nombre de" \
	    "jours (« $CESUTG_RETENTION_JOURS »)" >&2; exit 78 ;;
	esac
}

# cesutg_spool: the spool's directories, one outgoing per partner (each
# with its tmp/, for files written then renamed).
cesutg_spool() {
	mkdir -p "$CESUTG_SPOOL/arrivee/tmp" "$CESUTG_SPOOL/encours" \
	    "$CESUTG_SPOOL/fait" "$CESUTG_SPOOL/rejete" || exit 73
	for _p in $CESUTG_PARTENAIRES; do
		mkdir -p "$CESUTG_SPOOL/sortie/$_p/tmp" || exit 73
	done
}

# cesutg_verrou FICHIER ATTENTE: takes an exclusive lock on fd 9, waiting at
# most ATTENTE seconds (0: not at all). Exits 75 when it is held elsewhere.
cesutg_verrou() {
	mkdir -p "$(dirname "$1")" || exit 73
	exec 9>>"$1" || exit 73
	if [ "$2" -eq 0 ]; then
		flock -n 9
	else
		flock -w "$2" 9
	fi || { echo "$prog: $1 : une autre exécution est en cours," \
	    "réessayer plus tard" >&2; exit 75; }
}

# cesutg_log NIVEAU MESSAGE: one line to syslog (user facility, tag $prog)
# and to the journal file of the program.
cesutg_log() {
	if [ "$CESUTG_SYSLOG" = 1 ]; then
		logger ${CESUTG_SYSLOG_SOCKET:+-u "$CESUTG_SYSLOG_SOCKET"} \
		    -t "$prog" -p "user.$1" -- "$2" 2>/dev/null || :
	fi
	mkdir -p "$CESUTG_JOURNAL" 2>/dev/null &&
	    printf '%s %s[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$prog" \
	    "$$" "$2" >>"$CESUTG_JOURNAL/$prog.log" 2>/dev/null || :
}

# cesutg_pire A B: the code a pipeline reports for two results: any
# failure of ours or of the system first, then 75 (retry), then 65 (data).
cesutg_pire() {
	for _x in "$1" "$2"; do
		case $_x in 0|65|75) ;; *) echo "$_x"; return ;; esac
	done
	for _x in 75 65; do
		[ "$1" = "$_x" ] || [ "$2" = "$_x" ] && { echo "$_x"; return; }
	done
	echo 0
}

# cesutg_date_valide AAAA-MM-JJ: a real calendar date.
cesutg_date_valide() {
	case $1 in
	[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
	*) return 1 ;;
	esac
	# In the shell, not by date(1): integrer checks each file's date.
	# 1NN - 100: a leading zero would read as octal.
	_a=$((1${1%%-*} - 10000)) _m=${1#*-} _j=$((1${1##*-} - 100))
	_m=$((1${_m%-*} - 100))
	case $_m in
	1|3|5|7|8|10|12) _n=31 ;;
	4|6|9|11) _n=30 ;;
	2) if [ $((_a % 4)) -eq 0 ] && { [ $((_a % 100)) -ne 0 ] ||
	       [ $((_a % 400)) -eq 0 ]; }; then _n=29; else _n=28; fi ;;
	*) return 1 ;;
	esac
	[ "$_j" -ge 1 ] && [ "$_j" -le "$_n" ]
}

# cesutg_reconnaitre FICHIER: prints "flux kind date nature" for a received
# file, from its name and its first record, which must agree (the table is
# in integrer(1)); nature is instantane or complement for Flux 1, fichier
# otherwise. Prints the reason and returns 1 for a file it cannot place.
cesutg_reconnaitre() {
	LC_ALL=C awk -v n="${1##*/}" '
	function jma(s) { return substr(s, 7, 4) "-" substr(s, 4, 2) "-" substr(s, 1, 2) }
	function amj(s) { return substr(s, 1, 4) "-" substr(s, 5, 2) "-" substr(s, 7, 2) }
	function nomdate(re,   s) {	# the AAAAMMJJ that follows re in the name
		if (!match(n, re "[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]"))
			return ""
		return amj(substr(n, RSTART + RLENGTH - 8, 8))
	}
	function non(m) { print m; exit 1 }
	BEGIN {
		if ((getline l < ARGV[1]) <= 0) non("fichier vide ou illisible")
		sub(/\r$/, "", l)
		if (n ~ /^PLANS_/) {
			nat = n ~ /^PLANS_COMPLEMENT_/ ? "complement" : "instantane"
			d = nomdate("^PLANS_(COMPLEMENT_)?")
			if (d == "") non("nom de Flux 1 sans date AAAAMMJJ")
			if (split(l, f, "|") < 60)
				non("premier enregistrement qui n'\''est pas une ligne de Flux 1")
			print "flux1 plans " d " " nat; exit 0
		}
		if (n ~ /^COMMANDE_CESU_/) {
			if (l !~ /^1[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]/)
				non("premier enregistrement qui n'\''est pas une entête de Flux 4")
			print "flux4 commandes " jma(substr(l, 2, 2) "/" substr(l, 4, 2) "/" substr(l, 6, 4)) " fichier"
			exit 0
		}
		if (n ~ /^F15_/) {
			split(l, f, "|")
			if (f[1] != "DEB" || f[2] != "F15")
				non("premier enregistrement qui n'\''est pas un DEB de Flux 15")
			if (f[4] !~ /^(clients|intervenants|horodatages|evenements)$/)
				non("nature de Flux 15 inconnue « " f[4] " »")
			print "flux15 " f[4] " " substr(f[6], 1, 10) " fichier"; exit 0
		}
		if (n ~ /^CRCESU_/) {
			if (substr(l, 1, 7) != "DEBRCES")
				non("premier enregistrement qui n'\''est pas un DEB de retour CRCESU")
			print "crcesu remboursements " amj(substr(l, 25, 8)) " fichier"; exit 0
		}
		if (n ~ /^FLUX6_/) {
			split(l, f, ";")
			if (f[1] != "DEB" || f[2] != "FTCG")
				non("premier enregistrement qui n'\''est pas un DEB de Flux 6")
			print "flux6 charges " amj(f[4]) " fichier"; exit 0
		}
		if (n ~ /^LOG_FACTURES_/) {
			if (l !~ /^[12];/)
				non("premier enregistrement qui n'\''est pas une ligne du journal des factures")
			d = nomdate("^LOG_FACTURES_")
			split(l, f, ";")
			if (d == "" && f[1] == "1")
				d = f[2] ~ /\// ? jma(f[2]) : amj(f[2])
			if (d == "") non("journal des factures sans date")
			print "sadlog log-factures " d " fichier"; exit 0
		}
		if (n ~ /^EVENEMENTS_CESU_[0-9][0-9][0-9][0-9][0-9][0-9]\.csv$/) {
			if (l != "numero_titre,nature,date_evenement,motif,titre_remplacant")
				non("première ligne qui n'\''est pas l'\''en-tête de evenements-titres(5)")
			print "cesu evenements-titres " substr(n, 17, 4) "-" substr(n, 21, 2) "-01 fichier"
			exit 0
		}
		non("nom de fichier inconnu (voir integrer(1), RECONNAISSANCE)")
	}' "$1" || return 1
}

# cesutg_ordre FICHIER...: "flux kind date nom" of each file, in the order
# the ledger needs them (cesutg-recevoir's, the bench's and scripts/cycle's):
# plans, orders, the titles' events (before the refunds they stop), then a
# SAD's clients and staff before its visits and events, then the rest; by
# data date and name within each. A file cesutg_reconnaitre cannot place
# comes last as "- - 0000-00-00 nom".
cesutg_ordre() {
	for _f; do
		[ -f "$_f" ] || continue
		if _r=$(cesutg_reconnaitre "$_f" 2>/dev/null); then
			set -f; set -- $_r; set +f
			case $2 in
			plans) _k=1 ;; commandes) _k=2 ;; evenements-titres) _k=3 ;;
			clients) _k=4 ;; intervenants) _k=5 ;; horodatages) _k=6 ;;
			evenements) _k=7 ;; *) _k=8 ;;
			esac
			printf '%s %s %s %s %s\n' "$_k" "$3" "$1" "$2" "${_f##*/}"
		else
			printf '9 0000-00-00 - - %s\n' "${_f##*/}"
		fi
	done | LC_ALL=C sort -k1,2 -k5 | awk '{ n = $0; sub(/^([^ ]* ){4}/, "", n)
	    print $3, $4, $2, n }'
}

# The pipelines. cesutg_debut: configuration, absolute paths, the lock of
# this pipeline (a second run while one is going exits 75 at once).
cesutg_debut() {
	cesutg_config
	cesutg_absolus
	umask 077
	cesutg_verrou "$CESUTG_HOME/verrous/$prog" 0
	cesutg_spool
	# integrer, cesutg-recevoir and the hooks are beside this script.
	PATH=$cesutg_lib:$PATH
	mkdir -p "$CESUTG_JOURNAL" || exit 73
	rc=0 arret= suite= resume= t0=$(date +%s)
	# Where this run's lines start in the journal, for the failure mail.
	j0=0
	[ ! -f "$CESUTG_JOURNAL/$prog.log" ] || j0=$(wc -c <"$CESUTG_JOURNAL/$prog.log")
	cesutg_log info "début"
}

# cesutg_etape NOM COMMANDE...: one step, logged with its code and time.
# After a step that failed (neither 0 nor 65) the next ones are skipped:
# they would work on a day half integrated.
cesutg_etape() {
	_e=$1; shift
	if [ -n "$arret" ]; then
		cesutg_sautee "$_e" "étape précédente en échec ($arret)"
		return 0
	fi
	_d=$(date +%s)
	# What a step prints is for the journal; cron mails stderr only, so
	# its stderr goes there and, copied, to the journal too.
	_t=$CESUTG_HOME/verrous/$prog.erreurs
	"$@" 9>&- >>"$CESUTG_JOURNAL/$prog.log" 2>"$_t"
	_r=$?
	_d=$(($(date +%s) - _d))
	if [ -s "$_t" ]; then
		cat "$_t" >&2
		cat "$_t" >>"$CESUTG_JOURNAL/$prog.log"
	fi
	rm -f "$_t"
	case $_r in
	0) cesutg_log info "étape $_e : code 0 en $_d s" ;;
	65) cesutg_log warning "étape $_e : code 65 (données rejetées) en $_d s" ;;
	*) cesutg_log err "étape $_e : code $_r en $_d s"
	   [ -n "$suite" ] || arret=$_e ;;
	esac
	resume="$resume $_e=$_r"
	rc=$(cesutg_pire "$rc" "$_r")
	return 0
}

cesutg_sautee() {
	cesutg_log notice "étape $1 : sautée, $2"
	resume="$resume $1=sautée"
}

# cesutg_marquer FICHIER REPERTOIRE: the marker of an outbound file, written
# once it is complete in spool/sortie/: REPERTOIRE/its name holds "sha256
# name date" (tmp, fsync, rename). A file is produced once per marker.
cesutg_marquer() {
	_n=$(basename "$1") _k=$2/.$(basename "$1").tmp
	printf '%s %s %s\n' "$(sha256sum <"$1" | cut -c1-64)" "$_n" \
	    "$(date +%Y-%m-%dT%H:%M:%S)" >"$_k" && sync "$_k" &&
	    mv -f "$_k" "$2/$_n" || return 74
}

# cesutg_resume COMMANDE...: what COMMANDE says on stderr goes to stdout
# (the journal) when it succeeds, a summary; to stderr (cron's mail) when
# it fails.
cesutg_resume() {
	_f=$CESUTG_HOME/verrous/$prog.resume
	"$@" 2>"$_f"
	_r=$?
	if [ $_r -eq 0 ]; then cat "$_f"; else cat "$_f" >&2; fi
	rm -f "$_f"
	return $_r
}

# cesutg_a_registre SOUS-COMMANDE: this registre lists it in its usage.
cesutg_a_registre() {
	registre 2>&1 9>&- | grep -q "] $1\\b"
}

cesutg_refus() {	# code message: a step refused
	echo "$prog: $2" >&2
	return "$1"
}

# cesutg_registre NOM SOUS-COMMANDE ARGS...: a registre step, skipped with a
# notice while this registre does not have the subcommand yet.
cesutg_registre() {
	_e=$1; shift
	if [ -z "$arret" ] && ! cesutg_a_registre "$1"; then
		cesutg_sautee "$_e" "« registre $1 » absent de ce registre"
	else
		cesutg_etape "$_e" cesutg_resume registre "$@"
	fi
}

# cesutg_transferts NOM PROGRAMME: the FTPS hook (cesutg-recuperer,
# cesutg-envoyer), when installed and turned on (CESUTG_TRANSFERTS=1): one
# step NOM-partenaire per partner of CESUTG_PARTENAIRES whose
# CESUTG_<PARTENAIRE>_URL is set. One partner's failure stops neither the
# others nor the next steps: the files already there are still worth
# integrating or sending.
cesutg_transferts() {
	_n=$1 _p=$2
	if [ -n "$arret" ]; then
		cesutg_etape "$_n"
		return 0
	elif [ "${CESUTG_TRANSFERTS:-0}" != 1 ]; then
		cesutg_sautee "$_n" "CESUTG_TRANSFERTS n'est pas à 1"
		return 0
	elif ! command -v "$_p" >/dev/null 2>&1; then
		cesutg_sautee "$_n" "$_p n'est pas installé"
		return 0
	fi
	for _q in $CESUTG_PARTENAIRES; do
		_v=CESUTG_$(printf '%s' "$_q" | tr a-z A-Z)_URL _u=x
		# A bad name is for the program to refuse (64), not for eval.
		case $_q in
		*[!a-z0-9_]*) ;;
		*) eval "_u=\${$_v:-}" ;;
		esac
		if [ -z "$_u" ]; then
			cesutg_sautee "$_n-$_q" "$_v n'est pas défini"
		else
			suite=1
			cesutg_etape "$_n-$_q" "$_p" "$_q"
		fi
		suite=
	done
}

# cesutg_alerte RESUME: the failure mail to the operators, the summary and
# this run's journal lines (the last 200) as its body.
cesutg_alerte() {
	if [ -z "${CESUTG_MAIL_EXPLOITATION:-}" ]; then
		cesutg_log warning "alerte non envoyée : CESUTG_MAIL_EXPLOITATION n'est pas défini"
		return 0
	elif ! command -v cesutg-mail >/dev/null 2>&1; then
		cesutg_log err "alerte non envoyée : cesutg-mail n'est pas installé"
		return 0
	fi
	{
		echo "$prog: $1"
		echo
		echo "Journal de l'exécution ($CESUTG_JOURNAL/$prog.log) :"
		tail -c +$((j0 + 1)) "$CESUTG_JOURNAL/$prog.log" | tail -n 200
	} | cesutg-mail "$CESUTG_MAIL_EXPLOITATION" \
	    "cesutg : échec de $prog sur $(uname -n) (code $rc)" 9>&-
	_r=$?
	if [ "$_r" -eq 0 ]; then
		cesutg_log info "alerte envoyée à $CESUTG_MAIL_EXPLOITATION"
	else
		cesutg_log err "alerte : envoi à $CESUTG_MAIL_EXPLOITATION impossible (cesutg-mail, code $_r)"
	fi
}

# cesutg_fin: the run summary (journal, syslog; stderr when it failed, for
# cron's mail), the failure mail (CESUTG_MAIL=1), and the exit code.
cesutg_fin() {
	_m="fin, code $rc en $(($(date +%s) - t0)) s :$resume"
	if [ "$rc" -eq 0 ]; then cesutg_log info "$_m"; else cesutg_log err "$_m"; fi
	if [ "$rc" -ne 0 ] || [ "${CESUTG_BAVARD:-0}" = 1 ]; then
		echo "$prog: $_m" >&2
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 65 ] && [ "${CESUTG_MAIL:-0}" = 1 ]; then
		cesutg_alerte "$_m"
	fi
	exit "$rc"
}
