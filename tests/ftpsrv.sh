# Sourced by the transfer tests (tests/integration/ftps.sh and
# pipelines-kill.sh): a CA, server and client certificates made by openssl,
# and a ProFTPD with mod_tls on 127.0.0.1 (TLSRequired, TLSVerifyClient,
# TLS 1.2 minimum).
#   ftpsrv_absent: why the server cannot run here (empty: it can).
#   ftpsrv_demarrer: needs W (the test's directory) and T (its name); makes
#     $W/pki (P: ac, autre, serveur, client, intrus), serves $W/ftp (F) as
#     user cesutg (netrc $W/netrc), sets U (its ftp:// URL), SRV (its pid:
#     the caller kills it at exit), uid and gid (the owner its files need).
#     FTPSRV_CONF: more lines for proftpd.conf.
#   partner NAME URL CERT CA: a partner's settings for cesutg.conf.
#   collect DIR INTO: see below; counts the names seen twice in dup.
ftpsrv_absent() {
	if ! command -v proftpd >/dev/null 2>&1; then
		echo "proftpd absent (paquets proftpd-core et proftpd-mod-crypto : sh scripts/deps)"
	elif [ ! -f /usr/lib/proftpd/mod_tls.so ]; then
		echo "mod_tls absent (paquet proftpd-mod-crypto : sh scripts/deps)"
	else
		for c in curl openssl flock setsid; do
			command -v $c >/dev/null 2>&1 ||
			    { echo "commande $c absente (sh scripts/deps)"; return; }
		done
	fi
}

ftpsrv_ca() {	# name
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/$1.key" -out "$P/$1.crt" \
	    -days 2 -subj "/CN=AC de test $1" 2>/dev/null
}

ftpsrv_cert() {	# name ca extension cn
	openssl req -newkey rsa:2048 -nodes -keyout "$P/$1.key" -out "$P/$1.csr" \
	    -subj "/CN=$4" 2>/dev/null &&
	openssl x509 -req -in "$P/$1.csr" -CA "$P/$2.crt" -CAkey "$P/$2.key" \
	    -CAcreateserial -days 2 -extfile "$P/ext.cnf" -extensions "$3" \
	    -out "$P/$1.crt" 2>/dev/null
}

ftpsrv_start() {	# port
	cat >"$W/proftpd.conf" <<EOF
ServerType standalone
ServerName "test cesutg"
DefaultAddress 127.0.0.1
SocketBindTight on
Port $1
PassivePorts $(($1 + 1)) $(($1 + 40))
User $user
Group $group
PidFile $W/proftpd.pid
ScoreboardFile $W/proftpd.scoreboard
DelayTable none
WtmpLog off
UseIPv6 off
UseReverseDNS off
ServerLog $W/server.log
SystemLog $W/system.log
TransferLog $W/xfer.log
AuthOrder mod_auth_file.c
AuthUserFile $W/ftpd.passwd
RequireValidShell off
$chroot
AllowOverwrite on
AllowStoreRestart on
AllowRetrieveRestart on
MaxInstances 60
LoadModule mod_tls.c
TLSEngine on
TLSLog $W/tls.log
TLSProtocol TLSv1.2 TLSv1.3
TLSRequired on
TLSVerifyClient on
TLSRSACertificateFile $P/serveur.crt
TLSRSACertificateKeyFile $P/serveur.key
TLSCACertificateFile $P/ac.crt
${FTPSRV_CONF:-}
EOF
	proftpd -n -c "$W/proftpd.conf" >"$W/daemon.log" 2>&1 &
	SRV=$!
	i=0
	while [ $i -lt 50 ]; do
		kill -0 "$SRV" 2>/dev/null || return 1
		grep -q 'STARTUP' "$W/daemon.log" "$W/system.log" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

ftpsrv_demarrer() {
	P=$W/pki
	mkdir "$P"
	printf '[srv]\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n[cli]\nextendedKeyUsage=clientAuth\n' >"$P/ext.cnf"
	ftpsrv_ca ac && ftpsrv_ca autre && ftpsrv_cert serveur ac srv 127.0.0.1 &&
	    ftpsrv_cert client ac cli cesutg && ftpsrv_cert intrus autre cli cesutg ||
	    { echo "ÉCHEC $T: certificats"; exit 1; }
	chmod 644 "$P"/*
	F=$W/ftp
	mkdir -p "$F"
	if [ "$(id -u)" -eq 0 ]; then
		user=nobody group=$(id -gn nobody) uid=$(id -u nobody) gid=$(id -g nobody)
		chroot="DefaultRoot ~"
	else
		user=$(id -un) group=$(id -gn) uid=$(id -u) gid=$(id -g)
		chroot=
	fi
	chown -R "$uid:$gid" "$F"
	echo "cesutg:$(openssl passwd -6 'mot de passe'):$uid:$gid::$F:/bin/false" >"$W/ftpd.passwd"
	chmod 600 "$W/ftpd.passwd"
	printf 'machine 127.0.0.1 login cesutg password "mot de passe"\n' >"$W/netrc"
	chmod 600 "$W/netrc"
	n=0
	until ftpsrv_start $((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000)); do
		kill "$SRV" 2>/dev/null
		n=$((n + 1))
		[ $n -lt 5 ] || { cat "$W/daemon.log"; echo "ÉCHEC $T: proftpd ne démarre pas"; exit 1; }
	done
	U=ftp://127.0.0.1:$(sed -n 's/^Port //p' "$W/proftpd.conf")
}

partner() {	# NAME URL CERT CA: the client key is named like its certificate
	cat <<EOF
CESUTG_$1_URL=$2
CESUTG_$1_CERT=$P/$3.crt
CESUTG_$1_CLE=$P/$3.key
CESUTG_$1_AC=$P/$4.crt
CESUTG_$1_NETRC=$W/netrc
EOF
}

# collect DIR INTO: moves the files of DIR into INTO, as the partner or the
# dispatcher takes them; a name seen twice is kept as NAME.doublon.N.
collect() {
	for f in "$1"/*; do
		[ -f "$f" ] || continue
		b=${f##*/}
		if [ -e "$2/$b" ]; then
			dup=$((dup + 1))
			b=$b.doublon.$dup
		fi
		mv "$f" "$2/$b"
	done
}
