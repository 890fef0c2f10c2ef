/*
 * fuzz_pmm.c - libFuzzer harness for the frame allocator (mm/pmm.c): a fuzzed memory map (below
 * 64 MiB, so a byte-per-frame reference stays small), fuzzed boot reservations, then a fuzzed
 * sequence of operations checked against the reference after every one (as the model test does).
 *
 * Input layout: byte 0: map entries (1-8) and regions (0-3); each map entry 6 bytes (u16 start frame,
 * u16 length in frames, sub-frame offset byte x16, type byte); each region 4 bytes (u16 start
 * frame, u16 frames); then 4-byte operations: opcode, three argument bytes.
 * pmm_init may refuse a map (no usable RAM, no room for the bitmap): its panic is caught and the
 * message checked. Deliberate misuse must panic naming the frame.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/pmm.h"
#include "tests/host/host_env.h"

#define MAXF 16384 /* 64 MiB */
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_pmm: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

enum { R_NOT_RAM, R_FREE, R_ALLOC, R_RESERVED };
static struct memmap map;
static struct memmap_scratch scratch;
static uint8_t ref[MAXF];
static uint32_t ref_free, ref_res, ref_alloc;
static struct { uint32_t pa, n; } runs[MAXF];
static size_t nruns;

static void take(uint32_t pa, uint32_t n, uint32_t align, uint32_t limit)
{
	CHECK(pa % align == 0);
	CHECK(!limit || (uint64_t)pa + (uint64_t)n * PG_SIZE <= limit);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t f = (pa >> PG_SHIFT) + i;
		CHECK(f < MAXF && ref[f] == R_FREE);
		ref[f] = R_ALLOC;
	}
	ref_free -= n;
	ref_alloc += n;
	runs[nruns].pa = pa;
	runs[nruns++].n = n;
}

static bool ref_has_run(uint32_t n, uint32_t align, uint32_t limit)
{
	uint32_t a = align / PG_SIZE, hi = MAXF;
	if (limit && limit / PG_SIZE < hi) hi = limit / PG_SIZE;
	for (uint32_t s = 0; s + n <= hi; s += a) {
		uint32_t i = 0;
		while (i < n && ref[s + i] == R_FREE) i++;
		if (i == n) return true;
	}
	return false;
}

static void check_counts(void)
{
	CHECK(pmm_free_count() == ref_free);
	CHECK(pmm_reserved_count() == ref_res);
	CHECK(pmm_allocated_count() == ref_alloc);
	CHECK(pmm_usable_count() == ref_free + ref_res + ref_alloc);
}

