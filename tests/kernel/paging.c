/*
 * paging.c - in-kernel suite `paging`: the real MMU agrees with the page tables mm/paging.c built.
 *
 * Every check goes through the CPU's translation (loads and stores through virtual addresses),
 * not only through paging_translate: identity addresses translate to themselves; one frame mapped
 * at two addresses shows writes through both; a page remapped to another frame reads the new
 * frame (the old translation was cached by a read first, so only the invlpg in paging_unmap makes
 * this pass); a read-only page faults on a kernel write (CR0.WP) and paging_protect makes it
 * writable; two address spaces see different frames at the same address; destroying the spaces
 * gives every frame back (PMM free count). Runs with `test=paging` after paging_init.
 */
#include "mm/paging.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/trap_frame.h"
#include "kernel/debug/ktest.h"
#include "kernel/layout.h"
#include "kernel/mm/paging_setup.h"
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

static bool maps_to_itself(uint32_t va)
{
	uint32_t pa = 0;
	return paging_translate(va, &pa, NULL) == PAGING_OK && pa == va;
}

static void check_switch_state(void)
{
	uint32_t cr0 = cpu_read_cr0();
	ktap_ok(paging_enabled() && (cr0 & CR0_PG) && (cr0 & CR0_WP),
		"paging on: CR0.PG and CR0.WP "
		"set (cr0=0x%08x)",
		(unsigned)cr0);
	ktap_ok(PTE_ADDR(cpu_read_cr3()) == paging_kernel_space() &&
			paging_current_space() == paging_kernel_space(),
		"CR3 holds the kernel directory 0x%08x", (unsigned)paging_kernel_space());
	ktap_diag("identity [0x%08x, 0x%08x), %u page tables, %u 4 MiB pages, PSE %s",
		  (unsigned)paging_identity_start(), (unsigned)paging_identity_end(),
		  paging_table_count(paging_kernel_space()),
		  paging_large_count(paging_kernel_space()), paging_uses_pse() ? "on" : "off");
	ktap_ok(paging_uses_pse() == (paging_large_count(paging_kernel_space()) > 0),
		"4 MiB pages used exactly when PSE is on");
	if (paging_uses_pse())
		ktap_ok(cpu_read_cr4() & CR4_PSE, "CR4.PSE set");
}

static void check_identity(void)
{
	const uint32_t samples[] = {
		KIDENT_START,
		VGA_TEXT_ADDR,
		(uint32_t)(uintptr_t)__text_start,
		(uint32_t)(uintptr_t)check_identity,
		(uint32_t)(uintptr_t)__rodata_start,
		(uint32_t)(uintptr_t)__data_start,
		(uint32_t)(uintptr_t)__stack_top - 4,
		pmm_bitmap_phys(),
		paging_kernel_space(),
		paging_identity_end() - 4,
		(paging_identity_end() / 2) & ~3u,
	};
	unsigned bad = 0;
	for (unsigned i = 0; i < sizeof samples / sizeof samples[0]; i++)
		if (!maps_to_itself(samples[i])) {
			ktap_diag("0x%08x does not translate to itself", (unsigned)samples[i]);
			bad++;
		}
	/* The identity map, in steps small enough to see every page table and large page. */
	for (uint32_t va = KIDENT_START; va < paging_identity_end(); va += 0x3F000) {
		if (va >= (uint32_t)(uintptr_t)__stack_guard &&
		    va < (uint32_t)(uintptr_t)__stack_bottom)
			continue;
		if (!maps_to_itself(va))
			bad++;
	}
	ktap_ok(bad == 0, "identity-mapped addresses translate to themselves (%u bad)", bad);

	/* The MMU agrees: a value written through the identity address of a fresh frame is what the
	 * frame holds, seen through the recursive view of the page table too. */
	uint32_t f = pmm_alloc_frame();
	wr(f + 8, 0x1D1D1D1D);
	pte_t *rec = (pte_t *)(uintptr_t)(RECURSIVE_BASE + PDX(f) * PG_SIZE);
	pde_t pde = paging_get_pde(paging_kernel_space(), f);
	bool rec_ok = (pde & PTE_PS) ? true : PTE_ADDR(rec[PTX(f)]) == f;
	ktap_ok(rd(f + 8) == 0x1D1D1D1D && rec_ok &&
			((const pde_t *)(uintptr_t)RECURSIVE_PD)[PDX(f)] == pde,
		"a PMM frame (0x%08x) is reachable at its own address; "
		"the recursive slot shows its PDE and PTE",
		(unsigned)f);
	pmm_free_frame(f);
}

