/*
 * test_heap_env.c - a minimal host mm_env.h for the heap's tests, fuzzer and benchmark, used
 * while tests/host/host_env.c (the shared one) is not there: logging to stderr, mm_panic
 * prints "PANIC: ..." and aborts (the misuse tests run the misuse in a child process and read
 * the message), symbols through dladdr.
 */
#define _GNU_SOURCE
#include "mm/mm_env.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

void mm_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void mm_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("PANIC: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

void *mm_phys_to_virt(uint32_t pa) { return (void *)(uintptr_t)pa; }
void mm_load_cr3(uint32_t pa) { (void)pa; }
void mm_invlpg(uint32_t va) { (void)va; }

const char *mm_symbol_name(uintptr_t addr, uintptr_t *offset)
{
	Dl_info info;
	if (!dladdr((void *)addr, &info) || !info.dli_sname)
		return NULL;
	*offset = addr - (uintptr_t)info.dli_saddr;
	return info.dli_sname;
}
