/*
 * paging.c - in-kernel suite `paging`: the real MMU agrees with the page tables mm/paging.c built.
 *
 * Every check goes through the CPU's translation (loads and stores through virtual addresses),
 * not only through paging_translate: the boot switch left what entry.asm recorded (identity
 * dropped, running high); nothing below KERNEL_VIRT_BASE is mapped, and a read there really
 * faults; the direct map translates to KERNEL_VIRT_BASE + pa; kernel text is read-only at its
 * high address and a write to it faults; a write through the direct map and a read through a
 * temporary window of the same frame agree; frames above the direct map (-m 3072, 4096) are
 * allocated, mapped in windows, written, read back and freed; one frame mapped at two addresses
 * shows writes through both; a page remapped to another frame reads the new frame (the old
 * translation was cached by a read first, so only the invlpg in paging_unmap makes this pass);
 * a read-only page faults on a kernel write (CR0.WP) and paging_protect makes it writable; two
 * address spaces see different frames at the same address; destroying the spaces gives every
 * frame back (PMM free count). Runs with `test=paging` after paging_init.
 */
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/trap_frame.h"
#include "kernel/core/boot_record.h"
#include "kernel/debug/ktest.h"
#include "kernel/layout.h"
#include "kernel/mm/paging_setup.h"
#include "mm/kmap.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "x86.h"

#define WIN_A (KWIN_START + 3 * PG_SIZE)
#define WIN_B (KWIN_START + 700 * PG_SIZE)

static uint32_t rd(uint32_t va)
{
	return *(volatile uint32_t *)(uintptr_t)va;
}
static void wr(uint32_t va, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)va = v;
}

/* va is in the direct map: it translates to va - KERNEL_VIRT_BASE. */
static bool maps_direct(uint32_t va)
{
	uint32_t pa = 0;
	return paging_translate(va, &pa, NULL) == PAGING_OK && pa == va - KERNEL_VIRT_BASE;
}

static void check_switch_state(void)
{
	const struct boot_record *r = &boot_record;
	uint32_t cr0 = cpu_read_cr0();
	ktap_ok(paging_enabled() && (cr0 & CR0_PG) && (cr0 & CR0_WP),
		"paging on: CR0.PG and CR0.WP "
		"set (cr0=0x%08x)",
		(unsigned)cr0);
	ktap_ok(PTE_ADDR(cpu_read_cr3()) == paging_kernel_space() &&
			paging_current_space() == paging_kernel_space(),
		"CR3 holds the kernel directory 0x%08x", (unsigned)paging_kernel_space());
	ktap_diag("direct map [0x%08x, 0x%08x), %u page tables, %u 4 MiB pages, PSE %s",
		  (unsigned)paging_direct_start(), (unsigned)paging_direct_end(),
		  paging_table_count(paging_kernel_space()),
		  paging_large_count(paging_kernel_space()), paging_uses_pse() ? "on" : "off");
	ktap_ok(paging_uses_pse() == (paging_large_count(paging_kernel_space()) > 0),
		"4 MiB pages used exactly when PSE is on");
	if (paging_uses_pse())
		ktap_ok(cpu_read_cr4() & CR4_PSE, "CR4.PSE set");
	/* What entry.asm recorded: the switch ran low, went high, and dropped the identity. */
	ktap_ok(r->pd == KERNEL_PHYS(boot_page_directory) &&
			(r->cr0 & (CR0_PG | CR0_WP)) == (CR0_PG | CR0_WP),
		"boot: CR3 was the first directory 0x%08x, CR0.PG|WP set "
		"(0x%08x)",
		(unsigned)r->pd, (unsigned)r->cr0);
	ktap_ok(r->eip_low >= (uint32_t)(uintptr_t)__boot_start &&
			r->eip_low < (uint32_t)(uintptr_t)__boot_end,
		"boot: the instruction after the CR0 write ran at its physical address 0x%08x",
		(unsigned)r->eip_low);
	ktap_ok(r->eip_high >= (uint32_t)(uintptr_t)__text_start &&
			r->eip_high < (uint32_t)(uintptr_t)__text_end,
		"boot: after the jump the code ran at its high address 0x%08x",
		(unsigned)r->eip_high);
	ktap_ok(r->ident >= 1 && r->dropped == r->ident && r->pde0 == 0 &&
			boot_page_directory[0] == 0,
		"boot: %u identity PDE(s) made, %u dropped, PDE 0 read back 0x%08x",
		(unsigned)r->ident, (unsigned)r->dropped, (unsigned)r->pde0);
}

