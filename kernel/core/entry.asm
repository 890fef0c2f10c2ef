; entry.asm - the kernel's first instructions and its Multiboot v1 header.
;
; Any Multiboot v1 loader (ours, QEMU -kernel, GRUB) finds the header in the first 8 KiB of the
; file (kernel.ld.S puts section .multiboot first and ASSERTs where it lands), loads the ELF
; segments at 1 MiB and jumps to _start in 32-bit protected mode with paging off.
; Spec 3.2 (machine state): EAX = 0x2BADB002, EBX = physical address of the information
; structure, CS/DS/ES/FS/GS/SS flat 4 GiB but the GDTR may point anywhere (even into memory we
; are about to overwrite), ESP undefined, interrupts off. So before any C code: our own stack,
; our own GDT with reloaded segment registers, a known EFLAGS; then kmain(magic, mbi).

%include "multiboot.inc"
%include "x86.inc"

MB_FLAGS    equ MB_HFLAG_PAGE_ALIGN | MB_HFLAG_MEMORY_INFO

section .multiboot
align MB_HEADER_ALIGN
global multiboot_header
multiboot_header:
	dd MB_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MB_HEADER_MAGIC + MB_FLAGS)        ; magic + flags + checksum = 0 (mod 2^32), spec 3.1.2

section .text
extern __stack_top
extern kmain
extern gdt_init

; _start
;   IN:  EAX = Multiboot magic, EBX = struct multiboot_info * (physical = virtual, no paging)
;   OUT: does not return; kmain(magic, mbi) runs on the boot stack
global _start
_start:
	cli                                     ; the spec says IF=0 already; make it a fact
	mov esp, __stack_top                    ; spec 3.2: ESP is undefined
	xor ebp, ebp                            ; a zero frame pointer ends backtraces here
	mov esi, eax                            ; keep magic and mbi in callee-saved registers
	mov edi, ebx
	push dword 0
	popfd                                   ; EFLAGS: all clear (DF=0 for C, IF=0, no NT/AC)
	call gdt_init                           ; our GDT, segments reloaded (gdt.c, gdt_load below)
	push edi                                ; cdecl: arguments right to left, magic first
	push esi
	call kmain
	add esp, 8
.halt:                                      ; kmain never returns; if it does, stop here
	cli
	hlt
	jmp .halt

; gdt_load(const struct gdt_pointer *ptr)
;   IN:  [esp+4] = address of the 6-byte GDTR image (limit, base)
;   OUT: GDTR loaded; CS = SEG_KCODE; DS, ES, FS, GS, SS = SEG_KDATA
;   CLOBBERED: EAX
; SDM 3A 3.4.3: segment registers keep their hidden descriptor caches until reloaded, so every
; one is reloaded after LGDT; CS only through a far transfer.
global gdt_load
gdt_load:
	mov eax, [esp + 4]
	lgdt [eax]
	jmp SEG_KCODE:.reload_cs
.reload_cs:
	mov ax, SEG_KDATA
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax                              ; ESP stays valid: same base 0, flat limit
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
