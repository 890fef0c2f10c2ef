/*
 * bootinfo_mb2.c - walk the Multiboot2 boot information and translate it into the version 1
 * structure (Multiboot2 Specification 2.0, 3.6; Multiboot 0.6.96, 3.3).
 *
 * 3.6.1: the information starts 8-byte aligned with u32 total_size (the whole, end tag included)
 * and u32 reserved; the tags follow, each u32 type, u32 size (not counting the padding to the
 * next 8-byte boundary), ended by a tag of type 0 and size 8. The walk checks, before reading a
 * field: total_size inside what the caller can read, at least 16 and a multiple of 8; each tag's
 * size at least 8 and inside total_size; for the types the kernel reads, the fields 3.6.2-3.6.8
 * lay down (a string's NUL inside the tag; the memory map's entry_size and whole entries). Since
 * total_size and every tag's padded size are multiples of 8, every tag starts 8-byte aligned and
 * every field read below is naturally aligned.
 *
 * No kernel headers here: it builds for the kernel and for the host test alike.
 */
#include "kernel/core/bootinfo_mb2.h"

#include <stddef.h>

static uint32_t mb2_read32(const uint8_t *p)
{
	return *(const uint32_t *)p;
}

static uint64_t mb2_read64(const uint8_t *p)
{
	return *(const uint64_t *)p;
}

static uint32_t mb2_pad8(uint32_t size)
{
	return (size + MB2_TAG_ALIGN - 1) & ~(uint32_t)(MB2_TAG_ALIGN - 1);
}

/* True when a NUL lies in tag bytes [from, size). */
static int mb2_has_nul(const uint8_t *tag, uint32_t from, uint32_t size)
{
	for (uint32_t i = from; i < size; i++)
		if (tag[i] == '\0')
			return 1;
	return 0;
}

/* The checks of one tag the kernel reads (3.6.2-3.6.8); other types only need size >= 8. */
static enum bootinfo_mb2_error mb2_check_tag(const uint8_t *tag, uint32_t type, uint32_t size)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_LOADER_NAME:
		if (size < MB2_TAG_STRING + 1)
			return MB2_WALK_TAG_SHORT;
		return mb2_has_nul(tag, MB2_TAG_STRING, size) ? MB2_WALK_OK : MB2_WALK_STRING;
	case MB2_TAG_MODULE:
		if (size < MB2_MOD_STRING + 1)
			return MB2_WALK_TAG_SHORT;
		return mb2_has_nul(tag, MB2_MOD_STRING, size) ? MB2_WALK_OK : MB2_WALK_STRING;
	case MB2_TAG_BASIC_MEMINFO:
		return size < MB2_MEMINFO_SIZE ? MB2_WALK_TAG_SHORT : MB2_WALK_OK;
	case MB2_TAG_BOOTDEV:
		return size < MB2_BOOTDEV_SIZE ? MB2_WALK_TAG_SHORT : MB2_WALK_OK;
	case MB2_TAG_MMAP: {
		if (size < MB2_MMAP_ENTRIES)
			return MB2_WALK_TAG_SHORT;
		/* 3.6.8: entry_size is a multiple of 8; later versions may grow the entry, so
		 * anything from our 24 bytes up is read by entry_size steps. */
		uint32_t esize = mb2_read32(tag + MB2_MMAP_ENTRY_SIZE_OFF);
		if (esize < MB2_MMAP_ENTRY_SIZE || esize % MB2_TAG_ALIGN != 0 ||
		    (size - MB2_MMAP_ENTRIES) % esize != 0)
			return MB2_WALK_MMAP_ENTRY;
		return MB2_WALK_OK;
	}
	default:
		return MB2_WALK_OK;
	}
}