/* #PF hook for the probes below: record the fault, skip the 2-byte probing instruction. */
static volatile uint32_t probe_count, probe_cr2, probe_err;
static int probe_skip(struct trap_frame *tf)
{
	probe_count++;
	probe_cr2 = cpu_read_cr2();
	probe_err = tf->error_code;
	tf->eip += 2; /* movl (%ecx),%eax = 8b 01; movl %eax,(%ecx) = 89 01 */
	return 1;
}

/* Read or write va with a known 2-byte instruction; true when it faulted (cr2 == va). */
static bool probe_faults(uint32_t va, bool write)
{
	uint32_t v = 0x5A5A5A5A;
	probe_count = 0;
	trap_set_handler(TRAP_PAGE_FAULT, probe_skip);
	if (write)
		__asm__ volatile(".byte 0x89, 0x01" : : "a"(v), "c"(va) : "memory");
	else
		__asm__ volatile(".byte 0x8b, 0x01" : "+a"(v) : "c"(va) : "memory");
	trap_set_handler(TRAP_PAGE_FAULT, NULL);
	return probe_count == 1 && probe_cr2 == va;
}

static void check_user_range_empty(void)
{
	const pde_t *pd = (const pde_t *)(uintptr_t)RECURSIVE_PD;
	unsigned pdes = 0, pages = 0;
	for (unsigned i = 0; i < PDX(KERNEL_VIRT_BASE); i++)
		if (pd[i])
			pdes++;
	for (uint32_t va = 0; va < KERNEL_VIRT_BASE; va += PG_SIZE)
		if (paging_translate(va, NULL, NULL) != PAGING_ENOENT)
			pages++;
	ktap_ok(pdes == 0 && pages == 0,
		"every page below 0x%08x is not present (%u PDEs, %u pages "
		"mapped; page 0 included)",
		(unsigned)KERNEL_VIRT_BASE, pdes, pages);
	/* The MMU agrees: the kernel's own physical addresses, page 0 and the top user page. */
	uint32_t low[] = { 0, KERNEL_PHYS(check_user_range_empty), KERNEL_PHYS(__data_start),
			   KERNEL_VIRT_BASE - 4 };
	unsigned faulted = 0;
	for (unsigned i = 0; i < sizeof low / sizeof low[0]; i++)
		if (probe_faults(low[i], false) && !(probe_err & PFE_P))
			faulted++;
	ktap_ok(faulted == sizeof low / sizeof low[0],
		"reads at 0x00000000, the kernel's physical "
		"addresses and 0x%08x fault as not present (%u of %u)",
		(unsigned)KERNEL_VIRT_BASE - 4, faulted, (unsigned)(sizeof low / sizeof low[0]));
}

