#include "err.h"
#include "registre.h"

int
cmd_export(int argc, char **argv)
{
	(void)argc; (void)argv;
	die(EX_SOFTWARE, "todo");
}

int
cmd_import(int argc, char **argv)
{
	(void)argc; (void)argv;
	die(EX_SOFTWARE, "todo");
}
