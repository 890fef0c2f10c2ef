; dom0-init.asm - /init of the tiny initramfs that the Xen boot test gives its Linux dom0.
;
; A static x86-64 Linux program: it writes one marker line to its standard output (the console
; the kernel opened for init: hvc0, which Xen copies to COM1) and then waits in pause() forever,
; since init must not exit (the kernel panics when PID 1 ends). Reaching this line proves that the
; loader handed Xen its modules so that Xen could build and start dom0 (tests/t/19-boot-xen.t).
; System call numbers and ABI: Linux x86-64 (arch/x86/entry/syscalls/syscall_64.tbl: write 1,
; pause 34; arguments in RDI, RSI, RDX, number in RAX, the SYSCALL instruction).

SYS_WRITE	equ 1
SYS_PAUSE	equ 34
STDOUT		equ 1

	bits 64
	section .text
	global _start
_start:
	mov eax, SYS_WRITE
	mov edi, STDOUT
	lea rsi, [rel marker]
	mov edx, marker_len
	syscall
.wait:	mov eax, SYS_PAUSE
	syscall
	jmp .wait

	section .rodata
marker:		db "dom0-init: /init reached", 10
marker_len	equ $ - marker