static void check_direct(void)
{
	const uint32_t samples[] = {
		KERNEL_VIRT_BASE + NULL_PAGE_END,
		KERNEL_VIRT_BASE + VGA_TEXT_ADDR,
		(uint32_t)(uintptr_t)__text_start,
		(uint32_t)(uintptr_t)check_direct,
		(uint32_t)(uintptr_t)__rodata_start,
		(uint32_t)(uintptr_t)__data_start,
		(uint32_t)(uintptr_t)__stack_top - 4,
		KERNEL_VIRT_BASE + pmm_bitmap_phys(),
		KERNEL_VIRT_BASE + paging_kernel_space(),
		paging_direct_end() - 4,
		(paging_direct_start() + (paging_direct_end() - paging_direct_start()) / 2) & ~3u,
	};
	unsigned bad = 0;
	for (unsigned i = 0; i < sizeof samples / sizeof samples[0]; i++)
		if (!maps_direct(samples[i])) {
			ktap_diag("0x%08x does not translate to 0x%08x", (unsigned)samples[i],
				  (unsigned)(samples[i] - KERNEL_VIRT_BASE));
			bad++;
		}
	/* Every page of the direct map, in steps small enough to see every table and large page. */
	for (uint32_t va = paging_direct_start(); va < paging_direct_end(); va += 0x3F000) {
		if (va >= (uint32_t)(uintptr_t)__stack_guard &&
		    va < (uint32_t)(uintptr_t)__stack_bottom)
			continue;
		if (!maps_direct(va))
			bad++;
	}
	ktap_ok(bad == 0, "direct-map addresses translate to themselves minus 0x%08x (%u bad)",
		(unsigned)KERNEL_VIRT_BASE, bad);
	ktap_ok(paging_translate(KERNEL_VIRT_BASE, NULL, NULL) == PAGING_ENOENT,
		"physical page 0 has no direct-map page (0x%08x not mapped)",
		(unsigned)KERNEL_VIRT_BASE);

	/* The MMU agrees: a value written through the direct-map address of a fresh frame is what
	 * the frame holds, seen through the recursive view of the page table too. */
	uint32_t f = pmm_alloc_frames(1, 0, DIRECT_MAP_PHYS_END);
	uint32_t fva = KERNEL_VIRT_BASE + f;
	wr(fva + 8, 0x1D1D1D1D);
	pte_t *rec = (pte_t *)(uintptr_t)(RECURSIVE_BASE + PDX(fva) * PG_SIZE);
	pde_t pde = paging_get_pde(paging_kernel_space(), fva);
	bool rec_ok = (pde & PTE_PS) ? true : PTE_ADDR(rec[PTX(fva)]) == f;
	ktap_ok(rd(fva + 8) == 0x1D1D1D1D && rec_ok &&
			mm_phys_to_virt(f) == (void *)(uintptr_t)fva &&
			((const pde_t *)(uintptr_t)RECURSIVE_PD)[PDX(fva)] == pde,
		"a PMM frame (0x%08x) is reachable at 0x%08x; the recursive slot shows its PDE and PTE",
		(unsigned)f, (unsigned)fva);
	pmm_free_frame(f);
}

static void check_protections(void)
{
	uint32_t fl = 0;
	uint32_t text = (uint32_t)(uintptr_t)check_protections;
	uint32_t boot_alias = KERNEL_VIRT_BASE + (uint32_t)(uintptr_t)__boot_start;
	uint32_t ro = (uint32_t)(uintptr_t)__rodata_start;
	uint32_t data = (uint32_t)(uintptr_t)__data_start;
	uint32_t guard = (uint32_t)(uintptr_t)__stack_guard;

	ktap_ok(paging_translate(guard, NULL, NULL) == PAGING_ENOENT &&
			paging_translate(guard + PG_SIZE - 1, NULL, NULL) == PAGING_ENOENT &&
			maps_direct(guard + PG_SIZE),
		"the guard page 0x%08x below the boot stack is not "
		"mapped, the stack is",
		(unsigned)guard);
	bool text_ro = paging_translate(text, NULL, &fl) == PAGING_OK && !(fl & PTE_W);
	bool boot_ro = paging_translate(boot_alias, NULL, &fl) == PAGING_OK && !(fl & PTE_W);
	bool ro_ro = paging_translate(ro, NULL, &fl) == PAGING_OK && !(fl & PTE_W);
	bool data_rw = paging_translate(data, NULL, &fl) == PAGING_OK && (fl & PTE_W);
	ktap_ok(text_ro && boot_ro && ro_ro && data_rw,
		".boot (at 0x%08x), .text and .rodata "
		"read-only at their high addresses, .data writable",
		(unsigned)boot_alias);
	bool faulted = probe_faults(text, true);
	ktap_ok(faulted && (probe_err & (PFE_P | PFE_W)) == (PFE_P | PFE_W),
		"a write to kernel text at 0x%08x faults "
		"(protection violation, err=0x%x)",
		(unsigned)text, (unsigned)probe_err);
	unsigned user = 0;
	for (uint32_t va = paging_direct_start(); va < paging_direct_end(); va += 0x7000)
		if (paging_translate(va, NULL, &fl) == PAGING_OK && (fl & PTE_U))
			user++;
	const pde_t *pd = (const pde_t *)(uintptr_t)RECURSIVE_PD;
	for (unsigned i = PDX(KERNEL_VIRT_BASE); i < RECURSIVE_SLOT; i++)
		if (pd[i] & PTE_U)
			user++;
	ktap_ok(user == 0, "kernel mappings are supervisor-only (%u user entries)", user);
	ktap_ok((paging_get_pde(paging_kernel_space(), KHEAP_END - 1) & PTE_P) &&
			(paging_get_pde(paging_kernel_space(), KMAP_START) & PTE_P) &&
			(paging_get_pde(paging_kernel_space(), KWIN_START) & PTE_P),
		"heap, temporary-window and window page tables exist before any address space");
}

