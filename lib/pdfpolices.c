/* pdf_polices_systeme(): see pdf.h. Apart from pdf.c, so that a command
 * that does not call it needs no -lfontconfig. */
#include <stdlib.h>

#include <fontconfig/fontconfig.h>

#include "pdf.h"

/*
 * Reading the whole fontconfig configuration (dozens of XML files) costs
 * more than laying out a small invoice. The fonts under the standard
 * directory, known through the system's font cache, are enough for DejaVu;
 * where they are not (another layout of the system), the usual
 * configuration is read.
 */
void
pdf_polices_systeme(void)
{
#ifdef CESUTG_FC_CACHEDIR
	static int fait;
	static const char xml[] = "<?xml version=\"1.0\"?><fontconfig>"
	    "<dir>/usr/share/fonts</dir><cachedir>" CESUTG_FC_CACHEDIR
	    "</cachedir></fontconfig>";
	FcConfig *c;
	FcPattern *p;
	FcObjectSet *o;
	FcFontSet *f = NULL;

	if (fait++ || getenv("FONTCONFIG_FILE") != NULL)
		return;
	if ((c = FcConfigCreate()) == NULL)
		return;
	if (FcConfigParseAndLoadFromMemory(c, (const FcChar8 *)xml, FcFalse) &&
	    FcConfigBuildFonts(c)) {
		p = FcNameParse((const FcChar8 *)"DejaVu Sans");
		o = FcObjectSetBuild(FC_FILE, (char *)NULL);
		if (p && o)
			f = FcFontList(c, p, o);
		if (p)
			FcPatternDestroy(p);
		if (o)
			FcObjectSetDestroy(o);
	}
	if (f != NULL && f->nfont > 0 && FcConfigSetCurrent(c))
		c = NULL;
	if (f != NULL)
		FcFontSetDestroy(f);
	if (c != NULL)
		FcConfigDestroy(c);
#endif
}

