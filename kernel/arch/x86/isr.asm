; isr.asm - entry stubs for CPU exceptions (vectors 0-31) and 8259 IRQs (vectors 32-47).
;
; Each stub makes the stack look the same whatever the vector (struct trap_frame,
; kernel/arch/x86/trap_frame.h): the CPU pushed EFLAGS, CS, EIP and, for some exceptions, an
; error code (SDM Vol. 3A 6.13 and table 6-1: vectors 8, 10-14, 17, 21, 29, 30); stubs of the
; other vectors push a 0 in its place, then every stub pushes its vector number and jumps to
; isr_common, which saves the general and segment registers and calls trap_dispatch(frame).
; All gates are interrupt gates (IF cleared on entry). From ring 3 the CPU has switched to the
; TSS's ESP0 and pushed the program's SS:ESP below EFLAGS' slot first (SDM 3A 6.12.1); the stubs
; are the same either way. isr_syscall is the `int 0x80` entry (vector TRAP_SYSCALL, a DPL 3
; gate), shaped like the others.

%include "x86.inc"

extern trap_dispatch

%macro ISR_NOERR 1
isr_%1:
	push dword 0                ; no CPU error code: keep the frame uniform
	push dword %1
	jmp isr_common
%endmacro

%macro ISR_ERR 1
isr_%1:
	push dword %1               ; the CPU already pushed the error code
	jmp isr_common
%endmacro

section .text

; isr_common
;   IN:  stack = vector, error code, EIP, CS, EFLAGS (as above)
;   OUT: IRET to the (possibly modified) frame's CS:EIP with its registers restored
;   CLOBBERED: nothing the interrupted code can see
isr_common:
	pushad                      ; EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI
	push ds
	push es
	push fs
	push gs
	mov ax, SEG_KDATA           ; known data segments for C, whatever was loaded before
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	cld                         ; the C ABI wants DF=0 (SysV i386 psABI 2.2.2)
	push esp                    ; trap_dispatch(struct trap_frame *frame)
	call trap_dispatch
	add esp, 4
; isr_return: the way out of every trap, and into ring 3 for a new process (trap_frame_enter).
;   IN:  esp = a struct trap_frame   OUT: IRET to it   CLOBBERED: everything (it is left)
isr_return:
	pop gs
	pop fs
	pop es
	pop ds
	popad
	add esp, 8                  ; drop vector and error code
	iretd

; trap_frame_enter(struct trap_frame *frame): leave the kernel through frame (a process's first
; entry into ring 3, or a forked child's first return).
;   IN:  [esp + 4] = frame, on the kernel stack the process will trap onto   OUT: never returns
;   CLOBBERED: everything
global trap_frame_enter
trap_frame_enter:
	mov esp, [esp + 4]
	jmp isr_return

isr_syscall:
	push dword 0
	push dword TRAP_SYSCALL
	jmp isr_common

; Vectors with a CPU error code (SDM 3A table 6-1).
%assign v 0
%rep 48
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
	ISR_ERR v
%else
	ISR_NOERR v
%endif
%assign v v + 1
%endrep

; The stub addresses, indexed by vector, for idt.c.
section .rodata
global isr_stub_table, isr_syscall_stub
isr_syscall_stub:
	dd isr_syscall
isr_stub_table:
%assign v 0
%rep 48
	dd isr_ %+ v
%assign v v + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
