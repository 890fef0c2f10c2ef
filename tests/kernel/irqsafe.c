/*
 * irqsafe.c - in-kernel suite `irqsafe`: an interrupt handler allocates and frees while the code
 * it interrupts is inside the heap and the frame allocator (mm_irq_save in mm/mm_env.h).
 *
 * The PIT fires IRQ 0 at about 4 kHz. Its handler keeps a small ring of kmalloc blocks and
 * frames: each tick frees the oldest entry and allocates a new one (sizes and frame counts vary,
 * so TLSF splits and merges, the small-block cache and the bitmap's summary words all move).
 * Meanwhile the suite's own loop does the same on a larger ring. Without the exclusion an
 * interrupt lands inside kmalloc or pmm_alloc_frame (the loop spends nearly all its time there)
 * and the two corrupt each other's lists or bitmap words: a panic from the heap's or PMM's own
 * checks, or a failed check below. With it: both rings freed, heap_check and pmm_check clean,
 * and the heap's and PMM's counts back where they started.
 */
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/irq.h"
#include "kernel/arch/x86/pit.h"
#include "kernel/debug/ktest.h"
#include "mm/heap.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"

#define IRQSAFE_PIT_HZ    4000
#define IRQSAFE_TICKS     400       /* ticks to run for (about 0.1 s of guest time) */
#define IRQSAFE_MAX_LOOPS 20000000u /* bounded: a stuck timer must not hang the suite */
#define ISR_RING          8
#define MAIN_RING         64

struct slot {
	void *p;
	uint32_t pa;
	unsigned nframes;
};

static struct slot isr_ring[ISR_RING];
static volatile unsigned isr_ticks, isr_fail;
static uint32_t isr_rng = 12345u;

static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void slot_free(struct slot *s)
{
	if (s->p)
		kfree(s->p);
	if (s->pa)
		s->nframes == 1 ? pmm_free_frame(s->pa) : pmm_free_frames(s->pa, s->nframes);
	s->p = NULL;
	s->pa = 0;
}

/* One step on a ring: free the oldest slot, fill it again. Returns false when memory ran out. */
static bool slot_step(struct slot *ring, unsigned n, unsigned i, uint32_t *rng)
{
	struct slot *s = &ring[i % n];
	uint32_t r = next_rand(rng);

	slot_free(s);
	s->p = kmalloc(16 + r % 2000);
	s->nframes = (r >> 16) % 4 ? 1 : 1 + (r >> 20) % 8;
	s->pa = s->nframes == 1 ? pmm_alloc_frame() : pmm_alloc_frames(s->nframes, 0, 0);
	if (s->p)
		((volatile uint8_t *)s->p)[0] = (uint8_t)r;
	return s->p && s->pa;
}

static void irqsafe_timer(struct trap_frame *tf)
{
	(void)tf;
	if (!slot_step(isr_ring, ISR_RING, isr_ticks, &isr_rng))
		isr_fail++;
	isr_ticks++;
}

static void irqsafe_suite(void)
{
	static struct slot ring[MAIN_RING];
	struct heap_stats before, after;
	size_t free_before = pmm_free_count();
	uint32_t rng = 67890u, loops = 0, main_fail = 0;

	heap_stats(&kernel_heap, &before);
	isr_ticks = isr_fail = 0;
	irq_register(IRQ_TIMER, irqsafe_timer);
	pit_set_rate(IRQSAFE_PIT_HZ);
	irq_unmask(IRQ_TIMER);
	cpu_sti();
	while (isr_ticks < IRQSAFE_TICKS && loops < IRQSAFE_MAX_LOOPS)
		if (!slot_step(ring, MAIN_RING, loops++, &rng))
			main_fail++;
	cpu_cli();
	irq_mask(IRQ_TIMER);
	irq_register(IRQ_TIMER, NULL);

	ktap_ok(isr_ticks >= IRQSAFE_TICKS,
		"%u timer interrupts, each allocating and freeing, during %u "
		"allocate/free steps of the interrupted loop",
		(unsigned)isr_ticks, (unsigned)loops);
	ktap_ok(isr_fail == 0 && main_fail == 0, "no allocation failed (handler %u, loop %u)",
		(unsigned)isr_fail, (unsigned)main_fail);
	for (unsigned i = 0; i < ISR_RING; i++)
		slot_free(&isr_ring[i]);
	for (unsigned i = 0; i < MAIN_RING; i++)
		slot_free(&ring[i]);
	/* Panics, naming the damage, if the lists or tags were corrupted. */
	heap_check(&kernel_heap);
	heap_stats(&kernel_heap, &after);
	ktap_ok(after.in_use == before.in_use && after.live_blocks == before.live_blocks,
		"heap_check clean; in use back to %u bytes in %u blocks (was %u in %u)",
		(unsigned)after.in_use, (unsigned)after.live_blocks, (unsigned)before.in_use,
		(unsigned)before.live_blocks);
	size_t bad = pmm_check();
	ktap_ok(bad == 0 && pmm_free_count() == free_before,
		"pmm_check clean (%u problems); free frames "
		"back to %u (now %u)",
		(unsigned)bad, (unsigned)free_before, (unsigned)pmm_free_count());
}
KTEST_SUITE("irqsafe", irqsafe_suite);
