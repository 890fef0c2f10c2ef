/*
 * trap_frame.h - the register snapshot every interrupt and exception stub builds on the stack.
 *
 * kernel/arch/x86/isr.asm pushes the same layout for every vector it handles (0-47): the CPU's part
 * (EIP, CS, EFLAGS, and the error code for the vectors that have one, SDM Vol. 3A 6.13), a zero
 * error code where the CPU pushes none, the vector number, PUSHA, then DS/ES/FS/GS. C handlers get
 * a pointer to it and may change it (e.g. EIP, to resume after a faulting instruction); the stub
 * restores everything from it and returns with IRET.
 *
 * The kernel runs in ring 0 only, so the CPU pushes no ESP/SS: the interrupted code's ESP is the
 * address just past EFLAGS (trap_frame_esp()).
 */
#ifndef KERNEL_ARCH_X86_TRAP_FRAME_H
#define KERNEL_ARCH_X86_TRAP_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* clang-format off */
struct trap_frame {
	uint32_t gs, fs, es, ds;                          /* pushed last by isr_common */
	uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax; /* PUSHA (POPA skips esp_pusha) */
	uint32_t vector;                                  /* pushed by the per-vector stub */
	uint32_t error_code;                              /* by the CPU, or 0 by the stub */
	uint32_t eip, cs, eflags;                         /* by the CPU (SDM 3A 6.12.1) */
};
/* clang-format on */

/* isr.asm pushes the fields in exactly this order; these pin the layout C relies on. */
#define TF_OFF_VECTOR 48
#define TF_OFF_EIP    56
#define TF_SIZE       68
_Static_assert(offsetof(struct trap_frame, vector) == TF_OFF_VECTOR, "trap_frame.vector");
_Static_assert(offsetof(struct trap_frame, eip) == TF_OFF_EIP, "trap_frame.eip");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap_frame size");

/* ESP of the interrupted ring-0 code: the CPU pushed no SS:ESP, so it is just past EFLAGS. */
static inline uint32_t trap_frame_esp(const struct trap_frame *tf)
{
	return (uint32_t)(uintptr_t)tf + TF_SIZE;
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

/*
 * Exception hooks (traps.c); not for vector 8, which is a task gate (tss.h). A handler set for
 * vector v runs instead of the default report; it returns true when it dealt with the exception
 * (the stub then IRETs to tf->eip, which the handler may have moved past the faulting instruction)
 * or false to fall through to the report and panic. Meant for tests and for recoverable faults;
 * NULL removes the hook.
 */
typedef int (*trap_handler_t)(struct trap_frame *tf);
void trap_set_handler(unsigned vector, trap_handler_t handler);

/* Print every register in tf (and CR0/CR2/CR3/CR4) on the consoles. */
void trap_dump_registers(const struct trap_frame *tf);

/* Name of an exception vector in words ("Page fault"), or "IRQ"/"Unknown". */
const char *trap_name(unsigned vector);

#endif
