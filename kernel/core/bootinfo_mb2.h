/*
 * bootinfo_mb2.h - the Multiboot2 boot information (Multiboot2 Specification 2.0, section 3.6):
 * a bounds-checked walk over its tags, and their translation into the version 1 structure the
 * kernel keeps (kernel/core/bootinfo.h), so the rest of the kernel reads one representation
 * whichever protocol booted it.
 *
 * Generic C with no kernel dependency (only include/multiboot.h and include/multiboot2.h): the
 * kernel runs it over the loader's buffer through the direct map, tests/host/test_bootinfo_mb2.c
 * over hand-made buffers under ASan and UBSan. Nothing is trusted: total_size against the bytes
 * the caller can read, every tag's size against what is left and against its type's fields,
 * every string's NUL inside its tag. Tags of types the kernel does not read are skipped whatever
 * their contents (3.6: "tags ... the OS image doesn't understand must be skipped").
 */
#ifndef KERNEL_BOOTINFO_MB2_H
#define KERNEL_BOOTINFO_MB2_H

#include <stdint.h>
#include "multiboot.h"
#include "multiboot2.h"

/* Why a walk stopped early. The tags before the offending one were accepted (and handed to the
 * callback); nothing at or after it was. */
enum bootinfo_mb2_error {
	MB2_WALK_OK = 0,
	MB2_WALK_MISALIGNED,      /* the information does not start 8-byte aligned (3.6.1) */
	MB2_WALK_UNREADABLE,      /* total_size (or its own field) beyond the bytes readable */
	MB2_WALK_TOTAL_SHORT,     /* total_size below the fixed part plus an end tag (16) */
	MB2_WALK_TOTAL_UNALIGNED, /* total_size not a multiple of 8 (every tag is padded to 8) */
	MB2_WALK_TAG_PAST_END,    /* a tag's size runs past total_size */
	MB2_WALK_TAG_SHORT,       /* a tag shorter than 8, or than its type's fields */
	MB2_WALK_STRING,          /* a string without its terminating NUL inside the tag */
	MB2_WALK_MMAP_ENTRY,      /* memory map: entry_size below 24 or not a multiple of 8, or the
				     entries not a whole number of entry_size */
	MB2_WALK_END_SIZE,        /* an end tag whose size is not 8 */
	MB2_WALK_NO_END,          /* total_size reached without an end tag */
};

/* Called for each accepted tag except the end tag; offset is from the information's start. */
typedef void (*bootinfo_mb2_tag_fn)(const struct mb2_tag *tag, uint32_t offset, void *ctx);

/*
 * Walk the information at info, of which `readable` bytes may be read. Returns MB2_WALK_OK when
 * the end tag was reached, else the error; *tags (may be NULL) gets the number of tags accepted
 * (the end tag included), *where (may be NULL) the offset of the tag or field that stopped it.
 */
enum bootinfo_mb2_error bootinfo_mb2_walk(const void *info, uint32_t readable,
					  bootinfo_mb2_tag_fn fn, void *ctx, uint32_t *tags,
					  uint32_t *where);

/* A short description of an error ("tag runs past total_size"). */
const char *bootinfo_mb2_strerror(enum bootinfo_mb2_error error);

/*
 * The translation. The caller sets base_pa (the information's physical address: strings in it
 * become base_pa + their offset, as version 1 gives physical addresses) and the arrays with their
 * room; bootinfo_mb2_parse fills the rest. info's flags say what was found, as version 1's do:
 * 0 (basic meminfo, tag 4), 1 (BIOS boot device, tag 5: drive in the top byte, partition and
 * sub-partition below, 0xFF for none), 2 (command line, tag 1), 3 (always: no module tag means
 * no modules), 6 (memory map, tag 6: entries copied into mmap as version 1's 24-byte entries,
 * size field 20; mmap_length their bytes), 9 (loader name, tag 2). mmap_addr and mods_addr are
 * left 0: the caller knows the arrays' physical addresses. The first tag of a type counts; a
 * later one of the same single-instance type is ignored.
 */
struct bootinfo_mb2 {
	uint32_t base_pa;                    /* in */
	struct multiboot_mmap_entry *mmap;   /* in: room for mmap_max entries */
	uint32_t mmap_max;                   /* in */
	struct multiboot_module *mods;       /* in: room for mods_max modules */
	uint32_t mods_max;                   /* in */
	struct multiboot_info info;          /* out */
	uint32_t mmap_dropped, mods_dropped; /* out: entries and modules beyond the room */
	uint32_t total_size;                 /* out: as the information says (0 if unreadable) */
	uint32_t tags;                       /* out: tags accepted, the end tag included */
	uint32_t where;                      /* out: offset of the error, when there is one */
};

enum bootinfo_mb2_error bootinfo_mb2_parse(const void *info, uint32_t readable,
					   struct bootinfo_mb2 *out);

#endif
