/*
 * main.c - kmain: the kernel's bring-up, in order, one step per paragraph.
 *
 * entry.asm calls kmain(magic, mbi_pa) with our own stack and GDT, interrupts off, paging on
 * over the boot page tables: running in the higher half, the identity map already dropped (the
 * first step below reports how); mbi_pa is physical, the direct map reaches it. Each step below
 * depends only on the ones above it, and each is one call into the subsystem that owns it
 * (memory map and PMM, interrupts, paging, heap, monitor).
 */
#include "kernel/core/main.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/pic.h"
#include "kernel/arch/x86/tss.h"
#include "kernel/console/console.h"
#include "kernel/core/bootinfo.h"
#include "kernel/core/cmdline.h"
#include "kernel/core/panic.h"
#include "kernel/debug/ktest.h"
#include "kernel/debug/trap_raise.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap_setup.h"
#include "kernel/mm/paging_setup.h"
#include "kernel/mm/pmm_setup.h"
#include "kernel/monitor/monitor.h"
#include "kernel/proc/exec.h"
#include "mm/cow.h"
#include "mm/mm_env.h"
#include "multiboot.h"
#include "multiboot2.h"
#include "x86.h"

void kmain(uint32_t magic, uint32_t mbi_pa)
{
	/* Consoles: VGA text, COM1 and port 0xE9 (each probed), so everything below can print. */
	console_init();
	kprintf("kernel: starting\n");

	/* The higher-half switch entry.asm made before any console: each step it recorded. */
	paging_boot_report();

	/* Multiboot v1 or Multiboot2: without one of the two magics (spec 0.6.96 3.2, Multiboot2
	 * 3.3) EBX means nothing; stop and say what we got. Multiboot2 is translated into the
	 * version 1 structure here (kernel/core/bootinfo_mb2.h); information that fails its own
	 * header checks leaves nothing to boot with. */
	bootinfo_save(magic, mbi_pa);
	if (magic != MB_BOOTLOADER_MAGIC && magic != MB2_BOOTLOADER_MAGIC)
		panic("bad Multiboot magic 0x%08x in EAX (expected 0x%08x or 0x%08x): "
		      "not started by a Multiboot loader",
		      (unsigned)magic, (unsigned)MB_BOOTLOADER_MAGIC,
		      (unsigned)MB2_BOOTLOADER_MAGIC);
	if (!bootinfo_usable())
		panic("Multiboot2 information at 0x%08x unusable: %s", (unsigned)mbi_pa,
		      bootinfo_error());

	/* Command line: copy it into the kernel before anything can reuse the loader's memory. The
	 * loader's name says whether its first word is our file name (kernel/core/cmdline.c), under
	 * either protocol. */
	const struct multiboot_info *info = bootinfo_info();
	const char *cmdline = NULL, *loader = NULL;
	if (info->flags & MB_INFO_CMDLINE)
		cmdline = (const char *)mm_phys_to_virt(info->cmdline);
	if (info->flags & MB_INFO_LOADER_NAME)
		loader = (const char *)mm_phys_to_virt(info->boot_loader_name);
	cmdline_init(cmdline, loader);

	/* What the loader handed us: name, command line, mem_lower/upper, boot device, raw map. */
	bootinfo_print();
	kprintf("kernel: arguments \"%s\"\n", cmdline_arguments());

	/* Memory map, sanitised and printed, then the frame allocator with every boot structure
	 * reserved (docs/pmm.md explains the `sanitised:` and `pmm:` lines). */
	pmm_setup();

	/* Interrupts: IDT for exceptions 0-31 (#DF on its own task) and IRQ vectors 32-47; PICs
	 * remapped, all lines masked. */
	idt_init();
	pic_init();

	/* Paging: the kernel's own directory: the direct map of RAM below 768 MiB at 0xC0000000 + pa
	 * minus page 0, kernel text/rodata read-only, stack guard page unmapped, heap and window
	 * tables made; CR3 moves onto it (docs/paging.md). fault=<kind> faults here. */
	paging_init();
	tss_sync_cr3(); /* the double-fault task must switch to the directory paging_init loaded */

	/* Heap: kmalloc & co. over KHEAP_START.., frames mapped on demand (docs/heap.md).
	 * heapfault=<kind> commits one misuse here. */
	heap_setup();

	/* Copy-on-write reference counts for user frames, in frames the direct map reaches. */
	if (!cow_init(mm_direct_limit()))
		panic("cow: no room for the frame reference counts");

	/* trap=<name>: one CPU exception on purpose, to see the report (after paging, so that
	 * trap=stack runs into the unmapped guard page). */
	trap_raise_from_cmdline();

	/* In-kernel tests when test= is given: TAP on the consoles, then QEMU exits with it. */
	ktest_run_from_cmdline();

	/* Nothing left to do: say so, leave QEMU if asked (qemu-exit), else halt. */
	kprintf("kernel: up\n");

	/* init=<name>: that module runs as pid 1 (docs/processes.md); with qemu-exit QEMU then
	 * leaves with its exit status (or 128 + the signal that killed it), as a shell reports. */
	int init_status = exec_init_from_cmdline();
	if (init_status >= 0 && cmdline_has("qemu-exit"))
		kernel_stop((init_status & 0x7F) ? 128 + (unsigned)(init_status & 0x7F) :
						   (unsigned)(init_status >> 8) & 0xFF);

	/* The monitor: a prompt on COM1 and the keyboard (docs/monitor.md), unless `nomonitor`. */
	monitor_run();
	kernel_stop(QEMU_EXIT_PASS);
}
