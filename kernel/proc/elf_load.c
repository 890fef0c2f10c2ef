/*
 * elf_load.c - load a static i386 ELF executable into an address space (see elf_load.h).
 *
 * Every field is checked against the file's size before it is used: a truncated or hostile
 * module is refused with a reason, never read past its end. Segments must lie in
 * [UVM_MIN_ADDR, UVM_MMAP_TOP) and not share a page with another segment (regions do not
 * overlap; ld's default static layout starts each segment on a page of its own).
 */
#include "kernel/proc/elf_load.h"
#include "kernel/lib/string.h"
#include "mm/kmap.h"

#define ELF_ENOEXEC (-8)

/* ELF32 layouts (System V ABI, "ELF Header" and "Program Header"). */
struct elf32_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
_Static_assert(sizeof(struct elf32_ehdr) == 52 && sizeof(struct elf32_phdr) == 32, "ELF32");

#define ELFCLASS32  1
#define ELFDATA2LSB 1
#define ET_EXEC     2
#define EM_386      3
#define PT_LOAD     1
#define PT_PHDR     6
#define PF_X        1
#define PF_W        2
#define PF_R        4

static int elf_fail(const char **why, const char *what)
{
	*why = what;
	return ELF_ENOEXEC;
}

/* Copy the file bytes of ph into the pages that hold them (fresh, zeroed frames). */
static int elf_fill_segment(struct uvm_space *as, const uint8_t *img, const struct elf32_phdr *ph)
{
	uint32_t file_end = ph->vaddr + ph->filesz;

	for (uint32_t va = PG_ROUND_DOWN(ph->vaddr); va < file_end; va += PG_SIZE) {
		uint32_t pa;
		int err = uvm_page_populate(as, va, &pa);
		if (err)
			return err;
		uint32_t from = va < ph->vaddr ? ph->vaddr : va;
		uint32_t to = va + PG_SIZE < file_end ? va + PG_SIZE : file_end;
		uint8_t *w = kmap(pa);
		if (!w)
			return UVM_ENOMEM;
		memcpy(w + (from - va), img + ph->offset + (from - ph->vaddr), to - from);
		kunmap(w);
	}
	return 0;
}

int elf_load(struct uvm_space *as, const uint8_t *img, uint32_t size, struct elf_image_info *out,
	     const char **why)
{
	struct elf32_ehdr eh;

	if (size < sizeof eh)
		return elf_fail(why, "shorter than an ELF header");
	memcpy(&eh, img, sizeof eh);
	if (memcmp(eh.ident, "\177ELF", 4) != 0)
		return elf_fail(why, "no ELF magic");
	if (eh.ident[4] != ELFCLASS32 || eh.ident[5] != ELFDATA2LSB || eh.machine != EM_386)
		return elf_fail(why, "not a 32-bit little-endian i386 file");
	if (eh.type != ET_EXEC)
		return elf_fail(why, "not a static executable (ET_EXEC)");
	if (eh.phentsize != sizeof(struct elf32_phdr) || eh.phnum == 0 || eh.phoff > size ||
	    (size - eh.phoff) / sizeof(struct elf32_phdr) < eh.phnum)
		return elf_fail(why, "program headers missing or beyond the file's end");

	*out = (struct elf_image_info){ .entry = eh.entry,
					.phent = eh.phentsize,
					.phnum = eh.phnum };
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct elf32_phdr ph;
		memcpy(&ph, img + eh.phoff + i * sizeof ph, sizeof ph);
		if (ph.type == PT_PHDR)
			out->phdr = ph.vaddr;
		if (ph.type != PT_LOAD)
			continue;
		if (ph.filesz > ph.memsz || ph.offset > size || size - ph.offset < ph.filesz)
			return elf_fail(why, "a segment's file bytes lie beyond the file's end");
		if (ph.vaddr < UVM_MIN_ADDR || ph.memsz > UVM_MMAP_TOP - ph.vaddr ||
		    ph.vaddr > UVM_MMAP_TOP)
			return elf_fail(why, "a segment lies outside the user range");
		if (ph.memsz == 0)
			continue;
		unsigned prot = ((ph.flags & PF_R) ? UVM_PROT_READ : 0) |
				((ph.flags & PF_W) ? UVM_PROT_WRITE : 0) |
				((ph.flags & PF_X) ? UVM_PROT_EXEC : 0);
		int err = uvm_region_insert(as, PG_ROUND_DOWN(ph.vaddr),
					    PG_ROUND_UP(ph.vaddr + ph.memsz), prot,
					    (ph.flags & PF_W) ? UVM_KIND_DATA : UVM_KIND_TEXT);
		if (err == UVM_EEXIST)
			return elf_fail(why, "two segments share a page");
		if (err)
			return elf_fail(why, "a segment's region was refused");
		err = elf_fill_segment(as, img, &ph);
		if (err) {
			*why = "out of memory";
			return err;
		}
		if (!out->phdr && eh.phoff >= ph.offset && eh.phoff - ph.offset < ph.filesz)
			out->phdr = ph.vaddr + (eh.phoff - ph.offset);
		if (ph.vaddr + ph.memsz > out->end)
			out->end = ph.vaddr + ph.memsz;
	}
	if (!out->end)
		return elf_fail(why, "no loadable segment");
	if (!uvm_region_find(as, eh.entry))
		return elf_fail(why, "the entry point is in no segment");
	return 0;
}