enum bootinfo_mb2_error bootinfo_mb2_walk(const void *info, uint32_t readable,
					  bootinfo_mb2_tag_fn fn, void *ctx, uint32_t *tags,
					  uint32_t *where)
{
	const uint8_t *base = info;
	uint32_t count = 0, off = MB2_INFO_TOTAL_SIZE, total;
	enum bootinfo_mb2_error err = MB2_WALK_OK;

	if ((uintptr_t)info % MB2_TAG_ALIGN != 0) {
		err = MB2_WALK_MISALIGNED;
		goto out;
	}
	if (readable < MB2_INFO_TAGS) {
		err = MB2_WALK_UNREADABLE;
		goto out;
	}
	total = mb2_read32(base + MB2_INFO_TOTAL_SIZE);
	if (total < MB2_INFO_TAGS + MB2_TAG_HDR_SIZE)
		err = MB2_WALK_TOTAL_SHORT;
	else if (total % MB2_TAG_ALIGN != 0)
		err = MB2_WALK_TOTAL_UNALIGNED;
	else if (total > readable)
		err = MB2_WALK_UNREADABLE;
	if (err != MB2_WALK_OK)
		goto out;

	/* off and total are multiples of 8 and off < total: a whole tag header is inside. */
	for (off = MB2_INFO_TAGS; off < total;
	     off += mb2_pad8(mb2_read32(base + off + MB2_TAG_SIZE))) {
		const uint8_t *tag = base + off;
		uint32_t type = mb2_read32(tag + MB2_TAG_TYPE),
			 size = mb2_read32(tag + MB2_TAG_SIZE);

		if (size < MB2_TAG_HDR_SIZE) {
			err = MB2_WALK_TAG_SHORT;
			goto out;
		}
		if (size > total - off) {
			err = MB2_WALK_TAG_PAST_END;
			goto out;
		}
		if (type == MB2_TAG_END) {
			if (size != MB2_TAG_HDR_SIZE) {
				err = MB2_WALK_END_SIZE;
				goto out;
			}
			count++;
			goto out;
		}
		err = mb2_check_tag(tag, type, size);
		if (err != MB2_WALK_OK)
			goto out;
		if (fn)
			fn((const struct mb2_tag *)tag, off, ctx);
		count++;
	}
	err = MB2_WALK_NO_END;
out:
	if (tags)
		*tags = count;
	if (where)
		*where = off;
	return err;
}

const char *bootinfo_mb2_strerror(enum bootinfo_mb2_error error)
{
	/* clang-format off */
	switch (error) {
	case MB2_WALK_OK:              return "no error";
	case MB2_WALK_MISALIGNED:      return "information not 8-byte aligned";
	case MB2_WALK_UNREADABLE:      return "total_size beyond the memory the kernel can read";
	case MB2_WALK_TOTAL_SHORT:     return "total_size below 16 bytes";
	case MB2_WALK_TOTAL_UNALIGNED: return "total_size not a multiple of 8";
	case MB2_WALK_TAG_PAST_END:    return "tag runs past total_size";
	case MB2_WALK_TAG_SHORT:       return "tag shorter than its fields";
	case MB2_WALK_STRING:          return "string not NUL-terminated inside its tag";
	case MB2_WALK_MMAP_ENTRY:      return "memory map entry_size bad or entries not whole";
	case MB2_WALK_END_SIZE:        return "end tag size is not 8";
	case MB2_WALK_NO_END:          return "no end tag before total_size";
	}
	/* clang-format on */
	return "unknown error";
}

/* Version 1's boot_device byte for a Multiboot2 partition number (0xFFFFFFFF: none). */
static uint32_t mb2_part_byte(uint32_t part)
{
	return part == MB2_BOOTDEV_NONE ? MB_BOOTDEV_NO_PART : (part & 0xFF);
}

