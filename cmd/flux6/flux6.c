/*
 * flux6: Flux 6, charges à payer au CNCESU (CNCESU -> opérateur -> SALSA),
 * annex 1 of the CCTP. ';'-separated records DEB, DET..., FIC (one recap
 * per type of prestation), FIN; numbers zero-padded to their length,
 * hours in centi-hours and amounts in cents. parse checks every recap
 * against its DETs; emit recomputes them. See flux6(5).
 */
#include <stdio.h>
#include <string.h>

#include "cnf.h"

#define APP "FTCG"
#define D "AAAAMMJJ"
#define P FF_PADDED
#define R (FF_PADDED | FF_DERIVED)
#define HEAD(t) \
	{t ".1", "type_enregistrement", "Type Enregistrement", FT_CONST, 3, 0, 0, 0, 1, t, 0}, \
	{t ".2", "code_application", "Code Application", FT_CONST, 4, 0, 0, 0, 1, APP, 0}, \
	{t ".3", "code_conseil_departemental", "Code Conseil Départemental", FT_TEXT, 4, 0, 0, 0, 1, NULL, 0}, \
	{t ".4", "date_creation_fichier", "Date de création fichier", FT_DATE, 8, 0, 0, 0, 1, D, 0}, \
	{t ".5", "numero_ordre", "N° ordre", FT_INT, 5, 0, 0, 0, 1, NULL, P}

static const struct field fdeb[] = {
	HEAD("DEB"),
};

/* Indexes in fdet and ffic. */
enum { TYPE = 8, HIMP = 12, MIMP = 13, NATURE = 14 };
enum { FTYPE = 5, FNDET, FH1, FM1, FNREG, FH2, FM2, FH3, FM3, FTOTAL, FDATE };

static const struct field fdet[] = {
	HEAD("DET"),
	{"DET.6", "identifiant_beneficiaire", "Identifiant du bénéficiaire", FT_TEXT, 32, 0, 0, 0, 1, NULL, 0},
	{"DET.7", "index_prestation", "Index prestation", FT_TEXT, 32, 0, 0, 0, 0, NULL, 0},
	{"DET.8", "numero_employeur", "Numéro employeur", FT_TEXT, 14, 0, 0, 0, 1, NULL, 0},
	{"DET.9", "type_prestation", "Type de prestation (1 = APA, 2 = PCH, 3 = PCH enfant)", FT_CODE, 1, 0, 0, 0, 1, "1|2|3", 0},
	{"DET.10", "periode_emploi", "Période d'emploi", FT_MONTH, 6, 0, 0, 0, 1, "AAAAMM", 0},
	{"DET.11", "heures_plan_aide_cg", "Nombre d'heures du plan d'aide financées par le CG", FT_HOURS, 7, 2, 0, 0, 1, NULL, P},
	{"DET.12", "montant_prise_en_charge_cotisations", "Montant mensuel de prise en charge CG des cotisations", FT_MONEY, 7, 2, 0, 0, 1, NULL, P},
	{"DET.13", "heures_impactees", "Nombre d'heures impactées", FT_HOURS, 7, 2, 0, 0, 1, NULL, P},
	{"DET.14", "montant_prise_en_charge_impactee", "Montant de la prise en charge impactée", FT_MONEY, 7, 2, 0, 0, 1, NULL, P},
	{"DET.15", "nature_mouvement", "Nature du mouvement (1 = cotisation, 2 = régularisation débitrice, 3 = régularisation créditrice)", FT_CODE, 1, 0, 0, 0, 1, "1|2|3", 0},
	{"DET.16", "mois_facturation", "Mois de facturation", FT_MONTH, 6, 0, 0, 0, 1, "AAAAMM", 0},
};

