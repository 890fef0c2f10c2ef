/*
 * vm_report.c - print the regions of a process as it ends, for pictures and for reading.
 *
 * With `vmexit` on the kernel command line, every process that exits prints its address space
 * just before it is released: one summary line with the fixed points of the layout (mm/uvm.h:
 * the top of the mmap area, the stack top and its limit, the break) and one line per region,
 * with the same resident/shared page counts as the monitor's `vm <pid>` (docs/monitor.md):
 *
 *   vm: pid 1 (layout) exit: 6 regions, resident 31 shared 0, brk 0x0805a000, mmap-top 0xbf700000,
 *       stack-top 0xc0000000, stack-max 0x00800000
 *   vm: region [0x08048000-0x08048fff] r-x text resident 1 shared 0
 *
 * (one line each; ranges inclusive, as the kernel's other [mem a-b] lines). The end of a process
 * is the one point where its brk heap, mmap regions and grown stack all exist and nothing changes
 * them any more; tools/memmap.py draws pid 1's (docs/memmap.md).
 */
#include "kernel/proc/vm_report.h"
#include "kernel/core/cmdline.h"
#include "kernel/lib/printf.h"

void vm_report_exit(const struct proc *p)
{
	unsigned res, shared;

	if (!cmdline_has("vmexit"))
		return;
	const struct uvm_space *as = &p->as;
	uvm_space_count_pages(as, &res, &shared);
	kprintf("vm: pid %d (%s) exit: %u regions, resident %u shared %u, brk 0x%08x, "
		"mmap-top 0x%08x, stack-top 0x%08x, stack-max 0x%08x\n",
		p->pid, p->name, as->nregions, res, shared, (unsigned)as->brk,
		(unsigned)UVM_MMAP_TOP, (unsigned)UVM_STACK_TOP, (unsigned)UVM_STACK_MAX);
	for (unsigned i = 0; i < as->nregions; i++) {
		const struct uvm_region *r = &as->regions[i];
		uvm_space_count_range(as, r->start, r->end, &res, &shared);
		kprintf("vm: region [0x%08x-0x%08x] %c%c%c %s resident %u shared %u\n",
			(unsigned)r->start, (unsigned)r->end - 1,
			(r->prot & UVM_PROT_READ) ? 'r' : '-',
			(r->prot & UVM_PROT_WRITE) ? 'w' : '-',
			(r->prot & UVM_PROT_EXEC) ? 'x' : '-',
			uvm_kind_name((enum uvm_kind)r->kind), res, shared);
	}
}
