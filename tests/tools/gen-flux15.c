/*
 * gen-flux15: a deterministic, entirely fictitious Flux 15 horodatages
 * file for the benchmarks: every correction code, UTF-8 reasons, visits
 * crossing the October DST change.
 *   gen-flux15 [-s SEED] VISITS
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "out.h"
#include "gen.h"

static const char *motifs[] = { "Appel tardif, heures du planning",
	"Départ non badgé", "Téléphone du domicile en dérangement",
	"Intervention d'urgence non planifiée", "Badge passé par erreur" };

/* An instant of day d of October 2026, h:m local time (DST until the 25th). */
static void
instant(struct buf *b, int d, int h, int m)
{
	int summer = d < 25 || (d == 25 && h < 2);

	while (h >= 24) {
		h -= 24;
		d++;
	}
	buf_addf(b, "2026-10-%02dT%02d:%02d:%02d%s", d, h, m, (int)rnd(60),
	    summer ? "+02:00" : "+01:00");
}

int
main(int argc, char **argv)
{
	struct buf l = {0};
	struct out o;
	unsigned long n, i;
	int ch;

	err_setprog(argv[0]);
	while ((ch = getopt(argc, argv, "s:")) != -1) {
		if (ch != 's')
			die(EX_USAGE, "usage: gen-flux15 [-s graine] interventions");
		gen_seed(optarg);
	}
	if (optind + 1 != argc)
		die(EX_USAGE, "usage: gen-flux15 [-s graine] interventions");
	n = strtoul(argv[optind], NULL, 10);
	out_init(&o, 1, "la sortie standard");
	out_puts(&o, "DEB|F15|1|horodatages|SAD075012|2026-11-02T03:00:00+01:00|118\n");
	for (i = 0; i < n; i++) {
		int d = 1 + (int)rnd(24), h = 7 + (int)rnd(12), m = (int)rnd(50);
		int len = 1 + (int)rnd(3), k = (int)rnd(20);
		struct buf a = {0}, z = {0}, pa = {0}, pz = {0};

		instant(&a, d, h, m + 1);
		instant(&z, d, h + len, m);
		instant(&pa, d, h, 0);
		instant(&pz, d, h + len, 0);
		if (rnd(1000) == 0) {	/* a night across the DST change */
			buf_reset(&a);
			buf_reset(&z);
			buf_adds(&a, "2026-10-25T01:30:00+02:00");
			buf_adds(&z, "2026-10-25T02:15:00+01:00");
			k = 0;
		}
		buf_reset(&l);
		buf_addf(&l, "DET|V%09lu|C%06u|I%05u|AD%u|", i + 1,
		    rnd(200000), rnd(20000), 1 + rnd(2));
		if (k < 12)	/* raw kept */
			buf_addf(&l, "TEL|01%08u|%s|%s|%s|%s|||||", rnd(100000000),
			    a.p, z.p, a.p, z.p);
		else if (k < 16)
			buf_addf(&l, "APP|06%08u|%s|%s|%s|%s|15|MHO|%s|m.durand|%s",
			    rnd(100000000), a.p, z.p, pa.p, pz.p, motifs[0],
			    z.p);
		else if (k < 18)
			buf_addf(&l, "NFC||%s||%s|%s||COD|%s|m.durand|%s", a.p,
			    a.p, z.p, motifs[1], z.p);
		else if (k < 19)
			buf_addf(&l, "MAN||||%s|%s||CRE|%s|m.durand|%s", a.p, z.p,
			    motifs[3], z.p);
		else
			buf_addf(&l, "TEL|01%08u|%s|%s||||SUP|%s|m.durand|%s",
			    rnd(100000000), a.p, z.p, motifs[4], z.p);
		buf_addc(&l, '\n');
		out_write(&o, l.p, l.len);
		buf_free(&a);
		buf_free(&z);
		buf_free(&pa);
		buf_free(&pz);
	}
	buf_reset(&l);
	buf_addf(&l, "FIN|%lu\n", n + 2);
	out_write(&o, l.p, l.len);
	out_flush(&o);
	out_free(&o);
	buf_free(&l);
	return 0;
}
