/*
 * memmap.c - parse, sanitise and print the physical memory map (see memmap.h for the rules).
 *
 * The sweep follows the change-point idea of Linux's arch/x86/kernel/e820.c (written here from the
 * description, not copied): sort all range boundaries, walk them in address order keeping the set
 * of ranges that cover the current point, and start a new output range whenever the winning type
 * changes. Sizes are tiny (at most 512 points), so an insertion sort and a linear scan of the active
 * set are plenty and keep the code obviously correct; the fuzzer (tests/fuzz/fuzz_memmap.c) checks it.
 */
#include "mm/memmap.h"
#include "multiboot.h"

_Static_assert(MEMMAP_USABLE == MB_MEMORY_AVAILABLE && MEMMAP_RESERVED == MB_MEMORY_RESERVED &&
		       MEMMAP_ACPI_DATA == MB_MEMORY_ACPI_RECLAIM &&
		       MEMMAP_ACPI_NVS == MB_MEMORY_NVS && MEMMAP_UNUSABLE == MB_MEMORY_BADRAM,
	       "memmap types are the Multiboot/E820 numbers");

unsigned memmap_type_rank(uint32_t type)
{
	switch (type) {
	case MEMMAP_USABLE:
		return 0;
	case MEMMAP_ACPI_DATA:
		return 1;
	case MEMMAP_ACPI_NVS:
		return 2;
	case MEMMAP_UNUSABLE:
		return 4;
	default:
		return 3; /* reserved and every unknown type (spec 3.3) */
	}
}

/* Total order on types: rank first, then the type number (so equal ranks resolve the same way
 * whatever the input order). */
static uint64_t type_key(uint32_t type)
{
	return ((uint64_t)memmap_type_rank(type) << 32) | type;
}

const char *memmap_type_name(uint32_t type, char buf[16])
{
	switch (type) {
	case MEMMAP_USABLE:
		return "usable";
	case MEMMAP_RESERVED:
		return "reserved";
	case MEMMAP_ACPI_DATA:
		return "ACPI data";
	case MEMMAP_ACPI_NVS:
		return "ACPI NVS";
	case MEMMAP_UNUSABLE:
		return "unusable";
	default:
		break;
	}
	/* "type N" by hand: mm/ has no snprintf in the kernel. */
	char digits[11];
	int nd = 0;
	do {
		digits[nd++] = (char)('0' + type % 10);
		type /= 10;
	} while (type);
	int o = 0;
	for (const char *p = "type "; *p; p++)
		buf[o++] = *p;
	while (nd)
		buf[o++] = digits[--nd];
	buf[o] = '\0';
	return buf;
}

/* Select which raw ranges enter the sweep. Over capacity, keep every non-usable range first. */
static size_t select_raw(struct memmap *out, const struct memmap_range *raw, size_t n,
			 struct memmap_range *dst)
{
	size_t kept = 0, nonusable = 0;
	for (size_t i = 0; i < n; i++)
		if (raw[i].end > raw[i].start && raw[i].type != MEMMAP_USABLE)
			nonusable++;
	if (nonusable > MEMMAP_MAX_RAW) {
		/* Cannot honour every reservation: claim no RAM at all rather than risk using firmware's. */
		out->raw_dropped = n;
		return 0;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const struct memmap_range *r = &raw[i];
			if (r->end <= r->start)
				continue; /* empty: nothing to say */
			if ((r->type == MEMMAP_USABLE) != (pass == 1))
				continue; /* pass 0 non-usable, 1 usable */
			if (kept == MEMMAP_MAX_RAW) {
				out->raw_dropped++;
				continue;
			}
			dst[kept++] = *r;
		}
	}
	return kept;
}

static void sort_points(struct memmap_point *p, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct memmap_point x = p[i];
		size_t j = i;
		while (j > 0 && p[j - 1].addr > x.addr) {
			p[j] = p[j - 1];
			j--;
		}
		p[j] = x;
	}
}

static void emit(struct memmap *out, phys_addr_t start, phys_addr_t end, uint32_t type)
{
	/* The sweep emits at most (points - 1) ranges, which MEMMAP_MAX_RANGES covers; the check keeps
	 * a logic error from becoming a buffer overflow. */
	if (start >= end || out->count == MEMMAP_MAX_RANGES)
		return;
	out->range[out->count++] = (struct memmap_range){ start, end, type };
}

