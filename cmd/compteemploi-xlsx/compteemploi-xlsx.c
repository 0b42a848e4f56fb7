/*
 * compteemploi-xlsx: the compte d'emploi CSV (registre cesu compte-emploi)
 * as an XLSX workbook: the table with its totals, and per order month the
 * value issued and refunded with a native column chart (I6, I7). Rows are
 * streamed (libxlsxwriter's constant_memory mode); only the per-month sums
 * of the chart are held. See compteemploi-xlsx(1).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "compteemploi.h"
#include "err.h"

/* XLSX cells hold IEEE doubles: cents are turned into euros only here,
 * once per cell; every sum is done on the int64 cents. */
static double
euros(int64_t cents)
{
	return (double)cents / 100;
}

static void
verifier(lxw_error e, const char *quoi)
{
	if (e != LXW_NO_ERROR)
		die(EX_SOFTWARE, "%s : %s", quoi, lxw_strerror(e));
}

static void
cellule(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int montant, int64_t v,
    lxw_format *fm, lxw_format *fn)
{
	verifier(worksheet_write_number(ws, r, c, montant ? euros(v) :
	    (double)v, montant ? fm : fn), "écriture d'une cellule");
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage : compteemploi-xlsx FICHIER.xlsx < compte-emploi.csv\n"
	    "Écrit le compte d'emploi CESU (registre cesu compte-emploi) en "
	    "classeur XLSX,\navec un graphique émis / remboursé par mois de "
	    "commande ; « - » : sortie standard.\n");
}

/* Copies the finished workbook to stdout. */
static void
vers_sortie(const char *tmp)
{
	char blk[65536];
	ssize_t n;
	int fd = open(tmp, O_RDONLY);

	if (fd < 0)
		die(EX_IOERR, "%s : %s", tmp, strerror(errno));
	while ((n = read(fd, blk, sizeof blk)) > 0)
		if (fwrite(blk, 1, (size_t)n, stdout) != (size_t)n)
			die(EX_IOERR, "sortie standard : %s", strerror(errno));
	if (n < 0 || fflush(stdout) != 0)
		die(EX_IOERR, "copie du classeur : %s", strerror(errno));
	close(fd);
}

static char *tmp_nom;

static void
nettoyer(void)
{
	if (tmp_nom != NULL)
		unlink(tmp_nom);
}