static const struct field ffic[] = {
	HEAD("FIC"),
	{"FIC.6", "type_prestation", "Type de prestation (1 = APA, 2 = PCH, 3 = PCHE)", FT_CODE, 1, 0, 0, 0, 1, "1|2|3", FF_DERIVED},
	{"FIC.7", "nombre_periodes", "Nombre total de périodes d'emploi traitées", FT_INT, 9, 0, 0, 0, 1, NULL, R},
	{"FIC.8", "heures_facturees", "Nombre total d'heures facturées (nature 1)", FT_HOURS, 9, 2, 0, 0, 1, NULL, R},
	{"FIC.9", "montant_prise_en_charge", "Montant total de la prise en charge (nature 1)", FT_MONEY, 11, 2, 0, 0, 1, NULL, R},
	{"FIC.10", "nombre_regularisations", "Nombre total de régularisations (natures 2 et 3)", FT_INT, 9, 0, 0, 0, 0, NULL, R},
	{"FIC.11", "heures_regularisations_debitrices", "Nombre total d'heures régularisations débitrices (nature 2)", FT_HOURS, 9, 2, 0, 0, 0, NULL, R},
	{"FIC.12", "montant_regularisations_a_facturer", "Montant total des régularisations à facturer (nature 2)", FT_MONEY, 11, 2, 0, 0, 0, NULL, R},
	{"FIC.13", "heures_regularisations_creditrices", "Nombre total d'heures régularisations créditrices (nature 3)", FT_HOURS, 9, 2, 0, 0, 0, NULL, R},
	{"FIC.14", "montant_regularisations_a_deduire", "Montant total des régularisations à déduire (nature 3)", FT_MONEY, 11, 2, 0, 0, 0, NULL, R},
	{"FIC.15", "montant_total_facture", "Montant total facturé (zone 9 + zone 12 - zone 14)", FT_MONEY, 11, 2, 0, 0, 1, NULL, R},
	{"FIC.16", "date_limite_virement", "Date limite de réception du virement", FT_DATE, 8, 0, 0, 0, 1, D, 0},
};

static const struct field ffin[] = {
	HEAD("FIN"),
	{"FIN.6", "nombre_enregistrements", "Nombre total d'enregistrements (DEB, FIC et FIN compris)", FT_INT, 8, 0, 0, 0, 1, NULL, R},
};

#define N(a) (sizeof a / sizeof a[0])
static const struct recfmt deb = { "DEB", "début de fichier", fdeb, N(fdeb), 0 };
static const struct recfmt det = { "DET", "détail facturation", fdet, N(fdet), 0 };
static const struct recfmt fic = { "FIC", "récapitulatif", ffic, N(ffic), 0 };
static const struct recfmt fin = { "FIN", "fin de fichier", ffin, N(ffin), 0 };
static const struct recfmt *const recs[] = { &deb, &det, &fic, &fin };
static const struct recfmt *const recap[] = { &fic };

static const char *const prestation[] = { "APA", "PCH", "PCH enfant" };

/* What the DETs of one type of prestation add up to (FIC zones 7-15). */
static struct sums {
	int64_t	 z[FDATE];	/* indexed like ffic */
	int	 fic;		/* its FIC was read */
	char	 date[16];	/* FIC.16, canonical */
} sums[3];

static int
type_of(const char *v)
{
	return v[0] - '1';
}

static int
tally(struct fluxrun *r, const char *const *v, const size_t *vlen,
    const char *t, size_t tlen)
{
	struct sums *s = &sums[type_of(v[TYPE])];
	struct buf b = {0};
	int64_t h, m;
	int bad = 0;

	if (r->emit) {
		if (tlen == 0 || field_encode(&r->c, &ffic[FDATE], t, tlen,
		    &b) != 0) {
			if (tlen == 0)
				diag_field(DC_OBLIG, &ffic[FDATE], NULL, 0,
				    "champ obligatoire absent");
			bad = 1;
		} else if (s->date[0] && (strlen(s->date) != tlen ||
		    memcmp(s->date, t, tlen) != 0)) {
			diag_field(DC_REGLE, &ffic[FDATE], t, tlen,
			    "un seul récapitulatif par type de prestation: diffère de «%s» sur une ligne précédente du même type, trouvé",
			    s->date);
			bad = 1;
		} else if (!s->date[0])
			snprintf(s->date, sizeof s->date, "%.*s", (int)tlen, t);
		buf_free(&b);
		if (bad)
			return -1;
	}
	cnf_value(v[HIMP], vlen[HIMP], 2, &h);
	cnf_value(v[MIMP], vlen[MIMP], 2, &m);
	s->z[FNDET]++;
	switch (v[NATURE][0]) {
	case '1':
		s->z[FH1] += h;
		s->z[FM1] += m;
		break;
	case '2':
		s->z[FNREG]++;
		s->z[FH2] += h;
		s->z[FM2] += m;
		break;
	default:
		s->z[FNREG]++;
		s->z[FH3] += h;
		s->z[FM3] += m;
	}
	s->z[FTOTAL] = s->z[FM1] + s->z[FM2] - s->z[FM3];
	return 0;
}

