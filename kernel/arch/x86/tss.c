/*
 * tss.c - the main TSS (TR) and the double-fault task (see tss.h for why).
 *
 * SDM Vol. 3A 7.3: on a task switch through the task gate at vector 8 the CPU saves the current
 * registers into the TSS that TR points to (tss_main), loads every register of the new task from
 * tss_dfault (EIP = double_fault_entry, its own stack, flat segments, CR3) and pushes the error
 * code (always 0 for #DF) on the new stack. There is no way back: the report ends in a panic.
 *
 * tss_main also holds SS0:ESP0, the stack the CPU switches to when an interrupt or exception
 * arrives in ring 3 (SDM 3A 6.12.1, 7.2.1): the running process's own kernel stack, set by the
 * scheduler before it enters the process.
 */
#include "kernel/arch/x86/tss.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/gdt.h"
#include "kernel/arch/x86/trap_frame.h"
#include "kernel/core/panic.h"
#include "kernel/debug/ksyms.h"
#include "kernel/layout.h"
#include "kernel/lib/printf.h"
#include "x86.h"

#define TSS_DFAULT_STACK 4096
#define EFLAGS_RESERVED1 0x2 /* bit 1 always reads as 1 (SDM 1 3.4.3) */

static struct tss tss_main, tss_dfault;
static uint8_t tss_dfault_stack[TSS_DFAULT_STACK] __attribute__((aligned(16)));

void double_fault_entry(void); /* below, in assembly: IN: [esp] = error code */
void double_fault_handler(uint32_t error_code) __attribute__((noreturn));

__asm__(".text\n"
	".global double_fault_entry\n"
	"double_fault_entry:\n\t"
	"xorl %ebp, %ebp\n\t" /* end of backtrace: this task has no caller */
	"call double_fault_handler\n");

void tss_sync_cr3(void)
{
	tss_dfault.cr3 = cpu_read_cr3();
}

void tss_set_kernel_stack(uint32_t esp0)
{
	tss_main.esp0 = esp0;
}

void tss_init(void)
{
	tss_main.ss0 = SEG_KDATA; /* the stack an interrupt from ring 3 runs on */
	tss_main.iomap_base =
		sizeof(struct tss); /* no I/O permission bitmap: IN/OUT from ring 3 #GP */
	tss_dfault = (struct tss){
		.eip = (uint32_t)(uintptr_t)double_fault_entry,
		.esp = (uint32_t)(uintptr_t)(tss_dfault_stack + TSS_DFAULT_STACK),
		.eflags = EFLAGS_RESERVED1, /* IF=0: nothing may interrupt the report */
		.cs = SEG_KCODE,
		.ss = SEG_KDATA,
		.ds = SEG_KDATA,
		.es = SEG_KDATA,
		.fs = SEG_KDATA,
		.gs = SEG_KDATA,
		.ss0 = SEG_KDATA,
		.esp0 = (uint32_t)(uintptr_t)(tss_dfault_stack + TSS_DFAULT_STACK),
		.iomap_base = sizeof(struct tss),
	};
	tss_sync_cr3();
	gdt_set_tss(SEG_TSS_MAIN, (uint32_t)(uintptr_t)&tss_main, sizeof(tss_main) - 1);
	gdt_set_tss(SEG_TSS_DFAULT, (uint32_t)(uintptr_t)&tss_dfault, sizeof(tss_dfault) - 1);
	__asm__ volatile("ltr %w0" : : "r"(SEG_TSS_MAIN) : "memory");
}

/* The state the CPU saved in tss_main: what was running when the double fault hit. */
void double_fault_handler(uint32_t error_code)
{
	const struct tss *t = &tss_main;
	uintptr_t off = 0;
	const char *name = ksym_lookup(t->eip, &off);

	kprintf("EXCEPTION: %s (vector %u, error code 0x%08x), reported by the double-fault task\n",
		trap_name(8), 8u, (unsigned)error_code);
	if (name)
		kprintf("  eip=0x%08x (%s+0x%x)\n", (unsigned)t->eip, name, (unsigned)off);
	else
		kprintf("  eip=0x%08x (not in kernel text)\n", (unsigned)t->eip);
	kprintf("  eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n", (unsigned)t->eax,
		(unsigned)t->ebx, (unsigned)t->ecx, (unsigned)t->edx);
	kprintf("  esi=0x%08x edi=0x%08x ebp=0x%08x esp=0x%08x\n", (unsigned)t->esi,
		(unsigned)t->edi, (unsigned)t->ebp, (unsigned)t->esp);
	kprintf("  cs=0x%04x ds=0x%04x es=0x%04x fs=0x%04x gs=0x%04x ss=0x%04x eflags=0x%08x\n",
		(unsigned)t->cs, (unsigned)t->ds, (unsigned)t->es, (unsigned)t->fs, (unsigned)t->gs,
		(unsigned)t->ss, (unsigned)t->eflags);
	kprintf("  cr0=0x%08x cr2=0x%08x cr3=0x%08x cr4=0x%08x\n", (unsigned)cpu_read_cr0(),
		(unsigned)cpu_read_cr2(), (unsigned)cpu_read_cr3(),
		(unsigned)cpu_read_cr4_if_present());
	if (t->esp >= (uintptr_t)__stack_guard && t->esp < (uintptr_t)__stack_bottom + 64)
		kprintf("double fault: esp 0x%08x is at the boot stack's guard page "
			"[0x%08x-0x%08x]: kernel stack overflow\n",
			(unsigned)t->esp, (unsigned)(uintptr_t)__stack_guard,
			(unsigned)(uintptr_t)__stack_bottom - 1);
	panic_at_pc(t->eip, "%s at eip 0x%08x, esp 0x%08x", trap_name(8), (unsigned)t->eip,
		    (unsigned)t->esp);
}