static void mb2_add_mmap(struct bootinfo_mb2 *out, const uint8_t *tag, uint32_t size)
{
	uint32_t esize = mb2_read32(tag + MB2_MMAP_ENTRY_SIZE_OFF);

	for (uint32_t off = MB2_MMAP_ENTRIES; off < size; off += esize) {
		const uint8_t *e = tag + off;

		if (out->info.mmap_length / MB_MMAP_ENTRY_SIZE >= out->mmap_max) {
			out->mmap_dropped++;
			continue;
		}
		struct multiboot_mmap_entry *m =
			&out->mmap[out->info.mmap_length / MB_MMAP_ENTRY_SIZE];
		m->size = MB_MMAP_ENTRY_SIZE - 4; /* the size field does not count itself */
		m->base_addr = mb2_read64(e + MB2_MMAP_E_BASE);
		m->length = mb2_read64(e + MB2_MMAP_E_LENGTH);
		m->type = mb2_read32(e + MB2_MMAP_E_TYPE);
		out->info.mmap_length += MB_MMAP_ENTRY_SIZE;
	}
}

static void mb2_parse_tag(const struct mb2_tag *t, uint32_t offset, void *ctx)
{
	struct bootinfo_mb2 *out = ctx;
	struct multiboot_info *mbi = &out->info;
	const uint8_t *tag = (const uint8_t *)t;
	uint32_t pa = out->base_pa + offset;

	switch (t->type) {
	case MB2_TAG_CMDLINE:
		if (!(mbi->flags & MB_INFO_CMDLINE)) {
			mbi->flags |= MB_INFO_CMDLINE;
			mbi->cmdline = pa + MB2_TAG_STRING;
		}
		break;
	case MB2_TAG_LOADER_NAME:
		if (!(mbi->flags & MB_INFO_LOADER_NAME)) {
			mbi->flags |= MB_INFO_LOADER_NAME;
			mbi->boot_loader_name = pa + MB2_TAG_STRING;
		}
		break;
	case MB2_TAG_MODULE:
		if (mbi->mods_count >= out->mods_max) {
			out->mods_dropped++;
			break;
		}
		out->mods[mbi->mods_count] = (struct multiboot_module){
			.mod_start = mb2_read32(tag + MB2_MOD_START),
			.mod_end = mb2_read32(tag + MB2_MOD_END),
			.string = pa + MB2_MOD_STRING,
			.reserved = 0,
		};
		mbi->mods_count++;
		break;
	case MB2_TAG_BASIC_MEMINFO:
		if (!(mbi->flags & MB_INFO_MEMORY)) {
			mbi->flags |= MB_INFO_MEMORY;
			mbi->mem_lower = mb2_read32(tag + MB2_MEMINFO_LOWER);
			mbi->mem_upper = mb2_read32(tag + MB2_MEMINFO_UPPER);
		}
		break;
	case MB2_TAG_BOOTDEV:
		if (!(mbi->flags & MB_INFO_BOOTDEV)) {
			mbi->flags |= MB_INFO_BOOTDEV;
			mbi->boot_device = (mb2_read32(tag + MB2_BOOTDEV_BIOSDEV) & 0xFF) << 24 |
					   mb2_part_byte(mb2_read32(tag + MB2_BOOTDEV_PART)) << 16 |
					   mb2_part_byte(mb2_read32(tag + MB2_BOOTDEV_SUBPART))
						   << 8 |
					   MB_BOOTDEV_NO_PART;
		}
		break;
	case MB2_TAG_MMAP:
		if (!(mbi->flags & MB_INFO_MEM_MAP)) {
			mbi->flags |= MB_INFO_MEM_MAP;
			mb2_add_mmap(out, tag, t->size);
		}
		break;
	default:
		break; /* not read by the kernel: skipped */
	}
}

enum bootinfo_mb2_error bootinfo_mb2_parse(const void *info, uint32_t readable,
					   struct bootinfo_mb2 *out)
{
	out->info = (struct multiboot_info){ .flags = MB_INFO_MODS };
	out->mmap_dropped = out->mods_dropped = 0;
	out->total_size = 0;
	if ((uintptr_t)info % MB2_TAG_ALIGN == 0 && readable >= MB2_INFO_TAGS)
		out->total_size = mb2_read32((const uint8_t *)info + MB2_INFO_TOTAL_SIZE);
	return bootinfo_mb2_walk(info, readable, mb2_parse_tag, out, &out->tags, &out->where);
}
