/*
 * tss.h - the double-fault task: a report instead of a silent triple fault.
 *
 * A kernel stack overflow runs into the unmapped guard page; the page fault cannot push its frame
 * on that stack, which makes it a double fault, and a double-fault handler on the same stack
 * would fault again: triple fault, reset. So vector 8 is a task gate (SDM 3A 6.15 "Interrupt 8",
 * 7.3): the CPU switches to a separate task with its own stack, saving the broken state in the
 * main TSS, and double_fault_handler() reports that state and panics.
 *
 * The task switch loads CR3 from the double-fault TSS: whoever loads CR3 must call
 * tss_sync_cr3() afterwards (mm_load_cr3 in kernel/mm/mm_glue.c does; trap_dispatch refreshes it
 * too on every interrupt and exception as a safety net).
 */
#ifndef KERNEL_ARCH_X86_TSS_H
#define KERNEL_ARCH_X86_TSS_H

#include <stdint.h>

struct tss {
	uint16_t link, reserved0;
	uint32_t esp0;
	uint16_t ss0, reserved1;
	uint32_t esp1;
	uint16_t ss1, reserved2;
	uint32_t esp2;
	uint16_t ss2, reserved3;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint16_t es, reserved4, cs, reserved5, ss, reserved6, ds, reserved7, fs, reserved8, gs,
		reserved9;
	uint16_t ldt, reserved10;
	uint16_t trap, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "32-bit TSS is 104 bytes (SDM 3A figure 7-2)");

/* Set up both TSSs and their GDT descriptors, load TR (called by idt_init). */
void tss_init(void);
/* The top of the kernel stack an interrupt from ring 3 switches to (the running process's). */
void tss_set_kernel_stack(uint32_t esp0);
/* Copy the current CR3 into the double-fault TSS (after every CR3 load). */
void tss_sync_cr3(void);

#endif
