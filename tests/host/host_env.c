/*
 * host_env.c - mm/mm_env.h for host builds (unit tests, fuzzers, benchmarks): simulated physical
 * RAM over an anonymous mapping, logs to stderr and a capture buffer, catchable panics, recorded
 * CR3 loads and INVLPGs, symbols through dladdr. How to use it: tests/host/host_env.h.
 */
#define _GNU_SOURCE
#include "tests/host/host_env.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static uint8_t *ram;
static uint64_t ram_size;

bool host_log_quiet;
bool host_log_nocapture;
static char log_buf[HOST_LOG_CAPACITY];
static size_t log_len;

jmp_buf *host_panic_jmp;
void (*host_panic_hook)(const char *msg);
char host_panic_msg[512];
unsigned host_panic_count;

uint32_t host_cr3_last, host_invlpg_last;
unsigned host_cr3_count, host_invlpg_count;
uint32_t host_invlpg_log[HOST_INVLPG_LOG];

void host_ram_init(uint64_t bytes)
{
	if (ram)
		munmap(ram, ram_size);
	ram = NULL;
	ram_size = 0;
	if (!bytes)
		return;
	void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "host_env: cannot map %llu bytes of simulated RAM\n",
			(unsigned long long)bytes);
		abort();
	}
	ram = m;
	ram_size = bytes;
}

uint8_t *host_ram_base(void)
{
	if (!ram)
		host_ram_init(HOST_RAM_DEFAULT);
	return ram;
}

uint64_t host_ram_size(void)
{
	if (!ram)
		host_ram_init(HOST_RAM_DEFAULT);
	return ram_size;
}

void *mm_phys_to_virt(uint32_t pa)
{
	if (!ram)
		host_ram_init(HOST_RAM_DEFAULT);
	if (pa >= ram_size)
		mm_panic("mm_phys_to_virt: 0x%08x is outside the %llu bytes of simulated RAM", pa,
			 (unsigned long long)ram_size);
	return ram + pa;
}

void mm_log(const char *fmt, ...)
{
	if (host_log_quiet && host_log_nocapture)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (log_len < sizeof log_buf - 1) {
		va_list cp;
		va_copy(cp, ap);
		int n = vsnprintf(log_buf + log_len, sizeof log_buf - log_len, fmt, cp);
		va_end(cp);
		if (n > 0)
			log_len += (size_t)n;
		if (log_len > sizeof log_buf - 1)
			log_len = sizeof log_buf - 1;
	}
	if (!host_log_quiet)
		vfprintf(stderr, fmt, ap);
	va_end(ap);
}

const char *host_log_text(void)
{
	return log_buf;
}

void host_log_clear(void)
{
	log_len = 0;
	log_buf[0] = '\0';
}

void mm_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(host_panic_msg, sizeof host_panic_msg, fmt, ap);
	va_end(ap);
	host_panic_count++;
	if (host_panic_jmp) {
		jmp_buf *jb = host_panic_jmp;
		host_panic_jmp = NULL;
		longjmp(*jb, 1);
	}
	if (host_panic_hook)
		host_panic_hook(host_panic_msg);
	fprintf(stderr, "PANIC: %s\n", host_panic_msg);
	abort();
}

uint32_t host_direct_limit;

uint32_t mm_direct_limit(void)
{
	return host_direct_limit;
}

void mm_load_cr3(uint32_t pa)
{
	host_cr3_last = pa;
	host_cr3_count++;
}

void mm_invlpg(uint32_t va)
{
	host_invlpg_log[host_invlpg_count % HOST_INVLPG_LOG] = va;
	host_invlpg_last = va;
	host_invlpg_count++;
}

const char *mm_symbol_name(uintptr_t addr, uintptr_t *offset)
{
	Dl_info info;
	if (!dladdr((void *)addr, &info) || !info.dli_sname)
		return NULL;
	if (offset)
		*offset = addr - (uintptr_t)info.dli_saddr;
	return info.dli_sname;
}
