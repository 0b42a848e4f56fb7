/*
 * avis: the notice to a SAD that the Département integrated (acceptation)
 * or rejected (rejet) one of its invoices, CCTP annex 2 "mail
 * automatique". Reads the invoice extract on stdin and delivers one RFC
 * 5322 message (MIME, UTF-8) into a maildir-style outbox: written under
 * tmp/, fsync'd, then linked into new/, where the pipelines pick it up for
 * sendmail(8). See avis(1).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "buf.h"
#include "charset.h"
#include "err.h"
#include "extrait.h"
#include "lettres.h"

#define PDF_MAX	(64 * 1024 * 1024)	/* an invoice is far smaller */
#define COLONNES 72	/* body text wrapped here */

enum sorte { ACCEPTATION, REJET };

struct avis {
	enum sorte		 sorte;
	const struct extrait	*e;
	const char		*de;
	const char		*pdf;	/* its bytes, or NULL */
	size_t			 npdf;
	const char		*nompdf;
	time_t			 date;
	int			 fixe;	/* SOURCE_DATE_EPOCH: same input, same bytes */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: avis acceptation|rejet [--outbox DIR] [--pdf FICHIER] "
	    "[--de ADRESSE] < extrait.csv\n");
}

static void
aide(void)
{
	usage(stdout);
	printf("\nÉcrit dans la boîte d'envoi DIR (new/) l'avis au SAD de l'intégration\n"
	    "(acceptation) ou du rejet (rejet) de la facture lue sur l'entrée standard,\n"
	    "un extrait de « registre factures extrait NUMERO », et affiche le chemin\n"
	    "du message.\n\n"
	    "  --outbox DIR       boîte d'envoi (défaut $CESUTG_OUTBOX, sinon\n"
	    "                     $CESUTG_HOME/outbox, sinon ./var/outbox)\n"
	    "  --pdf FICHIER      la facture en PDF, jointe (obligatoire pour acceptation)\n"
	    "  --de ADRESSE       expéditeur (défaut $CESUTG_MAIL_DE)\n"
	    "  -h, --help         cette aide\n"
	    "  --version          version\n\n"
	    "Sorties : 0 succès, 64 usage, 65 extrait ou PDF invalide, 66 PDF illisible,\n"
	    "73 boîte d'envoi impossible à créer, 74 erreur d'écriture, 78 expéditeur\n"
	    "inconnu. Voir avis(1).\n");
}

/* A header value from the data must not start another header. */
static void
entete_sure(const char *quoi, const char *v)
{
	if (strpbrk(v, "\r\n") != NULL)
		die(EX_DATAERR, "%s : fin de ligne interdite dans un en-tête «%s»", quoi, v);
}

static void
base64(struct buf *b, const unsigned char *p, size_t n)
{
	unsigned char ligne[80];
	size_t k;
	int l;

	/* 57 bytes make one 76-character line (RFC 2045 §6.8) */
	for (; n > 0; p += k, n -= k) {
		k = n < 57 ? n : 57;
		l = EVP_EncodeBlock(ligne, p, (int)k);
		buf_add(b, (const char *)ligne, (size_t)l);
		buf_addc(b, '\n');
	}
}

/* Quoted-printable (RFC 2045 §6.7): the body travels as 7-bit ASCII. */
static void
qp(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	int col = 0, lit, w;

	for (; *p; p++) {
		if (*p == '\n') {
			buf_addc(b, '\n');
			col = 0;
			continue;
		}
		/* a space or tab before a line end would be lost: encode it */
		lit = (*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && p[1] != '\n' && p[1] != '\0');
		w = lit ? 1 : 3;
		if (col + w > 75) {
			buf_add(b, "=\n", 2);
			col = 0;
		}
		if (lit)
			buf_addc(b, (char)*p);
		else {
			buf_addc(b, '=');
			buf_addc(b, hex[*p >> 4]);
			buf_addc(b, hex[*p & 15]);
		}
		col += w;
	}
}

/* RFC 2047 encoded-words (B), each of whole UTF-8 characters, the ones
 * after the first on continuation lines. */
