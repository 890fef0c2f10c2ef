/*
 * paging_describe.c - page-table entries in words, for the page-fault report, the monitor and
 * the tests ("present writable supervisor accessed 4MiB"). SDM 3A tables 4-4 to 4-6.
 */
#include "mm/paging.h"

static unsigned append(char *buf, unsigned size, unsigned at, const char *word)
{
	if (at && at + 1 < size)
		buf[at++] = ' ';
	while (*word && at + 1 < size)
		buf[at++] = *word++;
	buf[at < size ? at : size - 1] = '\0';
	return at;
}

char *paging_describe_flags(uint32_t entry, bool is_pde, char *buf, unsigned size)
{
	if (size == 0)
		return buf;
	buf[0] = '\0';
	unsigned at = 0;
	if (!(entry & PTE_P))
		return append(buf, size, 0, "not-present"), buf;
	at = append(buf, size, at, "present");
	at = append(buf, size, at, entry & PTE_W ? "writable" : "read-only");
	at = append(buf, size, at, entry & PTE_U ? "user" : "supervisor");
	if (entry & PTE_PWT)
		at = append(buf, size, at, "write-through");
	if (entry & PTE_PCD)
		at = append(buf, size, at, "cache-disabled");
	if (entry & PTE_A)
		at = append(buf, size, at, "accessed");
	bool large = is_pde && (entry & PTE_PS);
	if ((entry & PTE_D) && (large || !is_pde))
		at = append(buf, size, at, "dirty");
	if (large)
		at = append(buf, size, at, "4MiB");
	if ((entry & PTE_G) && (large || !is_pde))
		at = append(buf, size, at, "global");
	if (entry & PTE_OWNED)
		at = append(buf, size, at, "owned");
	return buf;
}