/* One frame through the direct map and through a temporary window. */
static void check_window(void)
{
	uint32_t f = pmm_alloc_frames(1, 0, DIRECT_MAP_PHYS_END);
	uint32_t direct = KERNEL_VIRT_BASE + f;
	uint32_t *w = kmap_window(f);
	uint32_t wva = (uint32_t)(uintptr_t)w;
	if (!ktap_ok(w && wva >= KMAP_START && wva < KMAP_END && wva != direct,
		     "kmap_window(0x%08x) -> 0x%08x, a temporary window", (unsigned)f,
		     (unsigned)wva))
		return;
	wr(direct + 0x40, 0xD1EC7001);
	uint32_t seen = w[0x40 / 4];
	w[0x44 / 4] = 0x0A1D0002;
	ktap_ok(seen == 0xD1EC7001 && rd(direct + 0x44) == 0x0A1D0002,
		"a write through the direct map (0x%08x) and a read through the window agree, and "
		"back (0x%08x)",
		(unsigned)direct, (unsigned)seen);
	kunmap(w);
	ktap_ok(paging_translate(wva, NULL, NULL) == PAGING_ENOENT && kmap_in_use() == 0,
		"kunmap: the window is unmapped and free");
	ktap_ok(kmap(f) == (void *)(uintptr_t)direct, "kmap of a direct-map frame answers its "
						      "direct-map address");
	pmm_free_frame(f);
}

/* Frames above the direct map: allocated, mapped through windows, written, read back, freed. */
static void check_high_frames(void)
{
	uint64_t top = (uint64_t)pmm_frames_covered() * PG_SIZE;
	if (top <= DIRECT_MAP_PHYS_END) {
		ktap_diag("no RAM above the direct map at this memory size (top 0x%08llx)",
			  (unsigned long long)top);
		return;
	}
	size_t free0 = pmm_free_count();
	/* 1 GiB and 2 GiB alignment pick frames at 0x40000000 and 0x80000000, above the limit; a
	 * plain allocation may pick any frame, low or high: its window use is checked either way. */
	enum { RUN = 16, N = 2 * RUN };
	uint32_t frames[N];
	uint32_t a = pmm_alloc_frames(RUN, 0x40000000u, 0),
		 b = pmm_alloc_frames(RUN, 0x80000000u, 0);
	unsigned n = 0, high = 0, bad = 0, windows = 0;
	for (unsigned i = 0; i < RUN; i++) {
		if (a)
			frames[n++] = a + i * PG_SIZE;
		if (b)
			frames[n++] = b + i * PG_SIZE;
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t *p = kmap(frames[i]);
		if (!p) {
			bad++;
			continue;
		}
		uint32_t va = (uint32_t)(uintptr_t)p, pa = 0;
		if (frames[i] >= DIRECT_MAP_PHYS_END)
			high++;
		if (va >= KMAP_START && va < KMAP_END)
			windows++;
		if (paging_translate(va, &pa, NULL) != PAGING_OK || pa != frames[i])
			bad++;
		for (unsigned w = 0; w < PG_SIZE / 4; w += 64)
			p[w] = frames[i] ^ w ^ 0x5EEDF00D;
		kunmap(p);
	}
	/* Read back through fresh windows (different slots may be reused for other frames). */
	for (unsigned i = 0; i < n; i++) {
		const uint32_t *p = kmap(frames[i]);
		if (!p) {
			bad++;
			continue;
		}
		for (unsigned w = 0; w < PG_SIZE / 4; w += 64)
			if (p[w] != (frames[i] ^ w ^ 0x5EEDF00D)) {
				bad++;
				break;
			}
		kunmap((void *)p);
	}
	ktap_ok(n == N && high == N && windows == N && bad == 0 && kmap_in_use() == 0,
		"%u frames above the direct map (at 0x%08x and 0x%08x) mapped in windows, written and "
		"read back (%u bad)",
		n, (unsigned)a, (unsigned)b, bad);
	if (a)
		pmm_free_frames(a, RUN);
	if (b)
		pmm_free_frames(b, RUN);
	ktap_ok(pmm_free_count() == free0, "freed: the free count is back to %u", (unsigned)free0);
}

