/*
 * ksyms.h - the kernel's embedded symbol table: function name for a code address.
 *
 * The table is generated from the linked kernel itself (mk/kernel.mk: link, nm, generate
 * build/kernel/ksyms_table.c, link again, check the second link produced the same table).
 * Only function symbols are listed, sorted by address.
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdint.h>

struct ksym {
	uint32_t addr;
	uint32_t size; /* from the ELF symbol; 0 when unknown (assembly labels) */
	const char *name;
};

extern const struct ksym ksym_table[];
extern const uint32_t ksym_count;

/* Name of the function containing addr and the offset into it, or NULL if none. */
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);

#endif
