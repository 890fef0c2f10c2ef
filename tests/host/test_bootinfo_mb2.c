/*
 * test_bootinfo_mb2.c - host tests (cmocka, ASan, UBSan) of the Multiboot2 information walk and
 * its translation into the version 1 structure (kernel/core/bootinfo_mb2.c).
 *
 * Each test builds boot information by hand, as the Multiboot2 Specification 2.0 (3.6) lays it
 * out and GRUB 2 writes it, in a buffer exactly as large as the bytes the walk may read (ASan
 * catches one byte more), then checks the named error, where it stopped, which tags the callback
 * saw, and what the translation made of them: well-formed information like our loader's, then
 * each way it can be malformed (total_size short, unaligned or past the readable bytes; a tag
 * shorter than 8 or than its type's fields, running past total_size; a string without its NUL;
 * a bad memory map entry_size; an end tag of the wrong size or none), unknown tags skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/core/bootinfo_mb2.h"

#define BUF_MAX 4096

/* The information under construction: 8-byte aligned, tags appended at 8-byte boundaries. */
struct mb2_buf {
	_Alignas(8) uint8_t b[BUF_MAX];
	uint32_t len;
};

static void put32(struct mb2_buf *m, uint32_t off, uint32_t v)
{
	memcpy(m->b + off, &v, 4);
}

static void put64(struct mb2_buf *m, uint32_t off, uint64_t v)
{
	memcpy(m->b + off, &v, 8);
}

static void buf_init(struct mb2_buf *m)
{
	memset(m->b, 0, sizeof m->b);
	m->len = MB2_INFO_TAGS;
}

/* Start a tag of this type and size (payload zeroed) and return its offset. */
static uint32_t tag_add(struct mb2_buf *m, uint32_t type, uint32_t size)
{
	uint32_t off = m->len;

	assert_true(off + size + 8 <= BUF_MAX);
	put32(m, off + MB2_TAG_TYPE, type);
	put32(m, off + MB2_TAG_SIZE, size);
	m->len = (off + size + 7) & ~7u;
	return off;
}

static uint32_t tag_string(struct mb2_buf *m, uint32_t type, const char *s)
{
	uint32_t off = tag_add(m, type, MB2_TAG_STRING + (uint32_t)strlen(s) + 1);
	memcpy(m->b + off + MB2_TAG_STRING, s, strlen(s) + 1);
	return off;
}

static uint32_t tag_module(struct mb2_buf *m, uint32_t start, uint32_t end, const char *s)
{
	uint32_t off = tag_add(m, MB2_TAG_MODULE, MB2_MOD_STRING + (uint32_t)strlen(s) + 1);
	put32(m, off + MB2_MOD_START, start);
	put32(m, off + MB2_MOD_END, end);
	memcpy(m->b + off + MB2_MOD_STRING, s, strlen(s) + 1);
	return off;
}

/* A memory map of n entries of esize bytes: entry i at base i MiB, 1 MiB long, type i + 1. */
static uint32_t tag_mmap(struct mb2_buf *m, uint32_t n, uint32_t esize)
{
	uint32_t off = tag_add(m, MB2_TAG_MMAP, MB2_MMAP_ENTRIES + n * esize);
	put32(m, off + MB2_MMAP_ENTRY_SIZE_OFF, esize);
	put32(m, off + MB2_MMAP_VERSION_OFF, MB2_MMAP_VERSION);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t e = off + MB2_MMAP_ENTRIES + i * esize;
		put64(m, e + MB2_MMAP_E_BASE, (uint64_t)i << 20);
		put64(m, e + MB2_MMAP_E_LENGTH, 1 << 20);
		put32(m, e + MB2_MMAP_E_TYPE, i + 1);
	}
	return off;
}

/* The end tag and total_size; returns the total. */
static uint32_t buf_finish(struct mb2_buf *m)
{
	tag_add(m, MB2_TAG_END, MB2_TAG_HDR_SIZE);
	put32(m, MB2_INFO_TOTAL_SIZE, m->len);
	return m->len;
}

/* A copy of the first n bytes in a heap block of exactly n bytes (malloc aligns to 16), so
 * reading past what the walk was told it may read is an ASan report. */
