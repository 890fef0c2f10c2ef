/*
 * cpu.h - control registers, CPUID, TLB and interrupt-flag instructions (SDM Vol. 2, Vol. 3A 2.5).
 */
#ifndef KERNEL_ARCH_X86_CPU_H
#define KERNEL_ARCH_X86_CPU_H

#include <stdint.h>

#define CPU_DEFINE_CR(n)                                                   \
	static inline uint32_t cpu_read_cr##n(void)                        \
	{                                                                  \
		uint32_t v;                                                \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));          \
		return v;                                                  \
	}                                                                  \
	static inline void cpu_write_cr##n(uint32_t v)                     \
	{                                                                  \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
CPU_DEFINE_CR(0)
CPU_DEFINE_CR(2)
CPU_DEFINE_CR(3)
CPU_DEFINE_CR(4)
#undef CPU_DEFINE_CR

static inline uint32_t cpu_read_eflags(void)
{
	uint32_t v;
	__asm__ volatile("pushfl; popl %0" : "=r"(v));
	return v;
}

static inline void cpu_write_eflags(uint32_t v)
{
	__asm__ volatile("pushl %0; popfl" : : "r"(v) : "memory", "cc");
}

/* CPUID exists when EFLAGS.ID can be toggled (SDM 1 3.4.3, 2A CPUID); a 486 may lack it. */
int cpu_has_cpuid(void);
/*
 * CR4 for reports: 0 on CPUs without CPUID, where CR4 may not exist (MOV from CR4 is #UD on the
 * original 486; CR4 came with the Pentium and the CPUID-capable 486s). Never faults.
 */
uint32_t cpu_read_cr4_if_present(void);

static inline void cpu_cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static inline void cpu_invlpg(uint32_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cpu_cli(void)
{
	__asm__ volatile("cli" : : : "memory");
}
static inline void cpu_sti(void)
{
	__asm__ volatile("sti" : : : "memory");
}
static inline void cpu_hlt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

/* Sleep until an interrupt has been taken, then go on with interrupts off again. Call with
 * them off after checking there is nothing to do: STI takes effect only after the next
 * instruction (SDM Vol. 2B, STI), so an interrupt pending since the check wakes the HLT instead
 * of being taken before it and leaving HLT to wait for the next one. */
static inline void cpu_wait_interrupt(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

/* Stop this CPU for good: interrupts off, HLT in a loop (an NMI would only wake one HLT). */
static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" : : : "memory");
}

#endif
