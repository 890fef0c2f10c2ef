/*
 * crc32_host.c - runs the loader's CRC-32 code (boot/crc32_update.inc through crc32_glue.asm) on
 * the host, for tests/t/19-boot-crc32-host.t, which compares every result with zlib.crc32.
 *
 *   crc32_host DATA-FILE < cases    one line per case: "offset length pad path split..." ->
 *                                    one line "crc" (8 hex digits) per case, or "copy-differs"
 *   crc32_host --has-pclmul          exit 0 when this CPU has PCLMULQDQ and SSE2
 *
 * A case takes length bytes of the data file from offset, places them so that they end pad bytes
 * before an inaccessible page (pad 0: a read past the end faults), and feeds them to the loader's
 * update in pieces cut at the split offsets, as the loader feeds a kernel piece by piece; path 0
 * forces the tables, 1 the PCLMULQDQ folding, 2 the tables' copying loop (crc_copy32), whose
 * destination also ends pad bytes before an inaccessible page and must equal the source after,
 * with nothing written around it.
 * The tables are built here by their definition, bit by bit (boot/crc.inc builds them in real
 * mode by another way, which a host program cannot run; every boot checks that code).
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "include/crc32.h"
#include "include/x86.h"

uint32_t crc_host_update(uint32_t reg, const void *p, uint32_t n, int pclmul);
uint32_t crc_host_copy_update(uint32_t reg, const void *src, void *dst, uint32_t n);
extern unsigned char crc_host_tables[];
extern const uint32_t crc_host_layout[8];

/* S^n(v): n steps of the reflected bit-wise division with no input (boot/crc32_update.inc). */
static uint32_t crc_host_steps(uint32_t v, int n)
{
	while (n-- > 0)
		v = (v >> 1) ^ ((v & 1) ? CRC32_POLY_REFLECTED : 0);
	return v;
}

/* Table k of the six (A0 A1 A2 B0 B1 B2): entry f = S^n(f << shift), n 64 for dword 0's
 * fields, 32 for dword 1's; then the byte table, entry i = S^8(i). */
static void crc_host_build_tables(void)
{
	unsigned bits = crc_host_layout[7];
	for (int k = 0; k < 6; k++) {
		unsigned shift = (unsigned)(k % 3) * bits;
		unsigned width = k % 3 == 2 ? 32 - 2 * bits : bits;
		int n = k < 3 ? 64 : 32;
		uint32_t *t = (uint32_t *)(crc_host_tables + crc_host_layout[k]);
		for (uint32_t f = 0; f < (1u << width); f++)
			t[f] = crc_host_steps(f << shift, n);
	}
	uint32_t *t = (uint32_t *)(crc_host_tables + crc_host_layout[6]);
	for (uint32_t i = 0; i < 256; i++)
		t[i] = crc_host_steps(i, 8);
}

static int crc_host_has_pclmul(void)
{
	unsigned int a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	return (c & CPUID_ECX_PCLMULQDQ) && (d & CPUID_EDX_SSE2);
}

static unsigned char *crc_host_read(const char *path, long *size)
{
	FILE *f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0 || (*size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		exit(2);
	}
	unsigned char *buf = malloc((size_t)*size + 1);
	if (!buf || fread(buf, 1, (size_t)*size, f) != (size_t)*size) {
		perror(path);
		exit(2);
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--has-pclmul") == 0)
		return crc_host_has_pclmul() ? 0 : 1;
	if (argc != 2) {
		fprintf(stderr, "usage: crc32_host DATA-FILE < cases | crc32_host --has-pclmul\n");
		return 2;
	}
	long size = 0;
	unsigned char *data = crc_host_read(argv[1], &size);
	crc_host_build_tables();
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char line[4096];
	while (fgets(line, sizeof line, stdin)) {
		char *s = line, *end;
		unsigned long off = strtoul(s, &end, 0), len = strtoul(end, &end, 0);
		unsigned long pad = strtoul(end, &end, 0), path = strtoul(end, &end, 0);
		if (off + len > (unsigned long)size || pad > 4096) {
			fprintf(stderr, "crc32_host: bad case: %s", line);
			return 2;
		}
		size_t room = (len + pad + page - 1) / page * page;
		unsigned char *map = mmap(NULL, room + page, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map == MAP_FAILED || mprotect(map + room, page, PROT_NONE) != 0) {
			perror("mmap");
			return 2;
		}
		unsigned char *p = map + room - pad - len;
		memcpy(p, data + off, len);
		unsigned char *dmap = NULL, *dst = NULL;
		if (path == 2) {
			dmap = mmap(NULL, room + page, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (dmap == MAP_FAILED || mprotect(dmap + room, page, PROT_NONE) != 0) {
				perror("mmap");
				return 2;
			}
			dst = dmap + room - pad - len;
		}
		uint32_t reg = CRC32_PRESET;
		unsigned long done = 0;
		for (s = end;; s = end) {
			unsigned long cut = strtoul(s, &end, 0);
			if (end == s || cut > len)
				cut = len;
			if (cut > done) {
				if (path == 2)
					reg = crc_host_copy_update(reg, p + done, dst + done,
								   (uint32_t)(cut - done));
				else
					reg = crc_host_update(reg, p + done, (uint32_t)(cut - done),
							      (int)path);
				done = cut;
			}
			if (done == len)
				break;
		}
		int copy_bad = 0;
		if (path == 2) { /* the bytes copied, and nothing written around them */
			copy_bad = memcmp(dst, p, len) != 0;
			for (size_t i = 0; i < room; i++)
				if ((dmap + i < dst || dmap + i >= dst + len) && dmap[i] != 0)
					copy_bad = 1;
		}
		if (copy_bad)
			printf("copy-differs\n");
		else
			printf("%08x\n", reg ^ CRC32_PRESET);
		if (dmap)
			munmap(dmap, room + page);
		munmap(map, room + page);
	}
	return 0;
}