static void
mots_encodes(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char mot[80];
	size_t k;
	int l, premier = 1;

	while (n > 0) {
		k = n < 42 ? n : 42;	/* "Subject: " + 68 columns */
		while (k < n && (p[k] & 0xc0) == 0x80)
			k--;	/* not inside a character */
		l = EVP_EncodeBlock(mot, p, (int)k);
		buf_adds(b, premier ? " " : "\n ");
		buf_adds(b, "=?UTF-8?B?");
		buf_add(b, (const char *)mot, (size_t)l);
		buf_adds(b, "?=");
		p += k;
		n -= k;
		premier = 0;
	}
}

static int
ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static void
sujet(struct buf *b, const char *s)
{
	buf_adds(b, "Subject:");
	mots_encodes(b, s, strlen(s));
	buf_addc(b, '\n');
}

/* "Nom <adresse>" with a non-ASCII name: the name as encoded-words. */
static void
expediteur(struct buf *b, const char *de)
{
	const char *lt = strrchr(de, '<'), *fin;

	if (ascii(de)) {
		buf_addf(b, "From: %s\n", de);
		return;
	}
	if (lt == NULL || !ascii(lt))
		die(EX_USAGE, "--de : adresse ASCII attendue «%s»", de);
	for (fin = lt; fin > de && fin[-1] == ' '; fin--)
		;
	if (fin > de + 1 && *de == '"' && fin[-1] == '"') {
		de++;
		fin--;
	}
	buf_adds(b, "From:");
	mots_encodes(b, de, (size_t)(fin - de));
	buf_addf(b, " %s\n", lt);
}

/* Appends text wrapped at COLONNES characters: its leading spaces kept,
 * the next lines indented with retrait. */
static void
paragraphe(struct buf *b, const char *s, const char *retrait)
{
	const char *mot, *p = s;
	size_t col, lm, nm;

	while (*p == ' ')
		p++;
	buf_add(b, s, (size_t)(p - s));
	col = (size_t)(p - s);
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		for (mot = p; *p && *p != ' '; p++)
			;
		lm = (size_t)(p - mot);
		nm = utf8_nchars(mot, lm);
		if (col > 0 && col + 1 + nm > COLONNES && col > strlen(retrait)) {
			buf_addc(b, '\n');
			buf_adds(b, retrait);
			col = utf8_nchars(retrait, strlen(retrait));
		} else if (col > 0 && b->p[b->len - 1] != ' ') {
			buf_addc(b, ' ');
			col++;
		}
		buf_add(b, mot, lm);
		col += nm;
	}
	buf_addc(b, '\n');
}

/* An address list folded after its commas, lines under 78 characters. */
static void
adresses(struct buf *b, const char *nom, const char *liste)
{
	const char *p = liste, *v;
	size_t col = strlen(nom) + 1, l;

	buf_adds(b, nom);
	while (*p) {
		while (*p == ' ')
			p++;
		v = strchr(p, ',');
		l = v ? (size_t)(v - p) + 1 : strlen(p);
		if (col + 1 + l > 78 && col > strlen(nom) + 1) {
			buf_adds(b, "\n");
			col = 0;
		}
		buf_addc(b, ' ');
		buf_add(b, p, l);
		col += 1 + l;
		p += l;
	}
	buf_addc(b, '\n');
}