static void *exact_copy(const struct mb2_buf *m, uint32_t n)
{
	void *p = malloc(n ? n : 1);
	assert_non_null(p);
	memcpy(p, m->b, n);
	return p;
}

/* What our loader gives (docs/boot.md, Multiboot2): every type the kernel reads, plus some it
 * does not. */
static void build_good(struct mb2_buf *m)
{
	buf_init(m);
	tag_string(m, MB2_TAG_CMDLINE, "kernel.elf init=args qemu-exit");
	tag_string(m, MB2_TAG_LOADER_NAME, "ourboot 0.1");
	tag_module(m, 0x200000, 0x201388, "args one two");
	tag_module(m, 0x202000, 0x202000, "empty");
	uint32_t t = tag_add(m, MB2_TAG_BASIC_MEMINFO, MB2_MEMINFO_SIZE);
	put32(m, t + MB2_MEMINFO_LOWER, 639);
	put32(m, t + MB2_MEMINFO_UPPER, 129920);
	t = tag_add(m, MB2_TAG_BOOTDEV, MB2_BOOTDEV_SIZE);
	put32(m, t + MB2_BOOTDEV_BIOSDEV, 0x80);
	put32(m, t + MB2_BOOTDEV_PART, 0);
	put32(m, t + MB2_BOOTDEV_SUBPART, MB2_BOOTDEV_NONE);
	tag_mmap(m, 3, MB2_MMAP_ENTRY_SIZE);
	tag_add(m, MB2_TAG_FRAMEBUFFER, MB2_FB_SIZE);
	tag_add(m, MB2_TAG_ACPI_OLD, MB2_ACPI_RSDP + 20);
	buf_finish(m);
}

struct seen {
	uint32_t types[64], offsets[64];
	uint32_t n;
};

static void record_tag(const struct mb2_tag *tag, uint32_t offset, void *ctx)
{
	struct seen *s = ctx;
	assert_true(s->n < 64);
	s->types[s->n] = tag->type;
	s->offsets[s->n++] = offset;
}

/* Walk the first n bytes of m (as a block of exactly n bytes), n readable. */
static enum bootinfo_mb2_error walk_n(const struct mb2_buf *m, uint32_t n, struct seen *s,
				      uint32_t *tags, uint32_t *where)
{
	void *p = exact_copy(m, n);
	memset(s, 0, sizeof *s);
	enum bootinfo_mb2_error e = bootinfo_mb2_walk(p, n, record_tag, s, tags, where);
	free(p);
	return e;
}

static struct multiboot_mmap_entry mmap_out[8];
static struct multiboot_module mods_out[4];

static enum bootinfo_mb2_error parse(const struct mb2_buf *m, uint32_t n, struct bootinfo_mb2 *out)
{
	void *p = exact_copy(m, n);
	*out = (struct bootinfo_mb2){
		.base_pa = 0x24000, .mmap = mmap_out, .mmap_max = 8, .mods = mods_out, .mods_max = 4
	};
	memset(mmap_out, 0, sizeof mmap_out);
	memset(mods_out, 0, sizeof mods_out);
	enum bootinfo_mb2_error e = bootinfo_mb2_parse(p, n, out);
	free(p);
	return e;
}

static void test_good_walk(void **state)
{
	struct mb2_buf m;
	struct seen s;
	uint32_t tags, where;
	(void)state;

	build_good(&m);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_OK);
	assert_int_equal(tags, 10); /* nine tags and the end tag */
	assert_int_equal(s.n, 9);   /* the end tag is not handed to the callback */
	const uint32_t want[] = { MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME,   MB2_TAG_MODULE,
				  MB2_TAG_MODULE,  MB2_TAG_BASIC_MEMINFO, MB2_TAG_BOOTDEV,
				  MB2_TAG_MMAP,    MB2_TAG_FRAMEBUFFER,   MB2_TAG_ACPI_OLD };
	for (uint32_t i = 0; i < s.n; i++) {
		assert_int_equal(s.types[i], want[i]);
		assert_int_equal(s.offsets[i] % 8, 0);
	}
	assert_int_equal(s.offsets[0], MB2_INFO_TAGS);
	assert_int_equal(where, m.len - MB2_TAG_HDR_SIZE); /* stopped at the end tag */
	/* Readable bytes beyond total_size change nothing. */
	assert_int_equal(walk_n(&m, m.len + 64, &s, &tags, NULL), MB2_WALK_OK);
	assert_int_equal(tags, 10);
}