static void sweep(struct memmap *out, struct memmap_scratch *s, size_t n)
{
	size_t np = 0, nactive = 0;
	for (size_t i = 0; i < n; i++) {
		s->point[np++] = (struct memmap_point){ s->raw[i].start, (uint32_t)i, 0 };
		s->point[np++] = (struct memmap_point){ s->raw[i].end, (uint32_t)i, 1 };
	}
	sort_points(s->point, np);

	bool open = false; /* is an output range open? */
	uint32_t open_type = 0;
	phys_addr_t open_start = 0;
	for (size_t i = 0; i < np;) {
		phys_addr_t addr = s->point[i].addr;
		/* Apply every change at this address before deciding the type that starts here. */
		for (; i < np && s->point[i].addr == addr; i++) {
			uint32_t idx = s->point[i].idx;
			if (!s->point[i].is_end) {
				s->active[nactive++] = idx;
				continue;
			}
			for (size_t a = 0; a < nactive; a++)
				if (s->active[a] == idx) {
					s->active[a] = s->active[--nactive];
					break;
				}
		}
		bool covered = nactive > 0;
		uint32_t win = 0;
		for (size_t a = 0; a < nactive; a++) {
			uint32_t t = s->raw[s->active[a]].type;
			if (a == 0 || type_key(t) > type_key(win))
				win = t;
		}
		if (open && covered && win == open_type)
			continue; /* same type goes on: merge */
		if (open)
			emit(out, open_start, addr, open_type);
		open = covered;
		open_type = win;
		open_start = addr;
	}
}

/* Cut at 4 GiB and round usable ranges inward, compacting out->range in place. */
static void clip_and_round(struct memmap *out)
{
	size_t o = 0;
	for (size_t i = 0; i < out->count; i++) {
		struct memmap_range r = out->range[i];
		bool usable = r.type == MEMMAP_USABLE;
		if (r.end > MEMMAP_LIMIT) {
			phys_addr_t cut_from = r.start > MEMMAP_LIMIT ? r.start : MEMMAP_LIMIT;
			if (usable)
				out->usable_above_4g += r.end - cut_from;
			r.end = cut_from;
			if (r.start >= r.end)
				continue;
		}
		if (usable) {
			phys_addr_t s = PG_ROUND_UP(r.start);
			phys_addr_t e = PG_ROUND_DOWN(r.end);
			if (s >= e) {
				out->usable_trimmed += r.end - r.start;
				continue;
			}
			out->usable_trimmed += (s - r.start) + (r.end - e);
			r.start = s;
			r.end = e;
		}
		out->range[o++] = r;
	}
	out->count = o;
}

void memmap_sanitise(struct memmap *out, const struct memmap_range *raw, size_t n,
		     struct memmap_scratch *scratch)
{
	out->count = 0;
	out->usable_above_4g = 0;
	out->usable_trimmed = 0;
	out->raw_count = n;
	out->raw_dropped = 0;
	size_t kept = select_raw(out, raw, n, scratch->raw);
	sweep(out, scratch, kept);
	clip_and_round(out);
}

size_t memmap_parse_multiboot(const void *buf, uint32_t length, struct memmap_range *out,
			      size_t max, size_t *bad)
{
	const uint8_t *p = buf;
	size_t found = 0;
	uint32_t off = 0;
	if (bad)
		*bad = 0;
	while (off < length && length - off >= 4) {
		struct multiboot_mmap_entry e;
		__builtin_memcpy(&e.size, p + off, 4);
		/* The entry must hold base, length and type (20 bytes) and lie inside the buffer. */
		if (e.size < MB_MMAP_ENTRY_SIZE - 4 || e.size > length - off - 4) {
			if (bad)
				(*bad)++;
			break;
		}
		__builtin_memcpy(&e.base_addr, p + off + MB_MMAP_BASE, 8);
		__builtin_memcpy(&e.length, p + off + MB_MMAP_LENGTH, 8);
		__builtin_memcpy(&e.type, p + off + MB_MMAP_TYPE, 4);
		if (found < max) {
			phys_addr_t end = e.base_addr + e.length;
			if (end < e.base_addr)
				end = ~(phys_addr_t)0; /* wraps past 2^64: clamp */
			out[found] = (struct memmap_range){ e.base_addr, end, e.type };
		}
		found++;
		off += e.size + 4;
	}
	return found;
}

void memmap_print(const struct memmap *m, const char *prefix)
{
	char buf[16];
	for (size_t i = 0; i < m->count; i++) {
		const struct memmap_range *r = &m->range[i];
		mm_log("%s: [mem 0x%016llx-0x%016llx] %s\n", prefix, (unsigned long long)r->start,
		       (unsigned long long)(r->end - 1), memmap_type_name(r->type, buf));
	}
	if (m->usable_above_4g)
		mm_log("%s: %llu KiB of usable RAM at or above 4 GiB left out (no PAE)\n", prefix,
		       (unsigned long long)(m->usable_above_4g >> 10));
	if (m->raw_dropped)
		mm_log("%s: %llu of %llu map entries ignored (capacity %u; usable ones dropped first)\n",
		       prefix, (unsigned long long)m->raw_dropped, (unsigned long long)m->raw_count,
		       (unsigned)MEMMAP_MAX_RAW);
}

uint32_t memmap_usable_frames(const struct memmap *m)
{
	uint32_t n = 0;
	for (size_t i = 0; i < m->count; i++)
		if (m->range[i].type == MEMMAP_USABLE)
			n += (uint32_t)((m->range[i].end - m->range[i].start) / PG_SIZE);
	return n;
}