static void
date_rfc5322(struct buf *b, time_t t, int utc)
{
	static const char *const jours[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mois[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	long off;

	/* day and month names are English whatever the locale (RFC 5322 §3.3) */
	if ((utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL)
		die(EX_SOFTWARE, "date illisible");
	off = tm.tm_gmtoff / 60;
	buf_addf(b, "Date: %s, %02d %s %d %02d:%02d:%02d %c%02ld%02ld\n",
	    jours[tm.tm_wday], tm.tm_mday, mois[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
	    labs(off) / 60, labs(off) % 60);
}

/* The identifying part of Message-ID and of the MIME boundary: a digest of
 * the notice's content when the date is fixed, else random. */
static void
jeton(const struct avis *a, const struct buf *corps, char hex[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (a->fixe) {
		EVP_MD_CTX *c = EVP_MD_CTX_new();

		if (c == NULL || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) ||
		    !EVP_DigestUpdate(c, corps->p, corps->len) ||
		    (a->pdf && !EVP_DigestUpdate(c, a->pdf, a->npdf)) ||
		    !EVP_DigestFinal_ex(c, md, &n))
			die(EX_SOFTWARE, "SHA-256 impossible");
		EVP_MD_CTX_free(c);
	} else if (RAND_bytes(md, 16) != 1)
		die(EX_SOFTWARE, "aléa indisponible");
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static const char *
domaine(const char *adresse)
{
	const char *at = strrchr(adresse, '@'), *fin;
	static char d[256];

	if (at == NULL)
		return "cesutg.invalid";
	fin = strchr(at, '>');
	snprintf(d, sizeof d, "%.*s", (int)(fin ? fin - at - 1 : (long)strlen(at + 1)), at + 1);
	return *d ? d : "cesutg.invalid";
}

static void
identification(const struct avis *a, struct buf *b)
{
	const struct extrait *e = a->e;
	char d1[16], d2[16], m[64], t[64];

	extrait_mois(e->v[EX_MOIS], 1, m, sizeof m);
	buf_reset(b);
	buf_addf(b, "la facture n° %s (%s, code tiers %s), type d'aide %s, "
	    "mois de %s, période du %s au %s, d'un montant de %s", e->v[EX_NUMERO],
	    e->v[EX_NOM_SAD], e->v[EX_CODE_SAD], e->v[EX_FINANCEUR], m,
	    extrait_date(e->v[EX_DEBUT], d1, sizeof d1),
	    extrait_date(e->v[EX_FIN], d2, sizeof d2),
	    montant_affiche(e->total, t, sizeof t));
}

/* The rejected beneficiaries, each with SALSA's reasons and its lines. */
static void
rejetes(const struct avis *a, struct buf *b)
{
	const struct extrait *e = a->e;
	struct buf p = {0};
	char mois[16], h[32], t[64];
	size_t i, j, k, fin;

	for (i = 0; i < e->n; i = fin) {
		const char *id = extrait_val(&e->lignes[i], EX_ID);
		int rej = 0;

		for (fin = i; fin < e->n && strcmp(extrait_val(&e->lignes[fin], EX_ID), id) == 0; fin++)
			rej |= e->lignes[fin].rejetee;
		if (!rej)
			continue;
		buf_reset(&p);
		buf_addf(&p, "- %s %s (n° %s)", extrait_val(&e->lignes[i], EX_NOM),
		    extrait_val(&e->lignes[i], EX_PRENOM), id);
		paragraphe(b, p.p, "  ");
		for (j = i; j < fin; j++) {
			const char *motif = extrait_val(&e->lignes[j], EX_MOTIF);

			if (!e->lignes[j].rejetee || *motif == '\0')
				continue;
			for (k = i; k < j; k++)	/* each distinct reason once */
				if (e->lignes[k].rejetee &&
				    strcmp(extrait_val(&e->lignes[k], EX_MOTIF), motif) == 0)
					break;
			if (k < j)
				continue;
			buf_reset(&p);
			buf_addf(&p, "  Motif du rejet : %s", motif);
			paragraphe(b, p.p, "    ");
		}
		for (j = i; j < fin; j++) {
			const struct extrait_ligne *l = &e->lignes[j];

			if (!l->rejetee)
				continue;
			buf_reset(&p);
			buf_addf(&p, "  %s%s%s, %s : %s h, %s", extrait_val(l, EX_PRESTATION),
			    *extrait_val(l, EX_LIBELLE) ? " " : "", extrait_val(l, EX_LIBELLE),
			    extrait_mois(extrait_val(l, EX_MOIS_PRESTATION), 0, mois, sizeof mois),
			    extrait_decimal(l->quantite, h, sizeof h),
			    montant_affiche(l->montant, t, sizeof t));
			paragraphe(b, p.p, "    ");
		}
	}
	buf_free(&p);
}

static void
texte(const struct avis *a, struct buf *b, const char **objet)
{
	const struct extrait *e = a->e;
	struct buf p = {0}, id = {0};
	char t[64];
	static char o[256];
	int partielle = strcmp(e->v[EX_ETAT], "partielle") == 0;

	identification(a, &id);
	buf_adds(b, "Bonjour,\n\n");
	if (a->sorte == ACCEPTATION) {
		snprintf(o, sizeof o, "Facture n° %s intégrée par le Département",
		    e->v[EX_NUMERO]);
		buf_addf(&p, "Nous vous informons que %s, a été intégrée par le "
		    "Département%s", id.p, partielle ? ", à l'exception des lignes "
		    "des bénéficiaires rejetés, qui font l'objet d'un avis de rejet "
		    "séparé." : ".");
		paragraphe(b, p.p, "");
		buf_reset(&p);
		buf_addf(&p, "Montant intégré : %s.", montant_affiche(e->total - e->rejete,
		    t, sizeof t));
		buf_addc(b, '\n');
		paragraphe(b, p.p, "");
		buf_addc(b, '\n');
		paragraphe(b, "La facturation de ce mois est définitive, sous réserve "
		    "d'éventuelles factures complémentaires. La facture au format PDF, "
		    "pièce justificative à joindre au paiement, est jointe à ce message.", "");
	} else {
		snprintf(o, sizeof o, "Facture n° %s : %s", e->v[EX_NUMERO],
		    e->nrejetees > 0 ? "bénéficiaires rejetés par le Département" :
		    "rejetée par le Département");
		if (e->nrejetees > 0) {
			buf_addf(&p, "Nous vous informons que le Département a rejeté, "
			    "dans %s, les bénéficiaires suivants :", id.p);
			paragraphe(b, p.p, "");
			buf_addc(b, '\n');
			rejetes(a, b);
			buf_reset(&p);
			buf_addf(&p, "Montant rejeté : %s.", montant_affiche(e->rejete, t, sizeof t));
			buf_addc(b, '\n');
			paragraphe(b, p.p, "");
		} else {
			buf_addf(&p, "Nous vous informons que %s, a été rejetée en "
			    "totalité par le Département.", id.p);
			paragraphe(b, p.p, "");
		}
		buf_addc(b, '\n');
		paragraphe(b, "Après correction des dossiers s'il y a lieu, ces prestations "
		    "seront reprises dans une facture complémentaire du même mois.", "");
	}
	buf_addc(b, '\n');
	buf_reset(&p);
	buf_addf(&p, "Message envoyé automatiquement par l'opérateur de télégestion "
	    "pour le compte de : %s. Merci de ne pas y répondre.", e->v[EX_NOM_DEP]);
	paragraphe(b, p.p, "");
	*objet = o;
	buf_free(&p);
	buf_free(&id);
}

/* The invoice number as a safe file name. */
static void
nom_piece(const char *numero, char *buf, size_t n)
{
	size_t i, k;

	k = (size_t)snprintf(buf, n, "facture-");
	for (i = 0; numero[i] && k + 5 < n; i++) {
		unsigned char c = (unsigned char)numero[i];

		buf[k++] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ? (char)c : '_';
	}
	snprintf(buf + k, n - k, ".pdf");
}

static void
message(const struct avis *a, struct buf *m)
{
	const struct extrait *e = a->e;
	struct buf corps = {0};
	const char *objet;
	char j[33], piece[64];

	texte(a, &corps, &objet);
	jeton(a, &corps, j);
	expediteur(m, a->de);
	adresses(m, "To:", e->v[EX_COURRIELS]);
	sujet(m, objet);
	date_rfc5322(m, a->date, a->fixe);	/* fixed: UTC, not TZ's */
	buf_addf(m, "Message-ID: <avis.%lld.%s@%s>\n", (long long)a->date, j,
	    domaine(a->de));
	buf_adds(m, "Auto-Submitted: auto-generated\n");
	buf_addf(m, "X-Cesutg-Avis: %s %s\n", a->sorte == ACCEPTATION ?
	    "acceptation" : "rejet", e->v[EX_NUMERO]);
	buf_adds(m, "MIME-Version: 1.0\n");
	if (a->pdf) {
		buf_addf(m, "Content-Type: multipart/mixed; boundary=\"=_cesutg_%s\"\n\n", j);
		buf_adds(m, "Ce message est au format MIME.\n\n");
		buf_addf(m, "--=_cesutg_%s\n", j);
	}
	buf_adds(m, "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n");
	qp(m, corps.p);
	if (a->pdf) {
		nom_piece(e->v[EX_NUMERO], piece, sizeof piece);
		buf_addf(m, "\n--=_cesutg_%s\n", j);
		buf_addf(m, "Content-Type: application/pdf; name=\"%s\"\n"
		    "Content-Disposition: attachment; filename=\"%s\"\n"
		    "Content-Transfer-Encoding: base64\n\n", piece, piece);
		base64(m, (const unsigned char *)a->pdf, a->npdf);
		buf_addf(m, "\n--=_cesutg_%s--\n", j);
	}
	buf_free(&corps);
}

static char *
lire_pdf(const char *path, size_t *n)
{
	struct buf b = {0};
	char t[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		die(EX_NOINPUT, "%s : lecture impossible: %s", path, strerror(errno));
	buf_grow(&b, 0);
	while ((r = read(fd, t, sizeof t)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			die(EX_NOINPUT, "%s : lecture impossible: %s", path, strerror(errno));
		}
		if (b.len + (size_t)r > PDF_MAX)
			die(EX_DATAERR, "%s : PDF de plus de %d Mo", path, PDF_MAX >> 20);
		buf_add(&b, t, (size_t)r);
	}
	close(fd);
	if (b.len < 5 || memcmp(b.p, "%PDF-", 5) != 0)
		die(EX_DATAERR, "%s : pas un PDF (%%PDF- attendu au début)", path);
	*n = b.len;
	return b.p;
}

static void
repertoire(const char *dir)
{
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		die(EX_CANTCREAT, "%s : création impossible: %s", dir, strerror(errno));
}

static void
syncdir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1 || fsync(fd) == -1)
		die(EX_IOERR, "%s : synchronisation impossible: %s", dir, strerror(errno));
	close(fd);
}

/* Maildir delivery: tmp/NAME written and fsync'd, linked to new/NAME (never
 * over another message), tmp/NAME removed. Returns new/NAME. */
static char *
deposer(const char *outbox, const struct buf *m)
{
	struct buf tmp = {0}, nouv = {0}, d = {0};
	char hote[256];
	unsigned q;
	size_t i, k;
	ssize_t w;
	int fd = -1;

	repertoire(outbox);
	for (i = 0; i < 3; i++) {
		buf_reset(&d);
		buf_addf(&d, "%s/%s", outbox, i == 0 ? "tmp" : i == 1 ? "new" : "cur");
		repertoire(d.p);
	}
	if (gethostname(hote, sizeof hote) == -1)
		snprintf(hote, sizeof hote, "localhost");
	hote[sizeof hote - 1] = '\0';
	for (i = 0; hote[i]; i++)
		if (hote[i] == '/' || hote[i] == ':')
			hote[i] = '_';
	for (q = 0; q < 1000; q++) {
		buf_reset(&tmp);
		buf_reset(&nouv);
		buf_addf(&tmp, "%s/tmp/%lld.P%ldQ%u.%s", outbox, (long long)time(NULL),
		    (long)getpid(), q, hote);
		buf_addf(&nouv, "%s/new/%s", outbox, strrchr(tmp.p, '/') + 1);
		if (access(nouv.p, F_OK) == 0)
			continue;
		if ((fd = open(tmp.p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) != -1)
			break;
		if (errno != EEXIST)
			die(EX_CANTCREAT, "%s : création impossible: %s", tmp.p, strerror(errno));
	}
	if (fd == -1)
		die(EX_CANTCREAT, "%s/tmp : aucun nom libre", outbox);
	for (k = 0; k < m->len; k += (size_t)w)
		if ((w = write(fd, m->p + k, m->len - k)) == -1) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			unlink(tmp.p);
			die(EX_IOERR, "%s : écriture impossible: %s", tmp.p, strerror(errno));
		}
	if (fsync(fd) == -1 || close(fd) == -1) {
		unlink(tmp.p);
		die(EX_IOERR, "%s : écriture impossible: %s", tmp.p, strerror(errno));
	}
	if (link(tmp.p, nouv.p) == -1) {
		unlink(tmp.p);
		die(EX_CANTCREAT, "%s : dépôt impossible: %s", nouv.p, strerror(errno));
	}
	unlink(tmp.p);
	buf_reset(&d);
	buf_addf(&d, "%s/new", outbox);
	syncdir(d.p);
	buf_free(&tmp);
	buf_free(&d);
	return nouv.p;
}

static time_t
maintenant(int *fixe)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *fin;
	long long v;

	*fixe = 0;
	if (s == NULL || *s == '\0')
		return time(NULL);
	errno = 0;
	v = strtoll(s, &fin, 10);
	if (errno != 0 || *fin != '\0' || v < 0)
		die(EX_USAGE, "SOURCE_DATE_EPOCH : nombre de secondes attendu «%s»", s);
	*fixe = 1;
	return (time_t)v;
}

int
main(int argc, char **argv)
{
	static const struct option longues[] = {
		{"outbox", required_argument, NULL, 'o'},
		{"pdf", required_argument, NULL, 'p'},
		{"de", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}
	};
	struct avis a = {0};
	struct extrait e;
	struct buf m = {0}, defaut = {0};
	const char *outbox = NULL, *pdf = NULL, *env;
	char *chemin, *pdfbuf = NULL;
	int ch;

	err_setprog(argv[0]);
	opterr = 0;	/* our own message, in French */
	while ((ch = getopt_long(argc, argv, "h", longues, NULL)) != -1) {
		switch (ch) {
		case 'o':
			outbox = optarg;
			break;
		case 'p':
			pdf = optarg;
			break;
		case 'd':
			a.de = optarg;
			break;
		case 'h':
			aide();
			return err_stdout();
		case 'V':
			printf("avis (cesutg) %s\n", CESUTG_VERSION);
			return err_stdout();
		default:
			warnx_("option inconnue, ou sans sa valeur: «%s»",
			    argv[optind - 1]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1 || (strcmp(argv[0], "acceptation") != 0 &&
	    strcmp(argv[0], "rejet") != 0)) {
		usage(stderr);
		return EX_USAGE;
	}
	a.sorte = strcmp(argv[0], "acceptation") == 0 ? ACCEPTATION : REJET;
	if (a.sorte == ACCEPTATION && pdf == NULL)
		die(EX_USAGE, "acceptation : la facture en PDF (--pdf FICHIER) est à joindre");
	if (a.de == NULL && (env = getenv("CESUTG_MAIL_DE")) != NULL && *env)
		a.de = env;
	if (a.de == NULL || *a.de == '\0')
		die(EX_CONFIG, "expéditeur inconnu : --de ADRESSE ou CESUTG_MAIL_DE");
	entete_sure("--de", a.de);
	if (outbox == NULL) {
		if ((env = getenv("CESUTG_OUTBOX")) != NULL && *env)
			buf_adds(&defaut, env);
		else
			buf_addf(&defaut, "%s/outbox", (env = getenv("CESUTG_HOME")) &&
			    *env ? env : "./var");
		outbox = defaut.p;
	}
	a.date = maintenant(&a.fixe);

	extrait_lire(&e, 0, "stdin");
	a.e = &e;
	if (*e.v[EX_COURRIELS] == '\0')
		die(EX_DATAERR, "stdin : facture %s : le SAD %s n'a pas d'adresse "
		    "électronique (courriels_sad vide)", e.v[EX_NUMERO], e.v[EX_CODE_SAD]);
	entete_sure("courriels_sad", e.v[EX_COURRIELS]);
	if (a.sorte == ACCEPTATION && strcmp(e.v[EX_ETAT], "integree") != 0 &&
	    strcmp(e.v[EX_ETAT], "partielle") != 0)
		die(EX_DATAERR, "stdin : facture %s à l'état «%s» : acceptation pour une "
		    "facture integree ou partielle seulement", e.v[EX_NUMERO], e.v[EX_ETAT]);
	if (a.sorte == REJET && strcmp(e.v[EX_ETAT], "rejetee") != 0 &&
	    strcmp(e.v[EX_ETAT], "partielle") != 0)
		die(EX_DATAERR, "stdin : facture %s à l'état «%s» : rejet pour une "
		    "facture rejetee ou partielle seulement", e.v[EX_NUMERO], e.v[EX_ETAT]);
	if (pdf != NULL)
		a.pdf = pdfbuf = lire_pdf(pdf, &a.npdf);

	message(&a, &m);
	chemin = deposer(outbox, &m);
	printf("%s\n", chemin);
	err_stdout();
	free(chemin);
	free(pdfbuf);
	buf_free(&m);
	buf_free(&defaut);
	extrait_liberer(&e);
	return 0;
}
