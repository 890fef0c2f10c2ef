/*
 * fuzz_bootinfo_mb2.c - libFuzzer harness for the Multiboot2 information walk and its translation
 * (kernel/core/bootinfo_mb2.c).
 *
 * Input: the first byte chooses how the rest becomes the information: bit 0 set, total_size is
 * overwritten with the input's length rounded down to 8 (so most inputs get past the header
 * checks and exercise the tags), and with bit 2 also an end tag is written in its last 8 bytes
 * (so walks that reach the end are common); bit 1 set, readable is cut to half the buffer
 * (total_size beyond it must be refused). The information lives in a heap block of exactly its length, so a read
 * past what the walk was allowed is an ASan report. Checks (abort on failure): every tag handed to
 * the callback starts 8-byte aligned, is at least 8 bytes, ends inside total_size, which is inside
 * readable; a string tag the kernel reads holds its NUL; on success the end tag was counted; the
 * translation's strings point inside the information and end there, its module and map counts
 * plus the dropped ones equal the tags the walk accepted, and its flags are only those it sets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/core/bootinfo_mb2.h"

#define CHECK(c)                                                                      \
	do {                                                                          \
		if (!(c)) {                                                           \
			fprintf(stderr, "fuzz_bootinfo_mb2: check failed: %s\n", #c); \
			abort();                                                      \
		}                                                                     \
	} while (0)

#define BASE_PA 0x24000u

/* Walks that reached the end tag: printed at exit, so a smoke run shows it explored past the
 * header checks. */
static unsigned long fuzz_ok_walks;
static void fuzz_report(void)
{
	fprintf(stderr, "fuzz_bootinfo_mb2: %lu walks reached the end tag\n", fuzz_ok_walks);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	atexit(fuzz_report);
	return 0;
}

struct fuzz_seen {
	const uint8_t *info;
	uint32_t total, tags, modules, mmap_entries, mmap_tags;
};

static void fuzz_tag(const struct mb2_tag *tag, uint32_t offset, void *ctx)
{
	struct fuzz_seen *s = ctx;
	const uint8_t *t = (const uint8_t *)tag;

	CHECK(t == s->info + offset);
	CHECK(offset % MB2_TAG_ALIGN == 0 && offset >= MB2_INFO_TAGS);
	CHECK(tag->size >= MB2_TAG_HDR_SIZE && tag->size <= s->total - offset);
	CHECK(tag->type != MB2_TAG_END);
	if (tag->type == MB2_TAG_CMDLINE || tag->type == MB2_TAG_LOADER_NAME)
		CHECK(memchr(t + MB2_TAG_STRING, 0, tag->size - MB2_TAG_STRING) != NULL);
	if (tag->type == MB2_TAG_MODULE) {
		CHECK(memchr(t + MB2_MOD_STRING, 0, tag->size - MB2_MOD_STRING) != NULL);
		s->modules++;
	}
	if (tag->type == MB2_TAG_MMAP && s->mmap_tags++ == 0) {
		uint32_t esize;
		memcpy(&esize, t + MB2_MMAP_ENTRY_SIZE_OFF, 4);
		CHECK(esize >= MB2_MMAP_ENTRY_SIZE && esize % 8 == 0);
		CHECK((tag->size - MB2_MMAP_ENTRIES) % esize == 0);
		s->mmap_entries = (tag->size - MB2_MMAP_ENTRIES) / esize;
	}
	s->tags++;
}

/* A physical string address from the translation: inside the information, NUL before its end. */
static void fuzz_check_string(const uint8_t *info, uint32_t total, uint32_t pa)
{
	CHECK(pa >= BASE_PA + MB2_INFO_TAGS && pa < BASE_PA + total);
	CHECK(memchr(info + (pa - BASE_PA), 0, total - (pa - BASE_PA)) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct multiboot_mmap_entry mmap[8];
	static struct multiboot_module mods[4];

	if (size < 1 || size > 65536)
		return 0;
	uint8_t mode = data[0];
	uint32_t len = (uint32_t)(size - 1);
	uint8_t *info = malloc(len ? len : 1); /* malloc aligns to 8 at least */
	if (!info)
		return 0;
	memcpy(info, data + 1, len);
	if ((mode & 1) && len >= MB2_INFO_TAGS) {
		uint32_t total = len & ~7u, end[2] = { MB2_TAG_END, MB2_TAG_HDR_SIZE };
		memcpy(info + MB2_INFO_TOTAL_SIZE, &total, 4);
		if ((mode & 4) && total >= MB2_INFO_TAGS + MB2_TAG_HDR_SIZE)
			memcpy(info + total - MB2_TAG_HDR_SIZE, end, sizeof end);
	}
	uint32_t readable = (mode & 2) ? len / 2 : len;

	struct fuzz_seen seen = { .info = info };
	uint32_t tags = 0, where = 0;
	if (readable >= MB2_INFO_TAGS)
		memcpy(&seen.total, info + MB2_INFO_TOTAL_SIZE, 4);
	enum bootinfo_mb2_error err =
		bootinfo_mb2_walk(info, readable, fuzz_tag, &seen, &tags, &where);
	if (err == MB2_WALK_OK) {
		CHECK(seen.total <= readable && seen.total % 8 == 0 && seen.total >= 16);
		CHECK(tags == seen.tags + 1); /* the end tag counts, the callback never sees it */
		CHECK(where + MB2_TAG_HDR_SIZE <= seen.total);
	} else {
		CHECK(tags == seen.tags);
	}
	CHECK(bootinfo_mb2_strerror(err) != NULL);
	if (err == MB2_WALK_OK)
		fuzz_ok_walks++;

	struct bootinfo_mb2 out = {
		.base_pa = BASE_PA, .mmap = mmap, .mmap_max = 8, .mods = mods, .mods_max = 4
	};
	enum bootinfo_mb2_error err2 = bootinfo_mb2_parse(info, readable, &out);
	CHECK(err2 == err && out.tags == tags && out.where == where);
	const struct multiboot_info *mbi = &out.info;
	CHECK((mbi->flags & ~(uint32_t)(MB_INFO_MEMORY | MB_INFO_BOOTDEV | MB_INFO_CMDLINE |
					MB_INFO_MODS | MB_INFO_MEM_MAP | MB_INFO_LOADER_NAME)) ==
	      0);
	CHECK(mbi->flags & MB_INFO_MODS);
	CHECK(mbi->mods_count + out.mods_dropped == seen.modules && mbi->mods_count <= 4);
	CHECK(mbi->mmap_length % MB_MMAP_ENTRY_SIZE == 0);
	CHECK(mbi->mmap_length / MB_MMAP_ENTRY_SIZE + out.mmap_dropped == seen.mmap_entries);
	CHECK(!(mbi->flags & MB_INFO_MEM_MAP) == (seen.mmap_tags == 0));
	if (mbi->flags & MB_INFO_CMDLINE)
		fuzz_check_string(info, seen.total, mbi->cmdline);
	if (mbi->flags & MB_INFO_LOADER_NAME)
		fuzz_check_string(info, seen.total, mbi->boot_loader_name);
	for (uint32_t i = 0; i < mbi->mods_count; i++)
		fuzz_check_string(info, seen.total, mods[i].string);
	free(info);
	return 0;
}
