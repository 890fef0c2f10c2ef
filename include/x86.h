/*
 * x86.h - i386 and PC hardware facts shared by the loader (NASM) and the kernel (C).
 *
 * Every port number, control-register bit and segment selector the project uses is named here
 * once. The build turns the object-like #defines into NASM %defines (build/inc/x86.inc), so keep
 * values plain (no suffixes, no casts). Sources: Intel SDM Vol. 3A sections 2.5 (control
 * registers), 3.4.2 (segment selectors), 4.3 (32-bit paging); PC/AT port assignments.
 */
#ifndef INCLUDE_X86_H
#define INCLUDE_X86_H

/* Flat GDT layout used by both the loader and the kernel (SDM 3A 3.4.2: index << 3 | TI | RPL). */
#define SEG_NULL     0x00
#define SEG_KCODE    0x08 /* 32-bit ring-0 code, base 0, limit 4 GiB */
#define SEG_KDATA    0x10 /* 32-bit ring-0 data, base 0, limit 4 GiB */
#define SEG_RCODE16  0x18 /* 16-bit code, base 0, limit 64 KiB: the way back to real mode */
#define SEG_RDATA16  0x20 /* 16-bit data, base 0, limit 64 KiB */
#define SEG_UCODE    0x3B /* 32-bit ring-3 code (index 7, RPL 3): user programs */
#define SEG_UDATA    0x43 /* 32-bit ring-3 data (index 8, RPL 3): user programs */
#define SEG_RPL_MASK 0x3  /* a selector's requested privilege level; CS's is the CPL */
#define SEG_RPL_USER 0x3

/* `int $0x80`: Linux's i386 system-call vector (arch/x86/include/asm/irq_vectors.h
 * IA32_SYSCALL_VECTOR), so static Linux executables run unchanged. */
#define TRAP_SYSCALL 0x80

/* Control register bits (SDM 3A 2.5). */
#define CR0_PE  0x00000001
#define CR0_MP  0x00000002
#define CR0_EM  0x00000004
#define CR0_TS  0x00000008
#define CR0_ET  0x00000010
#define CR0_NE  0x00000020
#define CR0_WP  0x00010000
#define CR0_AM  0x00040000
#define CR0_NW  0x20000000
#define CR0_CD  0x40000000
#define CR0_PG  0x80000000
#define CR4_PSE 0x00000010
#define CR4_PGE 0x00000080

/* CR4.OSFXSR: the OS saves SSE state with FXSAVE, so SSE instructions are allowed (SDM 3A 2.5,
 * and "Initializing SSE/SSE2/SSE3/SSSE3 Extensions"). */
#define CR4_OSFXSR 0x00000200

/* EFLAGS bits (SDM 1 3.4.3). */
#define EFLAGS_CF 0x00000001
#define EFLAGS_IF 0x00000200
#define EFLAGS_DF 0x00000400
#define EFLAGS_VM 0x00020000
#define EFLAGS_ID 0x00200000

/* CPUID leaf 1 EDX feature bits (SDM 2A, CPUID). */
#define CPUID_EDX_PSE 0x00000008
#define CPUID_EDX_PGE 0x00002000
#define CPUID_EDX_MMX 0x00800000

/* Leaf 1 bits the loader's PCLMULQDQ CRC needs (FXSR: FXSAVE, and CR4.OSFXSR exists). */
#define CPUID_EDX_FXSR      0x01000000
#define CPUID_EDX_SSE2      0x04000000
#define CPUID_ECX_PCLMULQDQ 0x00000002

/* PC I/O ports. */
#define PORT_COM1        0x3F8
#define PORT_E9          0xE9    /* Bochs port_e9_hack and QEMU isa-debugcon console */
#define PORT_PIT_CH0     0x40    /* 8254 PIT channel 0 data (IRQ 0) */
#define PORT_PIT_CMD     0x43    /* 8254 mode/command */
#define PIT_CMD_CH0_RATE 0x34    /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
#define PIT_INPUT_HZ     1193182 /* the 8254's input clock */
#define PORT_QEMU_EXIT   0xF4    /* QEMU -device isa-debug-exit,iobase=0xf4,iosize=4 */
#define PORT_SYSCTL_A    0x92    /* PS/2 system control port A: bit 1 fast A20, bit 0 RESET */
#define PORT_KBC_DATA    0x60
#define PORT_KBC_STATUS  0x64
#define PORT_KBC_CMD     0x64
#define PORT_PIC1_CMD    0x20
#define PORT_PIC1_DATA   0x21
#define PORT_PIC2_CMD    0xA0
#define PORT_PIC2_DATA   0xA1

/* Physical addresses fixed by the PC architecture. */
#define VGA_TEXT_ADDR 0xB8000
#define VGA_TEXT_COLS 80
#define VGA_TEXT_ROWS 25
#define BIOS_LOW_END  0x100000 /* the first MiB: IVT, BDA, EBDA, video memory, option ROMs */

/* VGA CRT controller (colour I/O addresses) and its cursor location registers, counted in cells
 * from the start of text memory: IBM VGA Technical Reference, CRT Controller Registers. */
#define VGA_CRTC_INDEX       0x3D4
#define VGA_CRTC_DATA        0x3D5
#define VGA_CRTC_CURSOR_HIGH 0x0E
#define VGA_CRTC_CURSOR_LOW  0x0F

/* Exit status convention with isa-debug-exit: QEMU exits with (value << 1) | 1. */
#define QEMU_EXIT_PASS 0x10 /* process status 33 */
#define QEMU_EXIT_FAIL 0x11 /* process status 35 */

#endif
