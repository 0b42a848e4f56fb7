/* pdf_polices_systeme(): see pdf.h. Apart from pdf.c, so that a command
 * that does not call it needs no -lfontconfig. */
#include <stdlib.h>
#include <string.h>

#include <fontconfig/fontconfig.h>

#include "pdf.h"

#ifdef CESUTG_FC_CACHEDIR
/* A configuration of the fonts under dir, from the system's font cache. */
static FcConfig *
config(const char *dir)
{
	static const char debut[] = "<?xml version=\"1.0\"?><fontconfig><dir>";
	static const char fin[] = "</dir><cachedir>" CESUTG_FC_CACHEDIR
	    "</cachedir></fontconfig>";
	FcConfig *c;
	char *xml;
	size_t n = strlen(dir);
	int ok;

	if (strpbrk(dir, "<>&\"'") != NULL || (c = FcConfigCreate()) == NULL)
		return NULL;
	if ((xml = malloc(sizeof debut + n + sizeof fin)) == NULL) {
		FcConfigDestroy(c);
		return NULL;
	}
	memcpy(xml, debut, sizeof debut - 1);
	memcpy(xml + sizeof debut - 1, dir, n);
	memcpy(xml + sizeof debut - 1 + n, fin, sizeof fin);
	ok = FcConfigParseAndLoadFromMemory(c, (const FcChar8 *)xml, FcFalse) &&
	    FcConfigBuildFonts(c);
	free(xml);
	if (!ok) {
		FcConfigDestroy(c);
		return NULL;
	}
	return c;
}

/* The directory of DejaVu Sans in c, malloc'd; NULL if it is not there. */
static char *
dejavu(FcConfig *c)
{
	FcPattern *p = FcNameParse((const FcChar8 *)"DejaVu Sans");
	FcObjectSet *o = FcObjectSetBuild(FC_FILE, (char *)NULL);
	FcFontSet *f = NULL;
	FcChar8 *file;
	char *dir = NULL, *s;

	if (p && o)
		f = FcFontList(c, p, o);
	if (f != NULL && f->nfont > 0 &&
	    FcPatternGetString(f->fonts[0], FC_FILE, 0, &file) == FcResultMatch &&
	    (dir = strdup((const char *)file)) != NULL) {
		if ((s = strrchr(dir, '/')) != NULL && s != dir)
			*s = '\0';
		else {
			free(dir);
			dir = NULL;
		}
	}
	if (f)
		FcFontSetDestroy(f);
	if (p)
		FcPatternDestroy(p);
	if (o)
		FcObjectSetDestroy(o);
	return dir;
}
#endif

/*
 * Reading the whole fontconfig configuration (dozens of XML files) costs
 * more than laying out a small invoice, and pango searches every font it
 * knows for each size and weight asked. The fonts of DejaVu's directory
 * under the standard one, known through the system's font cache, are
 * enough: DejaVu covers Latin, Greek and Cyrillic and the signs of an
 * invoice (the URW fonts beside it cover no more, and pango does not use
 * Type 1). Where DejaVu is not found there (another layout of the
 * system), the usual configuration is read.
 */
void
pdf_polices_systeme(void)
{
#ifdef CESUTG_FC_CACHEDIR
	static int fait;
	FcConfig *tout, *c = NULL;
	char *dir = NULL;

	if (fait++ || getenv("FONTCONFIG_FILE") != NULL)
		return;
	/* where Debian's fonts-dejavu-core puts it, else found */
	if ((c = config("/usr/share/fonts/truetype/dejavu")) != NULL &&
	    (dir = dejavu(c)) != NULL && FcConfigSetCurrent(c)) {
		free(dir);
		return;
	}
	free(dir);
	dir = NULL;
	if (c != NULL)
		FcConfigDestroy(c);
	c = NULL;
	if ((tout = config("/usr/share/fonts")) == NULL)
		return;
	if ((dir = dejavu(tout)) != NULL && (c = config(dir)) != NULL &&
	    FcConfigSetCurrent(c))
		c = NULL;
	else if (dir != NULL && FcConfigSetCurrent(tout))
		tout = NULL;
	free(dir);
	if (c != NULL)
		FcConfigDestroy(c);
	if (tout != NULL)
		FcConfigDestroy(tout);
#endif
}
