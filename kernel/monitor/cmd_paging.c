/*
 * cmd_paging.c - monitor commands for page tables: walk, map, unmap, fault.
 *
 * walk decodes the two levels of the 32-bit page walk for one address (Intel SDM Vol. 3A 4.3,
 * tables 4-4 to 4-6) in the current address space. map and unmap work on kernel addresses
 * through mm/paging.h; they refuse the ranges the kernel itself lives in (mon_va_protected: the
 * NULL page, the direct map with the kernel's code, data, stacks and page tables, the heap, the
 * temporary windows, the monitor's scratch page, the recursive slot) unless the line ends in
 * `force`. The user range below KERNEL_VIRT_BASE belongs to address spaces, not to the kernel's:
 * map refuses it with paging's own error. The kernel
 * window (include/vmlayout.h KWIN_*) is the place for experiments; its page table exists from the
 * start (mon_mem_init), so map/unmap there never change the PMM counts. map never sets
 * PTE_OWNED: unmap leaves the frame to whoever allocated it (alloc/free).
 *
 * fault touches an address on purpose. It first translates the address: when the access would
 * not fault (the page is mapped, and writable for a write) it says so and, for a write, refuses
 * (that would just scribble on memory); otherwise it performs the access and the page-fault
 * handler's report and panic follow - the one command meant to end the kernel.
 */
#include "kernel/monitor/cmd.h"
#include "kernel/monitor/cmd_groups.h"
#include "kernel/monitor/mon_mem.h"
#include "kernel/monitor/out.h"
#include "kernel/monitor/parse.h"
#include "mm/paging.h"
#include "mm/pmm.h"

#define FLAG_WORDS 96 /* room for paging_describe_flags' longest answer */

static int cmd_walk(int argc, char **argv)
{
	uint32_t va, pa = 0, flags = 0;
	char words[FLAG_WORDS];
	(void)argc;

	if (!parse_arg_u32("va", argv[1], 0, 0xFFFFFFFF, &va) || !mon_need_paging("walk"))
		return -1;
	vmspace_t space = paging_current_space();
	pde_t pde = paging_get_pde(space, va);
	mon_printf("walk 0x%08x (%s): PDX=%u PTX=%u offset=0x%03x, CR3=0x%08x\n", (unsigned)va,
		   mon_va_region(va), (unsigned)PDX(va), (unsigned)PTX(va), (unsigned)PGOFF(va),
		   (unsigned)space);
	mon_printf("  PDE[%u] = 0x%08x  %s\n", (unsigned)PDX(va), (unsigned)pde,
		   paging_describe_flags(pde, true, words, sizeof words));
	if (!(pde & PTE_P)) {
		mon_printf("  no page table: 0x%08x is not mapped\n", (unsigned)va);
		return 0;
	}
	if (pde & PTE_PS) {
		mon_printf("  4 MiB page at 0x%08x (no page table)\n",
			   (unsigned)(pde & PDE_LG_ADDR_MASK));
	} else {
		pte_t pte = 0;
		paging_get_pte(space, va, &pte);
		mon_printf("  page table at 0x%08x\n", (unsigned)PTE_ADDR(pde));
		mon_printf("  PTE[%u] = 0x%08x  %s\n", (unsigned)PTX(va), (unsigned)pte,
			   paging_describe_flags(pte, false, words, sizeof words));
		if (!(pte & PTE_P)) {
			mon_printf("  0x%08x is not mapped\n", (unsigned)va);
			return 0;
		}
	}
	int err = paging_translate(va, &pa, &flags);
	if (err) {
		mon_printf("error: walk: translate: %s\n", paging_strerror(err));
		return -1;
	}
	mon_printf("  -> physical 0x%08x (frame %s)\n", (unsigned)pa,
		   pmm_usable_count() ? pmm_frame_state_name(pmm_frame_state(PG_ROUND_DOWN(pa))) :
					"unknown");
	return 0;
}

/* Flags for map: letters (r read-only, w writable, u user, t write-through, c cache-disable)
 * or a number made of PTE_W|PTE_U|PTE_PWT|PTE_PCD. */
static bool map_parse_flags(const char *s, uint32_t *flags)
{
	uint32_t f = 0;
	if (s[0] >= '0' && s[0] <= '9') {
		if (!parse_arg_u32("flags", s, 0, 0xFFF, &f))
			return false;
		if (f & ~(uint32_t)(PTE_W | PTE_U | PTE_PWT | PTE_PCD | PTE_P)) {
			mon_printf("error: map: flags 0x%x: only P W U PWT PCD (0x1f) "
				   "are allowed\n",
				   (unsigned)f);
			return false;
		}
		*flags = f & ~(uint32_t)PTE_P;
		return true;
	}
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case 'r':
			break;
		case 'w':
			f |= PTE_W;
			break;
		case 'u':
			f |= PTE_U;
			break;
		case 't':
			f |= PTE_PWT;
			break;
		case 'c':
			f |= PTE_PCD;
			break;
		default:
			mon_printf("error: map: flags '%s': unknown letter '%c' (use r w u t c)\n",
				   s, *p);
			return false;
		}
	}
	*flags = f;
	return true;
}

static bool page_aligned_arg(const char *cmd, const char *what, uint32_t v)
{
	if (PG_ALIGNED(v))
		return true;
	mon_printf("error: %s: %s 0x%08x is not page aligned (4 KiB)\n", cmd, what, (unsigned)v);
	return false;
}

