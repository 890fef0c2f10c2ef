/*
 * kmap.c - temporary windows onto physical frames (see kmap.h): a bitmap of the KMAP_SLOTS
 * pages of [KMAP_START, KMAP_END), each mapped with paging_map while taken. Unmapping goes
 * through paging_unmap, whose invlpg drops the old translation (Intel SDM Vol. 3A 4.10.4.1),
 * so a window reused for another frame never shows the previous one.
 */
#include "mm/kmap.h"
#include "mm/paging.h"

static uint32_t kmap_used[KMAP_SLOTS / 32];
static unsigned kmap_count;

_Static_assert(KMAP_SLOTS % 32 == 0, "whole bitmap words");

void *kmap_window(uint32_t pa)
{
	if (!PG_ALIGNED(pa))
		mm_panic("kmap: 0x%08x is not a frame address", (unsigned)pa);
	mm_irqflags_t fl = mm_irq_save();
	for (unsigned w = 0; w < KMAP_SLOTS / 32; w++) {
		if (kmap_used[w] == 0xFFFFFFFFu)
			continue;
		unsigned b = (unsigned)__builtin_ctz(~kmap_used[w]);
		uint32_t va = KMAP_START + (w * 32 + b) * PG_SIZE;
		int err = paging_map(va, pa, PTE_W);
		if (err)
			mm_panic("kmap: window 0x%08x for frame 0x%08x: %s", (unsigned)va,
				 (unsigned)pa, paging_strerror(err));
		kmap_used[w] |= 1u << b;
		kmap_count++;
		mm_irq_restore(fl);
		return (void *)(uintptr_t)va;
	}
	mm_irq_restore(fl);
	return NULL;
}

void *kmap(uint32_t pa)
{
	if (PG_ALIGNED(pa) && (mm_direct_limit() == 0 || pa < mm_direct_limit()))
		return mm_phys_to_virt(pa);
	return kmap_window(pa);
}

void kunmap(void *p)
{
	uint32_t va = (uint32_t)(uintptr_t)p;
	if (va < KMAP_START || va >= KMAP_END)
		return; /* a direct-map address: nothing was mapped */
	if (!PG_ALIGNED(va))
		mm_panic("kunmap: 0x%08x is not a window's start", (unsigned)va);
	unsigned slot = (va - KMAP_START) / PG_SIZE;
	mm_irqflags_t fl = mm_irq_save();
	if (!(kmap_used[slot / 32] & (1u << (slot % 32))))
		mm_panic("kunmap: window 0x%08x is not in use", (unsigned)va);
	int err = paging_unmap(va);
	if (err)
		mm_panic("kunmap: window 0x%08x: %s", (unsigned)va, paging_strerror(err));
	kmap_used[slot / 32] &= ~(1u << (slot % 32));
	kmap_count--;
	mm_irq_restore(fl);
}

unsigned kmap_in_use(void)
{
	return kmap_count;
}