static void check_two_addresses(void)
{
	uint32_t f = pmm_alloc_frames(1, 0, DIRECT_MAP_PHYS_END);
	if (!ktap_ok(f != 0, "a frame from the PMM"))
		return;
	int e1 = paging_map(WIN_A, f, PTE_W), e2 = paging_map(WIN_B, f, PTE_W);
	if (!ktap_ok(e1 == 0 && e2 == 0, "one frame 0x%08x mapped at 0x%08x and 0x%08x (%d %d)",
		     (unsigned)f, (unsigned)WIN_A, (unsigned)WIN_B, e1, e2))
		return;
	wr(WIN_A + 0x10, 0xA11CE001);
	wr(WIN_B + 0x20, 0xB0B0B002);
	ktap_ok(rd(WIN_B + 0x10) == 0xA11CE001 && rd(WIN_A + 0x20) == 0xB0B0B002 &&
			rd(KERNEL_VIRT_BASE + f + 0x10) == 0xA11CE001,
		"a write through either address shows "
		"through the other (and at the frame's direct-map address)");
	ktap_ok(paging_map(WIN_A, f, PTE_W) == PAGING_EEXIST,
		"mapping a mapped page again: EEXIST");
	paging_unmap(WIN_A);
	paging_unmap(WIN_B);
	pmm_free_frame(f);
}

static void check_remap(void)
{
	uint32_t fa = pmm_alloc_frames(1, 0, DIRECT_MAP_PHYS_END);
	uint32_t fb = pmm_alloc_frames(1, 0, DIRECT_MAP_PHYS_END);
	wr(KERNEL_VIRT_BASE + fa, 0xAAAA0001);
	wr(KERNEL_VIRT_BASE + fb, 0xBBBB0002);
	paging_map(WIN_A, fa, 0);
	uint32_t first = rd(WIN_A); /* the translation to fa is now in the TLB */
	int eu = paging_unmap(WIN_A);
	int em = paging_map(WIN_A, fb, 0);
	uint32_t second = rd(WIN_A);
	ktap_ok(first == 0xAAAA0001 && second == 0xBBBB0002 && eu == 0 && em == 0,
		"a page remapped to another frame reads the new frame (0x%08x then 0x%08x)",
		(unsigned)first, (unsigned)second);
	paging_unmap(WIN_A);
	ktap_ok(paging_translate(WIN_A, NULL, NULL) == PAGING_ENOENT, "unmapped: no translation");
	pmm_free_frame(fa);
	pmm_free_frame(fb);
}

/* #PF hook for check_protect: record the fault, make the page writable, retry the store. */
static volatile uint32_t pf_count, pf_cr2, pf_err;
static int pf_make_writable(struct trap_frame *tf)
{
	pf_count++;
	pf_cr2 = cpu_read_cr2();
	pf_err = tf->error_code;
	if (pf_count > 1 || PG_ROUND_DOWN(pf_cr2) != WIN_A)
		return 0; /* not ours: the normal report and panic */
	return paging_protect(WIN_A, PTE_W) == PAGING_OK;
}

static void check_protect(void)
{
	uint32_t f = pmm_alloc_frames(1, 0, DIRECT_MAP_PHYS_END);
	paging_map(WIN_A, f, 0);
	wr(KERNEL_VIRT_BASE + f + 4, 1);
	ktap_ok(rd(WIN_A + 4) == 1, "read-only page readable");
	pf_count = 0;
	trap_set_handler(TRAP_PAGE_FAULT, pf_make_writable);
	wr(WIN_A + 4, 2);
	trap_set_handler(TRAP_PAGE_FAULT, NULL);
	ktap_ok(pf_count == 1 && pf_cr2 == WIN_A + 4 &&
			(pf_err & (PFE_P | PFE_W | PFE_U)) == (PFE_P | PFE_W),
		"a kernel write to a read-only page faults (CR0.WP): cr2=0x%08x err=0x%x",
		(unsigned)pf_cr2, (unsigned)pf_err);
	ktap_ok(rd(KERNEL_VIRT_BASE + f + 4) == 2,
		"after paging_protect(PTE_W) the retried write lands");
	paging_unmap(WIN_A);
	pmm_free_frame(f);
}

