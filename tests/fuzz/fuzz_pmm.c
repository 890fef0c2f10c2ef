/*
 * fuzz_pmm.c - libFuzzer harness for the frame allocator (mm/pmm.c): a fuzzed memory map (below
 * 64 MiB, so a byte-per-frame reference stays small), fuzzed boot reservations, then a fuzzed
 * sequence of operations checked against the reference model after every one
 * (tests/host/pmm_ref.c, shared with the model test).
 *
 * Input layout: byte 0: map entries (1-8) and regions (0-3); each map entry 6 bytes (u16 start frame,
 * u16 length in frames, sub-frame offset byte x16, type byte); each region 4 bytes (u16 start
 * frame, u16 frames); then 4-byte operations: opcode, three argument bytes.
 * pmm_init may refuse a map (no usable RAM, no room for the bitmap): its panic is caught and the
 * message checked. Deliberate misuse must panic naming the frame.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/pmm.h"
#include "tests/host/host_env.h"
#include "tests/host/pmm_ref.h"

#define MAXF 16384 /* 64 MiB */
#define CHECK(c)                                                                                 \
	do {                                                                                     \
		if (!(c)) {                                                                      \
			fprintf(stderr, "fuzz_pmm: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                                 \
		}                                                                                \
	} while (0)

static struct memmap map;
static struct memmap_scratch scratch;

void pmm_ref_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "fuzz_pmm: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	host_log_quiet = true;
	if (size < 1)
		return 0;
	size_t nmap = 1 + (data[0] & 7), nreg = (data[0] >> 3) & 3, o = 1;
	if (size < o + nmap * 6 + nreg * 4)
		return 0;
	struct memmap_range raw[8];
	for (size_t i = 0; i < nmap; i++, o += 6) {
		uint16_t s, l;
		memcpy(&s, data + o, 2);
		memcpy(&l, data + o + 2, 2);
		phys_addr_t start = (phys_addr_t)(s % MAXF) * PG_SIZE + data[o + 4] * 16u;
		phys_addr_t end = start + (phys_addr_t)l * PG_SIZE;
		if (end > (phys_addr_t)MAXF * PG_SIZE)
			end = (phys_addr_t)MAXF * PG_SIZE;
		raw[i] = (struct memmap_range){ start, end, data[o + 5] % 6 };
	}
	struct pmm_region reg[3];
	static const char *names[] = { "kernel", "module", "mmap" };
	for (size_t i = 0; i < nreg; i++, o += 4) {
		uint16_t s, l;
		memcpy(&s, data + o, 2);
		memcpy(&l, data + o + 2, 2);
		reg[i] = (struct pmm_region){ names[i], (phys_addr_t)(s % MAXF) * PG_SIZE,
					      (phys_addr_t)(s % MAXF + l % 2048) * PG_SIZE };
	}
	memmap_sanitise(&map, raw, nmap, &scratch);
	if (HOST_EXPECT_PANIC(pmm_init(&map, reg, nreg))) {
		CHECK(strncmp(host_panic_msg, "pmm: no usable RAM", 18) == 0);
		return 0;
	}
	pmm_ref_init(&map, reg, nreg);
	pmm_ref_check_counts();

	for (; o + 4 <= size; o += 4) {
		uint8_t op = data[o] % 7, a = data[o + 1], b = data[o + 2], c = data[o + 3];
		switch (op) {
		case 0: {
			uint32_t pa = pmm_alloc_frame();
			if (pa)
				pmm_ref_take(pa, 1, PG_SIZE, 0);
			else
				CHECK(pmm_ref.free == 0);
			break;
		}
		case 1: {
			uint32_t n = 1 + a % 64, align = (uint32_t)PG_SIZE << (b % 12),
				 limit = c < 128 ? 0 : (uint32_t)(c - 128) << 19;
			uint32_t pa = pmm_alloc_frames(n, align, limit);
			if (pa)
				pmm_ref_take(pa, n, align, limit);
			else
				CHECK(!pmm_ref_has_run(n, align, limit));
			break;
		}
		case 2:
		case 3: {
			if (!pmm_ref.nruns)
				break;
			size_t i = (size_t)(a << 8 | b) % pmm_ref.nruns;
			uint32_t n = pmm_ref.runs[i].n, first = 0, cnt = n;
			if (op == 3 && n > 1) {
				first = c % n;
				cnt = 1 + (uint32_t)(c / 7) % (n - first);
			}
			pmm_ref_free_run(i, first, cnt, cnt == 1);
			break;
		}
		case 4: {
			uint32_t f = (uint32_t)(a << 8 | b) % (MAXF + 16),
				 pa = (f << PG_SHIFT) + (c == 0xFF ? 8 : 0);
			pmm_ref_misuse_free(pa); /* unless legal: an allocated frame, aligned */
			break;
		}
		case 5: {
			uint32_t f = (uint32_t)(a << 8 | b) % MAXF, n = 1 + c % 16;
			bool any_alloc = false;
			for (uint32_t k = f; k < f + n && k < MAXF; k++)
				any_alloc |= pmm_ref_state(k) == REF_ALLOC;
			if (pmm_reservation_count() == PMM_MAX_RESERVATIONS) {
				CHECK(HOST_EXPECT_PANIC(
					pmm_reserve_range("late", (phys_addr_t)f << PG_SHIFT,
							  (phys_addr_t)(f + n) << PG_SHIFT)));
			} else if (any_alloc) {
				CHECK(HOST_EXPECT_PANIC(
					pmm_reserve_range("late", (phys_addr_t)f << PG_SHIFT,
							  (phys_addr_t)(f + n) << PG_SHIFT)));
				CHECK(strstr(host_panic_msg, "allocated") != NULL);
			} else {
				pmm_reserve_range("late", (phys_addr_t)f << PG_SHIFT,
						  (phys_addr_t)(f + n) << PG_SHIFT);
				pmm_ref_reserve((phys_addr_t)f << PG_SHIFT, (phys_addr_t)(f + n)
										    << PG_SHIFT);
			}
			break;
		}
		case 6:
			CHECK(HOST_EXPECT_PANIC(
				pmm_alloc_frames(1, (uint32_t)PG_SIZE * (3 + 2 * (a % 8)), 0)));
			break;
		}
		pmm_ref_check_counts();
	}
	pmm_ref_check_frames(MAXF);
	return 0;
}
