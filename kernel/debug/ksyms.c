/*
 * ksyms.c - look up the function containing an address in the embedded symbol table.
 *
 * Binary search for the last symbol at or below addr. A symbol with a size covers
 * [addr, addr+size); one without (an assembly label) covers up to the next symbol. Addresses
 * outside .text name nothing, so data addresses and garbage are not dressed up as code.
 */
#include "kernel/debug/ksyms.h"
#include "kernel/layout.h"

#include <stddef.h>

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
	uint32_t lo = 0, hi = ksym_count;

	if (addr < (uintptr_t)__text_start || addr >= (uintptr_t)__text_end)
		return NULL;
	while (lo < hi) { /* first index with table[i].addr > addr */
		uint32_t mid = lo + (hi - lo) / 2;

		if (ksym_table[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct ksym *sym = &ksym_table[lo - 1];
	if (sym->size != 0 && addr - sym->addr >= sym->size)
		return NULL;
	if (offset)
		*offset = addr - sym->addr;
	return sym->name;
}