static void test_good_parse(void **state)
{
	struct mb2_buf m;
	struct bootinfo_mb2 out;
	(void)state;

	build_good(&m);
	assert_int_equal(parse(&m, m.len, &out), MB2_WALK_OK);
	const struct multiboot_info *mbi = &out.info;
	assert_int_equal(mbi->flags, MB_INFO_MEMORY | MB_INFO_BOOTDEV | MB_INFO_CMDLINE |
					     MB_INFO_MODS | MB_INFO_MEM_MAP | MB_INFO_LOADER_NAME);
	assert_int_equal(mbi->flags, 0x24F); /* what our loader's version 1 structure carries */
	assert_int_equal(out.total_size, m.len);
	assert_int_equal(mbi->cmdline, 0x24000 + MB2_INFO_TAGS + MB2_TAG_STRING);
	assert_string_equal((const char *)m.b + (mbi->cmdline - 0x24000),
			    "kernel.elf init=args qemu-exit");
	assert_string_equal((const char *)m.b + (mbi->boot_loader_name - 0x24000), "ourboot 0.1");
	assert_int_equal(mbi->mem_lower, 639);
	assert_int_equal(mbi->mem_upper, 129920);
	assert_int_equal(mbi->boot_device, 0x8000FFFF);
	assert_int_equal(mbi->mods_count, 2);
	assert_int_equal(mods_out[0].mod_start, 0x200000);
	assert_int_equal(mods_out[0].mod_end, 0x201388);
	assert_string_equal((const char *)m.b + (mods_out[0].string - 0x24000), "args one two");
	assert_string_equal((const char *)m.b + (mods_out[1].string - 0x24000), "empty");
	assert_int_equal(mbi->mmap_addr, 0); /* left to the caller */
	assert_int_equal(mbi->mods_addr, 0);
	assert_int_equal(mbi->mmap_length, 3 * MB_MMAP_ENTRY_SIZE);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(mmap_out[i].size, 20);
		assert_int_equal(mmap_out[i].base_addr, (uint64_t)i << 20);
		assert_int_equal(mmap_out[i].length, 1 << 20);
		assert_int_equal(mmap_out[i].type, i + 1);
	}
	assert_int_equal(out.mmap_dropped, 0);
	assert_int_equal(out.mods_dropped, 0);
}

/* Only an end tag: valid; no modules is mods_count 0 with flag 3, nothing else set. */
static void test_minimal(void **state)
{
	struct mb2_buf m;
	struct bootinfo_mb2 out;
	(void)state;

	buf_init(&m);
	assert_int_equal(buf_finish(&m), 16);
	assert_int_equal(parse(&m, 16, &out), MB2_WALK_OK);
	assert_int_equal(out.tags, 1);
	assert_int_equal(out.info.flags, MB_INFO_MODS);
	assert_int_equal(out.info.mods_count, 0);
}

static void test_total_size(void **state)
{
	struct mb2_buf m;
	struct seen s;
	uint32_t tags, where;
	(void)state;

	build_good(&m);
	/* Fewer than 8 readable bytes: not even total_size can be read. */
	assert_int_equal(walk_n(&m, 4, &s, &tags, NULL), MB2_WALK_UNREADABLE);
	assert_int_equal(tags, 0);
	/* total_size past the readable bytes: nothing read beyond them, no tag accepted. */
	assert_int_equal(walk_n(&m, m.len - 8, &s, &tags, NULL), MB2_WALK_UNREADABLE);
	assert_int_equal(s.n, 0);
	put32(&m, MB2_INFO_TOTAL_SIZE, 8);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, NULL), MB2_WALK_TOTAL_SHORT);
	put32(&m, MB2_INFO_TOTAL_SIZE, 0);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, NULL), MB2_WALK_TOTAL_SHORT);
	put32(&m, MB2_INFO_TOTAL_SIZE, m.len - 4); /* not a multiple of 8 */
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_TOTAL_UNALIGNED);
	assert_int_equal(s.n, 0);
	put32(&m, MB2_INFO_TOTAL_SIZE, 0xFFFFFFF8); /* would wrap any end computed from it */
	assert_int_equal(walk_n(&m, m.len, &s, &tags, NULL), MB2_WALK_UNREADABLE);
}