static int cmd_map(int argc, char **argv)
{
	uint32_t va, pa, flags = PTE_W;
	char words[FLAG_WORDS];
	bool force = parse_take_last(&argc, argv, "force");

	if (argc < 3 || argc > 4) {
		mon_printf("error: map: expected <va> <pa> [flags] [force]\n");
		return -1;
	}
	if (!parse_arg_u32("va", argv[1], 0, 0xFFFFFFFF, &va) ||
	    !parse_arg_u32("pa", argv[2], 0, 0xFFFFFFFF, &pa) ||
	    (argc > 3 && !map_parse_flags(argv[3], &flags)))
		return -1;
	if (!page_aligned_arg("map", "va", va) || !page_aligned_arg("map", "pa", pa) ||
	    !mon_need_paging("map"))
		return -1;
	if (mon_va_protected(va) && !force) {
		mon_printf("error: map: 0x%08x is in the %s, which the kernel owns; "
			   "refusing (use the kernel window 0x%08x-0x%08x, or add 'force')\n",
			   (unsigned)va, mon_va_region(va), (unsigned)KWIN_START,
			   (unsigned)(MON_SCRATCH_VA - 1));
		return -1;
	}
	if (pmm_usable_count()) {
		enum pmm_frame_state s = pmm_frame_state(pa);
		if (s == PMM_FRAME_FREE)
			mon_printf("warning: frame 0x%08x is free in the PMM: it may be handed to "
				   "someone else while mapped here (alloc it first)\n",
				   (unsigned)pa);
		else if (s == PMM_FRAME_RESERVED)
			mon_printf("warning: frame 0x%08x is reserved (%s)\n", (unsigned)pa,
				   pmm_frame_owner(pa) ? pmm_frame_owner(pa) : "?");
	}
	int err = paging_map(va, pa, flags);
	if (err) {
		mon_printf("error: map: 0x%08x -> 0x%08x: %s\n", (unsigned)va, (unsigned)pa,
			   paging_strerror(err));
		return -1;
	}
	uint32_t got_flags = 0;
	paging_translate(va, NULL, &got_flags);
	mon_printf("map: 0x%08x -> 0x%08x %s\n", (unsigned)va, (unsigned)pa,
		   paging_describe_flags(got_flags, false, words, sizeof words));
	return 0;
}

static int cmd_unmap(int argc, char **argv)
{
	uint32_t va, pa = 0;
	bool force = parse_take_last(&argc, argv, "force");

	if (argc != 2) {
		mon_printf("error: unmap: expected <va> [force]\n");
		return -1;
	}
	if (!parse_arg_u32("va", argv[1], 0, 0xFFFFFFFF, &va) ||
	    !page_aligned_arg("unmap", "va", va) || !mon_need_paging("unmap"))
		return -1;
	if (mon_va_protected(va) && !force) {
		mon_printf("error: unmap: 0x%08x is in the %s, which the kernel owns; refusing "
			   "(add 'force' to unmap it anyway)\n",
			   (unsigned)va, mon_va_region(va));
		return -1;
	}
	paging_translate(va, &pa, NULL);
	int err = paging_unmap(va);
	if (err) {
		mon_printf("error: unmap: 0x%08x: %s\n", (unsigned)va, paging_strerror(err));
		return -1;
	}
	mon_printf("unmap: 0x%08x (was -> 0x%08x); the frame was not freed\n", (unsigned)va,
		   (unsigned)pa);
	return 0;
}

static int cmd_fault(int argc, char **argv)
{
	uint32_t va, pa = 0, flags = 0;
	bool write = parse_take_last(&argc, argv, "write");

	if (argc != 2) {
		mon_printf("error: fault: expected <addr> [write]\n");
		return -1;
	}
	if (!parse_arg_u32("addr", argv[1], 0, 0xFFFFFFFF, &va) || !mon_need_paging("fault"))
		return -1;
	if (paging_translate(va, &pa, &flags) == 0) {
		if (write && (flags & PTE_W)) {
			mon_printf("error: fault: 0x%08x is mapped writable (-> 0x%08x): "
				   "a write would not fault, only overwrite memory; refusing\n",
				   (unsigned)va, (unsigned)pa);
			return -1;
		}
		if (!write) {
			uint8_t v = *(volatile uint8_t *)(uintptr_t)va;
			mon_printf("fault: 0x%08x is mapped (-> 0x%08x): read 0x%02x, no fault\n",
				   (unsigned)va, (unsigned)pa, (unsigned)v);
			return 0;
		}
	}
	mon_printf("fault: %s 0x%08x (%s) on purpose; the page-fault report follows\n",
		   write ? "writing" : "reading", (unsigned)va, mon_va_region(va));
	if (write)
		*(volatile uint8_t *)(uintptr_t)va = 0;
	else
		(void)*(volatile uint8_t *)(uintptr_t)va;
	mon_printf("error: fault: 0x%08x did not fault\n", (unsigned)va);
	return -1;
}

static const struct mon_cmd mon_cmds_paging[] = {
	{ "walk", "<va>", "PDE and PTE for va decoded; physical address", 1, 1, cmd_walk },
	{ "map", "<va> <pa> [flags] [force]", "map a page; flags r w u t c (default w)", 2, 4,
	  cmd_map },
	{ "unmap", "<va> [force]", "unmap a page (the frame is not freed)", 1, 2, cmd_unmap },
	{ "fault", "<addr> [write]", "touch addr on purpose: page-fault report", 1, 2, cmd_fault },
};
const struct mon_cmd_group mon_group_paging = { "paging", mon_cmds_paging,
						MON_ARRAY_SIZE(mon_cmds_paging) };
