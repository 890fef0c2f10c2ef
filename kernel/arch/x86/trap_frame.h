/*
 * trap_frame.h - the register snapshot every interrupt and exception stub builds on the stack.
 *
 * kernel/arch/x86/isr.asm pushes the same layout for every vector it handles (0-47): the CPU's part
 * (EIP, CS, EFLAGS, and the error code for the vectors that have one, SDM Vol. 3A 6.13), a zero
 * error code where the CPU pushes none, the vector number, PUSHA, then DS/ES/FS/GS. C handlers get
 * a pointer to it and may change it (e.g. EIP, to resume after a faulting instruction); the stub
 * restores everything from it and returns with IRET.
 *
 * From ring 0 the CPU pushes no ESP/SS: the interrupted code's ESP is the address just past
 * EFLAGS (trap_frame_esp()). From ring 3 (a user program: CS's RPL is 3) it switches to the
 * TSS's SS0:ESP0 first and pushes the program's SS and ESP too (SDM 3A 6.12.1, figure 6-4):
 * user_esp and user_ss are valid only then.
 */
#ifndef KERNEL_ARCH_X86_TRAP_FRAME_H
#define KERNEL_ARCH_X86_TRAP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "x86.h"

/* clang-format off */
struct trap_frame {
	uint32_t gs, fs, es, ds;                          /* pushed last by isr_common */
	uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax; /* PUSHA (POPA skips esp_pusha) */
	uint32_t vector;                                  /* pushed by the per-vector stub */
	uint32_t error_code;                              /* by the CPU, or 0 by the stub */
	uint32_t eip, cs, eflags;                         /* by the CPU (SDM 3A 6.12.1) */
	uint32_t user_esp, user_ss;                       /* by the CPU, from ring 3 only */
};
/* clang-format on */

/* isr.asm pushes the fields in exactly this order; these pin the layout C relies on. */
#define TF_OFF_VECTOR  48
#define TF_OFF_EIP     56
#define TF_KERNEL_SIZE 68 /* what an interrupt of ring-0 code pushes */
#define TF_SIZE        76 /* ... of ring-3 code */
_Static_assert(offsetof(struct trap_frame, vector) == TF_OFF_VECTOR, "trap_frame.vector");
_Static_assert(offsetof(struct trap_frame, eip) == TF_OFF_EIP, "trap_frame.eip");
_Static_assert(offsetof(struct trap_frame, user_esp) == TF_KERNEL_SIZE, "trap_frame.user_esp");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap_frame size");

/* The interrupted code ran in ring 3 (a user program). */
static inline int trap_frame_from_user(const struct trap_frame *tf)
{
	return (tf->cs & SEG_RPL_MASK) == SEG_RPL_USER;
}

/* ESP of the interrupted code: ring 0 pushed no SS:ESP, so it is just past EFLAGS. */
static inline uint32_t trap_frame_esp(const struct trap_frame *tf)
{
	return trap_frame_from_user(tf) ? tf->user_esp : (uint32_t)(uintptr_t)tf + TF_KERNEL_SIZE;
}

/* Vectors: 0-31 CPU exceptions (SDM 3A 6.3.1), 32-47 the remapped 8259 IRQ lines. */
#define TRAP_NUM_EXCEPTIONS 32
#define IRQ_VECTOR_BASE     32
#define IRQ_COUNT           16
#define TRAP_NUM_VECTORS    256

#define TRAP_DIVIDE_ERROR   0
#define TRAP_DEBUG          1
#define TRAP_NMI            2
#define TRAP_BREAKPOINT     3
#define TRAP_DOUBLE_FAULT   8
#define TRAP_NOT_PRESENT    11
#define TRAP_INVALID_OPCODE 6
#define TRAP_GP_FAULT       13
#define TRAP_PAGE_FAULT     14
/* TRAP_SYSCALL (0x80, include/x86.h): `int $0x80`, the system-call gate */

/*
 * Exception hooks (traps.c); not for vector 8, which is a task gate (tss.h). A handler set for
 * vector v runs instead of the default report; it returns true when it dealt with the exception
 * (the stub then IRETs to tf->eip, which the handler may have moved past the faulting instruction)
 * or false to fall through to the report and panic. Meant for tests and for recoverable faults;
 * NULL removes the hook.
 */
typedef int (*trap_handler_t)(struct trap_frame *tf);
void trap_set_handler(unsigned vector, trap_handler_t handler);

/* Print every register in tf (and CR0/CR2/CR3/CR4) on the consoles: eip with the kernel
 * function it is in, then trap_dump_state's lines. */
void trap_dump_registers(const struct trap_frame *tf);
/* The registers after eip: general, segment, eflags, control. For a caller that names eip
 * itself (a user program's eip is in no kernel function). */
void trap_dump_state(const struct trap_frame *tf);

/* Name of an exception vector in words ("Page fault"), or "IRQ"/"Unknown". */
const char *trap_name(unsigned vector);

#endif