/* total_size cut before the end tag: the tags inside are handed over, then no end tag. */
static void test_missing_end(void **state)
{
	struct mb2_buf m;
	struct seen s;
	uint32_t tags, where;
	(void)state;

	build_good(&m);
	put32(&m, MB2_INFO_TOTAL_SIZE, m.len - MB2_TAG_HDR_SIZE);
	assert_int_equal(walk_n(&m, m.len - MB2_TAG_HDR_SIZE, &s, &tags, &where), MB2_WALK_NO_END);
	assert_int_equal(s.n, 9);
	assert_int_equal(where, m.len - MB2_TAG_HDR_SIZE);
	assert_string_equal(bootinfo_mb2_strerror(MB2_WALK_NO_END), "no end tag before total_size");
}

static void test_misaligned(void **state)
{
	struct mb2_buf m;
	struct seen s = { 0 };
	uint32_t tags = 99;
	(void)state;

	build_good(&m);
	uint8_t *p = malloc(m.len + 4);
	assert_non_null(p);
	memcpy(p + 4, m.b, m.len);
	assert_int_equal(bootinfo_mb2_walk(p + 4, m.len, record_tag, &s, &tags, NULL),
			 MB2_WALK_MISALIGNED);
	assert_int_equal(tags, 0);
	assert_int_equal(s.n, 0);
	free(p);
}

/* A tag whose size runs past total_size: the ones before it count, it does not. */
static void test_tag_past_end(void **state)
{
	struct mb2_buf m;
	struct seen s;
	uint32_t tags, where;
	(void)state;

	buf_init(&m);
	tag_string(&m, MB2_TAG_CMDLINE, "a b");
	uint32_t t = tag_add(&m, 77, 24);
	buf_finish(&m);
	put32(&m, t + MB2_TAG_SIZE, m.len - t + 8);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_TAG_PAST_END);
	assert_int_equal(s.n, 1);
	assert_int_equal(tags, 1);
	assert_int_equal(where, t);
	/* Exactly to total_size is fine for the tag, but then there is no end tag. */
	put32(&m, t + MB2_TAG_SIZE, m.len - t);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_NO_END);
	assert_int_equal(s.n, 2);
	/* A huge size must not wrap the offset arithmetic. */
	put32(&m, t + MB2_TAG_SIZE, 0xFFFFFFF9);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_TAG_PAST_END);
}

/* Sizes below a tag's header, or below the fields of the types the kernel reads. */
static void test_tag_short(void **state)
{
	static const struct {
		uint32_t type, size;
	} cases[] = {
		{ 99, 0 },
		{ 99, 7 },
		{ MB2_TAG_CMDLINE, MB2_TAG_STRING },
		{ MB2_TAG_LOADER_NAME, MB2_TAG_STRING },
		{ MB2_TAG_MODULE, MB2_MOD_STRING },
		{ MB2_TAG_MODULE, MB2_MOD_END },
		{ MB2_TAG_BASIC_MEMINFO, MB2_MEMINFO_SIZE - 1 },
		{ MB2_TAG_BOOTDEV, MB2_BOOTDEV_SIZE - 4 },
		{ MB2_TAG_MMAP, MB2_MMAP_ENTRIES - 1 },
		{ MB2_TAG_END, 0 },
	};
	struct mb2_buf m;
	struct seen s;
	uint32_t tags, where;
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf_init(&m);
		tag_string(&m, MB2_TAG_LOADER_NAME, "x");
		uint32_t t = tag_add(&m, cases[i].type, 24);
		buf_finish(&m);
		put32(&m, t + MB2_TAG_SIZE, cases[i].size);
		assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_TAG_SHORT);
		assert_int_equal(s.n, 1);
		assert_int_equal(where, t);
	}
}