static void mark_ref_reserved(phys_addr_t s, phys_addr_t e)
{
	if (e <= s) return;
	for (phys_addr_t f = s / PG_SIZE; f < PG_ROUND_UP(e) / PG_SIZE && f < MAXF; f++)
		if (ref[f] == R_FREE) { ref[f] = R_RESERVED; ref_res++; ref_free--; }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	host_log_quiet = true;
	if (size < 1) return 0;
	size_t nmap = 1 + (data[0] & 7), nreg = (data[0] >> 3) & 3, o = 1;
	if (size < o + nmap * 6 + nreg * 4) return 0;
	struct memmap_range raw[8];
	for (size_t i = 0; i < nmap; i++, o += 6) {
		uint16_t s, l;
		memcpy(&s, data + o, 2);
		memcpy(&l, data + o + 2, 2);
		phys_addr_t start = (phys_addr_t)(s % MAXF) * PG_SIZE + data[o + 4] * 16u;
		phys_addr_t end = start + (phys_addr_t)l * PG_SIZE;
		if (end > (phys_addr_t)MAXF * PG_SIZE) end = (phys_addr_t)MAXF * PG_SIZE;
		raw[i] = (struct memmap_range){ start, end, data[o + 5] % 6 };
	}
	struct pmm_region reg[3];
	static const char *names[] = { "kernel", "module", "mmap" };
	for (size_t i = 0; i < nreg; i++, o += 4) {
		uint16_t s, l;
		memcpy(&s, data + o, 2);
		memcpy(&l, data + o + 2, 2);
		reg[i] = (struct pmm_region){ names[i], (phys_addr_t)(s % MAXF) * PG_SIZE, (phys_addr_t)(s % MAXF + l % 2048) * PG_SIZE };
	}
	memmap_sanitise(&map, raw, nmap, &scratch);
	if (HOST_EXPECT_PANIC(pmm_init(&map, reg, nreg))) {
		CHECK(strncmp(host_panic_msg, "pmm: no usable RAM", 18) == 0);
		return 0;
	}
	/* The reference, from the map and the reservation rule (first taker counts). */
	memset(ref, R_NOT_RAM, sizeof ref);
	ref_free = ref_res = ref_alloc = 0;
	nruns = 0;
	for (size_t i = 0; i < map.count; i++)
		if (map.range[i].type == MEMMAP_USABLE)
			for (phys_addr_t f = map.range[i].start / PG_SIZE; f < map.range[i].end / PG_SIZE; f++) { ref[f] = R_FREE; ref_free++; }
	mark_ref_reserved(0, 0x100000);
	for (size_t i = 0; i < nreg; i++) mark_ref_reserved(reg[i].start, reg[i].end);
	mark_ref_reserved(pmm_bitmap_phys(), (phys_addr_t)pmm_bitmap_phys() + pmm_bitmap_bytes());
	check_counts();

	for (; o + 4 <= size; o += 4) {
		uint8_t op = data[o] % 7, a = data[o + 1], b = data[o + 2], c = data[o + 3];
		switch (op) {
		case 0: {
			uint32_t pa = pmm_alloc_frame();
			if (pa) take(pa, 1, PG_SIZE, 0);
			else CHECK(ref_free == 0);
			break;
		}
		case 1: {
			uint32_t n = 1 + a % 64, align = (uint32_t)PG_SIZE << (b % 12), limit = c < 128 ? 0 : (uint32_t)(c - 128) << 19;
			uint32_t pa = pmm_alloc_frames(n, align, limit);
			if (pa) take(pa, n, align, limit);
			else CHECK(!ref_has_run(n, align, limit));
			break;
		}
		case 2: case 3: {
			if (!nruns) break;
			size_t i = (size_t)(a << 8 | b) % nruns;
			uint32_t pa = runs[i].pa, n = runs[i].n, first = 0, cnt = n;
			if (op == 3 && n > 1) { first = c % n; cnt = 1 + (uint32_t)(c / 7) % (n - first); }
			if (cnt == 1) pmm_free_frame(pa + first * PG_SIZE); else pmm_free_frames(pa + first * PG_SIZE, cnt);
			for (uint32_t k = 0; k < cnt; k++) ref[(pa >> PG_SHIFT) + first + k] = R_FREE;
			ref_free += cnt;
			ref_alloc -= cnt;
			runs[i] = runs[--nruns];
			if (first) { runs[nruns].pa = pa; runs[nruns++].n = first; }
			if (first + cnt < n) { runs[nruns].pa = pa + (first + cnt) * PG_SIZE; runs[nruns++].n = n - first - cnt; }
			break;
		}
		case 4: {
			uint32_t f = (uint32_t)(a << 8 | b) % (MAXF + 16), pa = (f << PG_SHIFT) + (c == 0xFF ? 8 : 0);
			if (f < MAXF && ref[f] == R_ALLOC && c != 0xFF) break; /* legal: not misuse */
			CHECK(HOST_EXPECT_PANIC(pmm_free_frame(pa)));
			char want[16];
			snprintf(want, sizeof want, "0x%08x", pa);
			CHECK(strstr(host_panic_msg, want) != NULL);
			break;
		}
		case 5: {
			uint32_t f = (uint32_t)(a << 8 | b) % MAXF, n = 1 + c % 16;
			bool any_alloc = false;
			for (uint32_t k = f; k < f + n && k < MAXF; k++) any_alloc |= ref[k] == R_ALLOC;
			if (pmm_reservation_count() == PMM_MAX_RESERVATIONS) {
				CHECK(HOST_EXPECT_PANIC(pmm_reserve_range("late", (phys_addr_t)f << PG_SHIFT, (phys_addr_t)(f + n) << PG_SHIFT)));
			} else if (any_alloc) {
				CHECK(HOST_EXPECT_PANIC(pmm_reserve_range("late", (phys_addr_t)f << PG_SHIFT, (phys_addr_t)(f + n) << PG_SHIFT)));
				CHECK(strstr(host_panic_msg, "allocated") != NULL);
			} else {
				pmm_reserve_range("late", (phys_addr_t)f << PG_SHIFT, (phys_addr_t)(f + n) << PG_SHIFT);
				mark_ref_reserved((phys_addr_t)f << PG_SHIFT, (phys_addr_t)(f + n) << PG_SHIFT);
			}
			break;
		}
		case 6:
			CHECK(HOST_EXPECT_PANIC(pmm_alloc_frames(1, (uint32_t)PG_SIZE * (3 + 2 * (a % 8)), 0)));
			break;
		}
		check_counts();
	}
	for (uint32_t f = 0; f < MAXF; f++) {
		static const enum pmm_frame_state want[] = { PMM_FRAME_NOT_RAM, PMM_FRAME_FREE, PMM_FRAME_ALLOCATED, PMM_FRAME_RESERVED };
		CHECK(pmm_frame_state(f << PG_SHIFT) == want[ref[f]]);
	}
	CHECK(pmm_check() == 0);
	return 0;
}