static void check_spaces(void)
{
	const uint32_t va = 0x08048000; /* where an i386 Linux program's text starts */
	size_t free0 = pmm_free_count();
	vmspace_t a = 0, b = 0;
	int ea = vmspace_create(&a), eb = vmspace_create(&b);
	if (!ktap_ok(ea == 0 && eb == 0, "two address spaces created (0x%08x, 0x%08x)", (unsigned)a,
		     (unsigned)b))
		return;
	ea = vmspace_alloc(a, va, PTE_W);
	eb = vmspace_alloc(b, va, PTE_W);
	/* More frames and tables, spread out, so destroy has something to find. */
	for (uint32_t i = 1; i < 6; i++)
		vmspace_alloc(b, va + i * (LG_SIZE + PG_SIZE), PTE_W | PTE_U);
	uint32_t pa_a = 0, pa_b = 0;
	vmspace_translate(a, va, &pa_a, NULL);
	vmspace_translate(b, va, &pa_b, NULL);
	ktap_ok(ea == 0 && eb == 0 && pa_a && pa_b && pa_a != pa_b,
		"0x%08x maps to 0x%08x in one space and 0x%08x in the other", (unsigned)va,
		(unsigned)pa_a, (unsigned)pa_b);

	vmspace_switch(a);
	wr(va, 0xAAAAAAAA);
	uint32_t cr3_a = PTE_ADDR(cpu_read_cr3());
	vmspace_switch(b);
	wr(va, 0xBBBBBBBB);
	uint32_t cr3_b = PTE_ADDR(cpu_read_cr3());
	vmspace_switch(a);
	uint32_t seen_a = rd(va);
	/* The recursive slot follows CR3: it now shows space a's directory. */
	pde_t rec_a = ((const pde_t *)(uintptr_t)RECURSIVE_PD)[RECURSIVE_SLOT];
	/* The kernel stays mapped in every space: this code, its stack, the VGA text. */
	bool kernel_seen = maps_direct((uint32_t)(uintptr_t)check_spaces) &&
			   maps_direct(KERNEL_VIRT_BASE + VGA_TEXT_ADDR);
	vmspace_switch(b);
	uint32_t seen_b = rd(va);
	vmspace_switch(paging_kernel_space());
	ktap_ok(cr3_a == a && cr3_b == b && seen_a == 0xAAAAAAAA && seen_b == 0xBBBBBBBB,
		"after switching CR3 each space reads its own value at 0x%08x (0x%08x, 0x%08x)",
		(unsigned)va, (unsigned)seen_a, (unsigned)seen_b);
	ktap_ok(kernel_seen, "the kernel's mappings are present inside an address space");
	ktap_ok(PTE_ADDR(rec_a) == a,
		"inside a space the recursive slot shows its own directory "
		"(PDE 1023 = 0x%08x)",
		(unsigned)rec_a);
	ktap_ok(paging_translate(va, NULL, NULL) == PAGING_ENOENT &&
			rd(KERNEL_VIRT_BASE + pa_a) == 0xAAAAAAAA &&
			rd(KERNEL_VIRT_BASE + pa_b) == 0xBBBBBBBB,
		"back in the kernel space: the address is unmapped, the "
		"frames hold what each space wrote");
	ktap_ok(pmm_free_count() < free0, "the spaces hold %u frames",
		(unsigned)(free0 - pmm_free_count()));
	vmspace_destroy(a);
	vmspace_destroy(b);
	ktap_ok(pmm_free_count() == free0 && vmspace_live_count() == 0,
		"destroying both spaces returns every frame (free %u, before %u)",
		(unsigned)pmm_free_count(), (unsigned)free0);
}

static void paging_suite(void)
{
	check_switch_state();
	check_user_range_empty();
	check_direct();
	check_protections();
	check_window();
	check_high_frames();
	check_two_addresses();
	check_remap();
	check_protect();
	check_spaces();
}

KTEST_SUITE("paging", paging_suite);