static void test_strings(void **state)
{
	struct mb2_buf m;
	struct seen s;
	uint32_t tags, where;
	(void)state;

	/* A command line whose NUL lies in the padding, outside the tag's size. */
	buf_init(&m);
	uint32_t t = tag_string(&m, MB2_TAG_CMDLINE, "abc");
	buf_finish(&m);
	put32(&m, t + MB2_TAG_SIZE, MB2_TAG_STRING + 3);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_STRING);
	assert_int_equal(where, t);
	/* The same for a module string. */
	buf_init(&m);
	t = tag_module(&m, 0x100000, 0x101000, "mod");
	buf_finish(&m);
	put32(&m, t + MB2_TAG_SIZE, MB2_MOD_STRING + 3);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_STRING);
	/* An empty string is fine. */
	buf_init(&m);
	tag_string(&m, MB2_TAG_CMDLINE, "");
	buf_finish(&m);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_OK);
}

static void test_mmap_entries(void **state)
{
	struct mb2_buf m;
	struct seen s;
	struct bootinfo_mb2 out;
	uint32_t tags, where;
	(void)state;

	/* entry_size 20 (below 24), 28 (not a multiple of 8): refused. */
	buf_init(&m);
	uint32_t t = tag_mmap(&m, 2, MB2_MMAP_ENTRY_SIZE);
	buf_finish(&m);
	put32(&m, t + MB2_MMAP_ENTRY_SIZE_OFF, 20);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_MMAP_ENTRY);
	put32(&m, t + MB2_MMAP_ENTRY_SIZE_OFF, 28);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_MMAP_ENTRY);
	put32(&m, t + MB2_MMAP_ENTRY_SIZE_OFF, 0);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_MMAP_ENTRY);
	/* A size that is not a whole number of entries. */
	put32(&m, t + MB2_MMAP_ENTRY_SIZE_OFF, MB2_MMAP_ENTRY_SIZE);
	put32(&m, t + MB2_TAG_SIZE, MB2_MMAP_ENTRIES + 2 * MB2_MMAP_ENTRY_SIZE - 8);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_MMAP_ENTRY);
	/* An empty map is whole. */
	buf_init(&m);
	tag_mmap(&m, 0, MB2_MMAP_ENTRY_SIZE);
	buf_finish(&m);
	assert_int_equal(parse(&m, m.len, &out), MB2_WALK_OK);
	assert_int_equal(out.info.flags, MB_INFO_MODS | MB_INFO_MEM_MAP);
	assert_int_equal(out.info.mmap_length, 0);

	/* Larger entries (a later version of the map): read by entry_size steps. */
	buf_init(&m);
	tag_mmap(&m, 3, 32);
	buf_finish(&m);
	assert_int_equal(parse(&m, m.len, &out), MB2_WALK_OK);
	assert_int_equal(out.info.mmap_length, 3 * MB_MMAP_ENTRY_SIZE);
	assert_int_equal(mmap_out[2].base_addr, 2 << 20);
	assert_int_equal(mmap_out[2].type, 3);

	/* More entries than the room: the rest counted as dropped. */
	buf_init(&m);
	tag_mmap(&m, 11, MB2_MMAP_ENTRY_SIZE);
	buf_finish(&m);
	assert_int_equal(parse(&m, m.len, &out), MB2_WALK_OK);
	assert_int_equal(out.info.mmap_length, 8 * MB_MMAP_ENTRY_SIZE);
	assert_int_equal(out.mmap_dropped, 3);
}

static void test_end_tag(void **state)
{
	struct mb2_buf m;
	struct seen s;
	uint32_t tags, where;
	(void)state;

	buf_init(&m);
	tag_string(&m, MB2_TAG_CMDLINE, "x");
	uint32_t t = tag_add(&m, MB2_TAG_END, 16);
	put32(&m, MB2_INFO_TOTAL_SIZE, m.len);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_END_SIZE);
	assert_int_equal(where, t);
	/* The walk stops at the end tag even when total_size claims more after it. */
	put32(&m, t + MB2_TAG_SIZE, MB2_TAG_HDR_SIZE);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, &where), MB2_WALK_OK);
	assert_int_equal(tags, 2);
	assert_int_equal(where, t);
}

