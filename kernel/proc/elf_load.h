/*
 * elf_load.h - a static i386 executable (ELF32, ET_EXEC, EM_386) into an address space: each
 * PT_LOAD segment becomes a region (read-only text or writable data), the pages that hold file
 * bytes are filled now, the rest (.bss) is demand zero. ELF: the System V ABI's "Object Files"
 * and "Program Loading" chapters and its i386 supplement.
 */
#ifndef KERNEL_PROC_ELF_LOAD_H
#define KERNEL_PROC_ELF_LOAD_H

#include <stdint.h>

#include "mm/uvm.h"

struct elf_image_info {
	uint32_t entry;        /* e_entry */
	uint32_t phdr;         /* where the program headers lie in the process (AT_PHDR), or 0 */
	uint32_t phent, phnum; /* AT_PHENT, AT_PHNUM */
	uint32_t end;          /* the highest segment end: the break starts on the page above */
};

/* 0, or a negative errno (-ENOEXEC for a bad file, -ENOMEM) with *why saying what is wrong. */
int elf_load(struct uvm_space *as, const uint8_t *img, uint32_t size, struct elf_image_info *out,
	     const char **why);

#endif