int
main(int argc, char **argv)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	lxw_workbook *wb;
	lxw_worksheet *ws, *wm;
	lxw_format *ft, *fh, *fm, *fn, *fmt, *fnt;
	lxw_chart *ch;
	lxw_chart_series *s;
	struct ce_lecteur l;
	struct ce_ligne x;
	struct ce_mois *mo;
	int64_t tot[CE_NVAL] = { 0 };
	const char *cible;
	lxw_row_t r;
	char *dir, *p;
	int k, i, fd;

	err_setprog(argv[0]);
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '\0') {
		usage(stderr);
		return EX_USAGE;
	}
	cible = argv[1];
	/* The temporary sits beside the target, so that rename is atomic. */
	dir = xstrdup(strcmp(cible, "-") == 0 ? "/tmp/x" : cible);
	if ((p = strrchr(dir, '/')) != NULL)
		p[1] = '\0';
	else
		dir[0] = '\0';
	tmp_nom = xmalloc(strlen(dir) + 32);
	sprintf(tmp_nom, "%s.compteemploi.XXXXXX", dir);
	if ((fd = mkstemp(tmp_nom)) < 0)
		die(EX_CANTCREAT, "%s : %s", tmp_nom, strerror(errno));
	close(fd);
	err_onfatal(nettoyer);
	opt.tmpdir = dir[0] != '\0' ? dir : NULL;
	if ((wb = workbook_new_opt(tmp_nom, &opt)) == NULL)
		die(EX_CANTCREAT, "%s : classeur impossible à créer", tmp_nom);
	ws = workbook_add_worksheet(wb, "Compte d'emploi");
	wm = workbook_add_worksheet(wb, "Par mois");
	ft = workbook_add_format(wb);
	format_set_bold(ft);
	format_set_font_size(ft, 14);
	fh = workbook_add_format(wb);
	format_set_bold(fh);
	format_set_text_wrap(fh);
	format_set_bottom(fh, LXW_BORDER_THIN);
	fm = workbook_add_format(wb);
	format_set_num_format(fm, "#,##0.00\\ \"€\"");
	fn = workbook_add_format(wb);
	format_set_num_format(fn, "#,##0");
	fmt = workbook_add_format(wb);
	format_set_num_format(fmt, "#,##0.00\\ \"€\"");
	format_set_bold(fmt);
	format_set_top(fmt, LXW_BORDER_THIN);
	fnt = workbook_add_format(wb);
	format_set_num_format(fnt, "#,##0");
	format_set_bold(fnt);
	format_set_top(fnt, LXW_BORDER_THIN);

	worksheet_write_string(ws, 0, 0, "Compte d'emploi CESU par aide et "
	    "mois de commande", ft);
	worksheet_set_column(ws, 0, 1, 11, NULL);
	worksheet_set_column(ws, 2, CE_NCOL - 1, 14, NULL);
	for (k = 0; k < CE_NCOL; k++)
		worksheet_write_string(ws, 2, (lxw_col_t)k, ce_libelles[k], fh);
	mo = xcalloc(1, sizeof *mo);
	ce_ouvrir(&l, 0, "entrée standard");
	for (r = 3; ce_suivante(&l, &x); r++) {
		worksheet_write_string(ws, r, 0, x.aide, NULL);
		worksheet_write_string(ws, r, 1, x.mois, NULL);
		for (k = 0; k < CE_NVAL; k++) {
			cellule(ws, r, (lxw_col_t)(k + 2), CE_MONTANT(k), x.v[k],
			    fm, fn);
			tot[k] += x.v[k];
		}
		ce_mois_ajouter(mo, &x);
	}
	ce_fermer(&l);
	worksheet_write_string(ws, r, 0, "Total", fnt);
	worksheet_write_blank(ws, r, 1, fnt);
	for (k = 0; k < CE_NVAL; k++)
		cellule(ws, r, (lxw_col_t)(k + 2), CE_MONTANT(k), tot[k], fmt,
		    fnt);

	/* Per month, in month order (the CSV is by aid, then month). */
	ce_mois_trier(mo);
	worksheet_set_column(wm, 0, 2, 16, NULL);
	worksheet_write_string(wm, 0, 0, "Mois de commande", fh);
	worksheet_write_string(wm, 0, 1, ce_libelles[CE_EMIS + 2], fh);
	worksheet_write_string(wm, 0, 2, ce_libelles[CE_REMBOURSE + 2], fh);
	for (i = 0; i < mo->n; i++) {
		worksheet_write_string(wm, (lxw_row_t)i + 1, 0, mo->mois[i], NULL);
		cellule(wm, (lxw_row_t)i + 1, 1, 1, mo->emis[i], fm, fn);
		cellule(wm, (lxw_row_t)i + 1, 2, 1, mo->rembourse[i], fm, fn);
	}
	if (mo->n > 0) {
		ch = workbook_add_chart(wb, LXW_CHART_COLUMN);
		chart_title_set_name(ch, "Émis et remboursés par mois de commande");
		for (k = 1; k <= 2; k++) {
			s = chart_add_series(ch, NULL, NULL);
			chart_series_set_categories(s, "Par mois", 1, 0,
			    (lxw_row_t)mo->n, 0);
			chart_series_set_values(s, "Par mois", 1, (lxw_col_t)k,
			    (lxw_row_t)mo->n, (lxw_col_t)k);
			chart_series_set_name_range(s, "Par mois", 0,
			    (lxw_col_t)k);
		}
		chart_axis_set_name(ch->y_axis, "euros");
		chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
		worksheet_insert_chart(wm, 1, 4, ch);
	}
	free(mo);
	verifier(workbook_close(wb), "écriture du classeur");
	if (chmod(tmp_nom, 0600) != 0)
		die(EX_IOERR, "%s : %s", tmp_nom, strerror(errno));
	if (strcmp(cible, "-") == 0)
		vers_sortie(tmp_nom);
	else {
		if ((fd = open(tmp_nom, O_RDONLY)) < 0 || fsync(fd) != 0)
			die(EX_IOERR, "%s : %s", tmp_nom, strerror(errno));
		close(fd);
		if (rename(tmp_nom, cible) != 0)
			die(EX_CANTCREAT, "%s : %s", cible, strerror(errno));
		free(tmp_nom);
		tmp_nom = NULL;
	}
	nettoyer();
	free(tmp_nom);
	free(dir);
	return 0;
}