static void check_protections(void)
{
	uint32_t fl = 0;
	uint32_t text = (uint32_t)(uintptr_t)check_protections;
	uint32_t ro = (uint32_t)(uintptr_t)__rodata_start;
	uint32_t data = (uint32_t)(uintptr_t)__data_start;
	uint32_t guard = (uint32_t)(uintptr_t)__stack_guard;

	ktap_ok(paging_translate(0, NULL, NULL) == PAGING_ENOENT &&
			paging_translate(KIDENT_START - 1, NULL, NULL) == PAGING_ENOENT,
		"page 0 is not mapped");
	ktap_ok(paging_translate(guard, NULL, NULL) == PAGING_ENOENT &&
			paging_translate(guard + PG_SIZE - 1, NULL, NULL) == PAGING_ENOENT &&
			maps_to_itself(guard + PG_SIZE),
		"the guard page 0x%08x below the boot stack is not "
		"mapped, the stack is",
		(unsigned)guard);
	bool text_ro = paging_translate(text, NULL, &fl) == PAGING_OK && !(fl & PTE_W);
	bool ro_ro = paging_translate(ro, NULL, &fl) == PAGING_OK && !(fl & PTE_W);
	bool data_rw = paging_translate(data, NULL, &fl) == PAGING_OK && (fl & PTE_W);
	ktap_ok(text_ro && ro_ro && data_rw, ".text and .rodata read-only, .data writable");
	unsigned user = 0;
	for (uint32_t va = KIDENT_START; va < paging_identity_end(); va += 0x7000)
		if (paging_translate(va, NULL, &fl) == PAGING_OK && (fl & PTE_U))
			user++;
	const pde_t *pd = (const pde_t *)(uintptr_t)RECURSIVE_PD;
	for (unsigned i = 0; i < PDX(USER_START); i++)
		if (pd[i] & PTE_U)
			user++;
	ktap_ok(user == 0, "kernel mappings are supervisor-only (%u user entries)", user);
	ktap_ok((paging_get_pde(paging_kernel_space(), KHEAP_END - 1) & PTE_P) &&
			(paging_get_pde(paging_kernel_space(), KWIN_START) & PTE_P),
		"heap and window page tables exist before any address space");
}

static void check_two_addresses(void)
{
	uint32_t f = pmm_alloc_frame();
	if (!ktap_ok(f != 0, "a frame from the PMM"))
		return;
	int e1 = paging_map(WIN_A, f, PTE_W), e2 = paging_map(WIN_B, f, PTE_W);
	if (!ktap_ok(e1 == 0 && e2 == 0, "one frame 0x%08x mapped at 0x%08x and 0x%08x (%d %d)",
		     (unsigned)f, (unsigned)WIN_A, (unsigned)WIN_B, e1, e2))
		return;
	wr(WIN_A + 0x10, 0xA11CE001);
	wr(WIN_B + 0x20, 0xB0B0B002);
	ktap_ok(rd(WIN_B + 0x10) == 0xA11CE001 && rd(WIN_A + 0x20) == 0xB0B0B002 &&
			rd(f + 0x10) == 0xA11CE001,
		"a write through either address shows through the other "
		"(and at the frame's identity address)");
	ktap_ok(paging_map(WIN_A, f, PTE_W) == PAGING_EEXIST,
		"mapping a mapped page again: EEXIST");
	paging_unmap(WIN_A);
	paging_unmap(WIN_B);
	pmm_free_frame(f);
}

static void check_remap(void)
{
	uint32_t fa = pmm_alloc_frame(), fb = pmm_alloc_frame();
	wr(fa, 0xAAAA0001);
	wr(fb, 0xBBBB0002);
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
	uint32_t f = pmm_alloc_frame();
	paging_map(WIN_A, f, 0);
	wr(f + 4, 1);
	ktap_ok(rd(WIN_A + 4) == 1, "read-only page readable");
	pf_count = 0;
	trap_set_handler(TRAP_PAGE_FAULT, pf_make_writable);
	wr(WIN_A + 4, 2);
	trap_set_handler(TRAP_PAGE_FAULT, NULL);
	ktap_ok(pf_count == 1 && pf_cr2 == WIN_A + 4 &&
			(pf_err & (PFE_P | PFE_W | PFE_U)) == (PFE_P | PFE_W),
		"a kernel write to a read-only page faults (CR0.WP): cr2=0x%08x err=0x%x",
		(unsigned)pf_cr2, (unsigned)pf_err);
	ktap_ok(rd(f + 4) == 2, "after paging_protect(PTE_W) the retried write lands");
	paging_unmap(WIN_A);
	pmm_free_frame(f);
}

static void check_spaces(void)
{
	const uint32_t va = USER_START + 0x5000;
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
	bool kernel_seen = maps_to_itself((uint32_t)(uintptr_t)check_spaces) &&
			   maps_to_itself(VGA_TEXT_ADDR);
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
	ktap_ok(paging_translate(va, NULL, NULL) == PAGING_ENOENT && rd(pa_a) == 0xAAAAAAAA &&
			rd(pa_b) == 0xBBBBBBBB,
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
	check_identity();
	check_protections();
	check_two_addresses();
	check_remap();
	check_protect();
	check_spaces();
}

KTEST_SUITE("paging", paging_suite);