/* Tags of types the kernel does not read (higher types, or types it skips such as the ELF
 * sections) are skipped whatever their size, odd sizes padded to 8. */
static void test_unknown_skipped(void **state)
{
	struct mb2_buf m;
	struct seen s;
	struct bootinfo_mb2 out;
	uint32_t tags;
	(void)state;

	buf_init(&m);
	tag_add(&m, 0x1234, 13);
	tag_add(&m, MB2_TAG_ELF_SECTIONS, 8);
	tag_string(&m, MB2_TAG_CMDLINE, "after");
	tag_add(&m, 0xFFFFFFFF, 8);
	buf_finish(&m);
	assert_int_equal(walk_n(&m, m.len, &s, &tags, NULL), MB2_WALK_OK);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.offsets[1], MB2_INFO_TAGS + 16); /* 13 padded to 16 */
	assert_int_equal(parse(&m, m.len, &out), MB2_WALK_OK);
	assert_int_equal(out.info.flags, MB_INFO_MODS | MB_INFO_CMDLINE);
	assert_string_equal((const char *)m.b + (out.info.cmdline - 0x24000), "after");
}

/* A second tag of a single-instance type is ignored; modules beyond the room counted. */
static void test_duplicates_and_room(void **state)
{
	struct mb2_buf m;
	struct bootinfo_mb2 out;
	(void)state;

	buf_init(&m);
	tag_string(&m, MB2_TAG_CMDLINE, "first");
	tag_string(&m, MB2_TAG_CMDLINE, "second");
	for (uint32_t i = 0; i < 6; i++)
		tag_module(&m, 0x100000 * (i + 1), 0x100000 * (i + 1) + 10, "m");
	buf_finish(&m);
	assert_int_equal(parse(&m, m.len, &out), MB2_WALK_OK);
	assert_string_equal((const char *)m.b + (out.info.cmdline - 0x24000), "first");
	assert_int_equal(out.info.mods_count, 4);
	assert_int_equal(out.mods_dropped, 2);
	assert_int_equal(mods_out[3].mod_start, 0x400000);
}

/* Boot device: partitions as version 1's bytes, 0xFFFFFFFF as 0xFF. */
static void test_bootdev(void **state)
{
	struct mb2_buf m;
	struct bootinfo_mb2 out;
	(void)state;

	buf_init(&m);
	uint32_t t = tag_add(&m, MB2_TAG_BOOTDEV, MB2_BOOTDEV_SIZE);
	put32(&m, t + MB2_BOOTDEV_BIOSDEV, 0x81);
	put32(&m, t + MB2_BOOTDEV_PART, 2);
	put32(&m, t + MB2_BOOTDEV_SUBPART, 5);
	buf_finish(&m);
	assert_int_equal(parse(&m, m.len, &out), MB2_WALK_OK);
	assert_int_equal(out.info.boot_device, 0x810205FF);
	put32(&m, t + MB2_BOOTDEV_PART, MB2_BOOTDEV_NONE);
	put32(&m, t + MB2_BOOTDEV_SUBPART, MB2_BOOTDEV_NONE);
	assert_int_equal(parse(&m, m.len, &out), MB2_WALK_OK);
	assert_int_equal(out.info.boot_device, 0x81FFFFFF);
}

/* Every error has its own words. */
static void test_strerror(void **state)
{
	(void)state;
	for (int a = MB2_WALK_OK; a <= MB2_WALK_NO_END; a++) {
		assert_string_not_equal(bootinfo_mb2_strerror(a), "unknown error");
		for (int b = a + 1; b <= MB2_WALK_NO_END; b++)
			assert_string_not_equal(bootinfo_mb2_strerror(a), bootinfo_mb2_strerror(b));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_walk),
		cmocka_unit_test(test_good_parse),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_total_size),
		cmocka_unit_test(test_missing_end),
		cmocka_unit_test(test_misaligned),
		cmocka_unit_test(test_tag_past_end),
		cmocka_unit_test(test_tag_short),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_mmap_entries),
		cmocka_unit_test(test_end_tag),
		cmocka_unit_test(test_unknown_skipped),
		cmocka_unit_test(test_duplicates_and_room),
		cmocka_unit_test(test_bootdev),
		cmocka_unit_test(test_strerror),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