static int
verify(struct fluxrun *r, const struct recfmt *rf, const struct row *v)
{
	int t = type_of(v->v[FTYPE]), i, bad = 0, sc;
	struct sums *s = &sums[t];
	struct buf want = {0};
	int64_t x;

	(void)rf;
	if (s->fic) {
		diag_record(DC_ORDRE,
		    "second récapitulatif FIC pour le type de prestation %d (%s)",
		    t + 1, prestation[t]);
		return 1;
	}
	s->fic = 1;
	snprintf(s->date, sizeof s->date, "%s", v->v[FDATE]);
	if (s->z[FNDET] == 0) {
		diag_record(DC_TOTAL,
		    "récapitulatif FIC pour le type de prestation %d (%s) sans aucun enregistrement DET de ce type",
		    t + 1, prestation[t]);
		return 1;
	}
	if (r->n.rejetees > 0)
		return 0;
	for (i = FNDET; i <= FTOTAL; i++) {
		sc = field_scale(&ffic[i]);
		if (cnf_value(v->v[i], v->len[i], sc, &x) == 0 && x == s->z[i])
			continue;
		buf_reset(&want);
		dec_format(&want, s->z[i], sc, '.');
		diag_field(DC_TOTAL, &ffic[i], v->v[i], v->len[i],
		    "récapitulatif FIC du type de prestation %d (%s), zone %d: attendu %s d'après les DET, trouvé%s",
		    t + 1, prestation[t], i + 1, want.p,
		    v->len[i] ? "" : " une zone vide");
		bad = 1;
	}
	buf_free(&want);
	return bad;
}

static const char *
limit(struct fluxrun *r, const char *key, size_t n)
{
	(void)r;
	(void)n;
	return sums[type_of(key)].date;
}

static int
parse_end(struct fluxrun *r)
{
	int t, bad = 0;

	(void)r;
	for (t = 0; t < 3; t++)
		if (sums[t].z[FNDET] > 0 && !sums[t].fic) {
			diag_fatal(DC_TOTAL,
			    "aucun récapitulatif FIC pour le type de prestation %d (%s), %lld enregistrement(s) DET",
			    t + 1, prestation[t], (long long)sums[t].z[FNDET]);
			bad = 1;
		}
	return bad;
}

static int
emit_end(struct fluxrun *r)
{
	const char *v[N(ffic)];
	size_t vlen[N(ffic)];
	struct buf b = {0};
	size_t off[N(ffic)];
	char type[2];
	int t, i, bad = 0;

	for (t = 0; t < 3 && !bad; t++) {
		if (sums[t].z[FNDET] == 0)
			continue;
		if (sums[t].z[FTOTAL] < 0) {
			diag_fatal(DC_TOTAL,
			    "type de prestation %d (%s): montant total facturé négatif (%lld centimes), la zone 15 n'a pas de signe",
			    t + 1, prestation[t], (long long)sums[t].z[FTOTAL]);
			bad = 1;
			break;
		}
		buf_reset(&b);
		for (i = FNDET; i <= FTOTAL; i++) {
			off[i] = b.len;
			dec_format(&b, sums[t].z[i], field_scale(&ffic[i]), '.');
			vlen[i] = b.len - off[i];
		}
		for (i = FNDET; i <= FTOTAL; i++)
			v[i] = b.p + off[i];
		type[0] = (char)('1' + t);
		type[1] = '\0';
		v[FTYPE] = type;
		vlen[FTYPE] = 1;
		v[FDATE] = sums[t].date;
		vlen[FDATE] = strlen(sums[t].date);
		bad = cnf_write(r, &fic, v, vlen) != 0;
	}
	buf_free(&b);
	return bad;
}

static int
end(struct fluxrun *r)
{
	return r->emit ? emit_end(r) : parse_end(r);
}

static const struct cnf cnf = {
	.deb = &deb, .det = &det, .fin = &fin,
	.recap = recap, .nrecap = N(recap),
	.ncommon = 5, .count = 5, .strict = 1,
	.tailkey = TYPE, .tailname = "date_limite_virement", .tail = limit,
	.det_hook = tally, .recap_hook = verify, .end_hook = end,
};

static const struct flux flux6 = {
	.name = "flux6",
	.summary = "Flux 6, charges à payer au CNCESU (CNCESU -> opérateur -> SALSA), séparateur ;.",
	.charset = "ISO-8859-15",
	.sep = ';',
	.recs = recs,
	.nrecs = N(recs),
};

int
main(int argc, char **argv)
{
	return cnf_main(&flux6, &cnf, argc, argv);
}
