/*
 * out.c - the kernel's mon_printf (see out.h): straight to every console through kvprintf.
 */
#include "kernel/monitor/out.h"
#include "kernel/lib/printf.h"

void mon_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
