; entry.asm - the kernel's first instructions, its Multiboot v1 and Multiboot2 headers, and the
; switch to the higher half.
;
; Any Multiboot v1 loader (ours, QEMU -kernel, GRUB) finds the version 1 header in the first
; 8 KiB of the file, any Multiboot2 loader (ours, GRUB 2's `multiboot2`) the Multiboot2 header in
; the first 32 KiB (kernel.ld.S puts section .multiboot first and ASSERTs where both land); either
; loads the ELF segments at their physical addresses (p_paddr, from 1 MiB) and jumps to _start
; (e_entry, physical; the Multiboot2 entry address tag names the same address) in 32-bit
; protected mode with paging off.
; Spec 0.6.96 3.2 and Multiboot2 3.3 (machine state, the same for both): EAX = 0x2BADB002 or
; 0x36D76289, EBX = physical address of the information, CS/DS/ES/FS/GS/SS flat 4 GiB but the
; GDTR may point anywhere (even into memory we are about to overwrite), ESP undefined, interrupts
; off. _start does not look at EAX: kmain tells the protocols apart (kernel/core/bootinfo.c).
;
; The kernel is linked at KERNEL_VIRT_BASE + physical (include/vmlayout.h); only section
; .boot.text (this file's first part) is linked at its physical address. So, before any C code
; linked high can run, paging must be on with the kernel mapped high:
;   1. a stack (its physical address), a known EFLAGS;
;   2. paging_boot_build (mm/paging_boot.c, also in .boot): the first page directory maps
;      physical [0, BOOT_MAP_PHYS_END) at KERNEL_VIRT_BASE and the kernel's 4 MiB chunks also at
;      their physical addresses (identity);
;   3. CR3 = that directory; CR0.PG|WP. The very next instruction is fetched with paging on, at
;      the physical address EIP already holds: the identity entries are what make it fetchable
;      (Intel SDM Vol. 3A 9.9.1);
;   4. an absolute jump to the high address of the next instruction; the stack moves up by
;      KERNEL_VIRT_BASE too. From here on nothing runs or is read at a low address;
;   5. paging_boot_drop_identity clears the low PDEs and a CR3 reload flushes the TLB (the
;      identity translations may be cached; SDM 3A 4.10.4.1): 0 - 0xBFFFFFFF is empty;
;   6. our own GDT with reloaded segment registers (gdt_init, high), then kmain(magic, mbi).
; Each step leaves a value in boot_record (kernel/core/boot_record.h) that kmain prints in the
; boot log, and each has an `xchg bx, bx` (Bochs' magic breakpoint, a no-op elsewhere) right
; before or after it for the Bochs walkthrough (docs/paging.md): before the CR3 load, before the
; CR0 write, after the jump high, after the identity entries are dropped.

%include "multiboot.inc"
%include "multiboot2.inc"
%include "x86.inc"
%include "mmu.inc"
%include "vmlayout.inc"

%define PHYS(x) ((x) - KERNEL_VIRT_BASE)

MB_FLAGS    equ MB_HFLAG_PAGE_ALIGN | MB_HFLAG_MEMORY_INFO

section .multiboot
align MB_HEADER_ALIGN
global multiboot_header
multiboot_header:
	dd MB_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MB_HEADER_MAGIC + MB_FLAGS)        ; magic + flags + checksum = 0 (mod 2^32), spec 3.1.2

; Multiboot2 3.1: 8-byte aligned in the first 32 KiB, magic + architecture + header_length +
; checksum = 0 (mod 2^32); tags 8-byte aligned, ended by an end tag. The tags ask for what the
; version 1 flags ask for: the memory information, basic and the map (a request not marked
; optional: a loader that cannot give them must refuse, 3.1.4), and page-aligned modules
; (3.1.10); the entry address tag (3.1.6) states the physical entry, as e_entry does.
MB2_LENGTH  equ multiboot2_header_end - multiboot2_header
align MB2_HEADER_ALIGN
global multiboot2_header
multiboot2_header:
	dd MB2_HEADER_MAGIC
	dd MB2_ARCH_I386
	dd MB2_LENGTH
	dd -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + MB2_LENGTH)
.request:                                   ; 3.1.4: information request, every type required
	dw MB2_HTAG_INFO_REQUEST, 0
	dd .request_end - .request
	dd MB2_TAG_BASIC_MEMINFO, MB2_TAG_MMAP
.request_end:
	align MB2_TAG_ALIGN, db 0
	dw MB2_HTAG_ENTRY, 0                    ; 3.1.6: entry address (physical, in .boot)
	dd MB2_HTAG_ENTRY_SIZE
	dd _start
	align MB2_TAG_ALIGN, db 0
	dw MB2_HTAG_MODULE_ALIGN, 0             ; 3.1.10: modules page aligned
	dd MB2_HTAG_MIN_SIZE
	dw MB2_HTAG_END, 0                      ; 3.1.3: end tag
	dd MB2_HTAG_MIN_SIZE
global multiboot2_header_end
multiboot2_header_end:

extern __stack_top
extern __kernel_end
extern kmain
extern gdt_init
extern paging_boot_build
extern paging_boot_drop_identity

; The first page directory and its tables (in .bss, high; the code below uses their physical
; addresses until paging is on). paging_init replaces them with the kernel's own directory.
section .bss
align PG_SIZE
global boot_page_directory
boot_page_directory:
	resb PG_SIZE
global boot_page_tables
boot_page_tables:
	resb PG_SIZE * BOOT_MAP_TABLES

; What each step of the switch left behind, for kmain to print (struct boot_record, same order).
align 4
global boot_record
boot_record:
.pd:	resd 1                                  ; physical address of the first directory
.ident:	resd 1                                  ; identity PDEs made (4 MiB chunks of the kernel)
.cr0:	resd 1                                  ; CR0 read back right after the CR0 write
.eip_low: resd 1                                ; EIP of the instruction after the CR0 write
.eip_high: resd 1                               ; EIP of the first instruction after the jump
.dropped: resd 1                                ; identity PDEs found present and cleared
.pde0:	resd 1                                  ; PDE 0 read back after the CR3 reload

section .boot.text

; _start
;   IN:  EAX = Multiboot magic, EBX = struct multiboot_info * (physical), paging off
;   OUT: does not return; kmain(magic, mbi) runs on the boot stack at its high address
global _start
_start:
	cli                                     ; the spec says IF=0 already; make it a fact
	mov esp, PHYS(__stack_top)              ; spec 3.2: ESP is undefined
	xor ebp, ebp                            ; a zero frame pointer ends backtraces here
	mov esi, eax                            ; keep magic and mbi in callee-saved registers
	mov edi, ebx
	push dword 0
	popfd                                   ; EFLAGS: all clear (DF=0 for C, IF=0, no NT/AC)

	; 2. The first directory: the kernel twice. Identity PDEs: every 4 MiB chunk the image
	; touches, so the code at physical addresses stays fetchable across the CR0 write.
	mov eax, PHYS(__kernel_end) + LG_SIZE - 1
	shr eax, PDX_SHIFT
	mov [PHYS(boot_record.ident)], eax
	push eax                                ; ident_pdes
	push dword BOOT_MAP_TABLES              ; ntables
	push dword PHYS(boot_page_tables)       ; tables_pa
	push dword PHYS(boot_page_tables)       ; tables (paging off: the pointer is physical)
	push dword PHYS(boot_page_directory)    ; pd_pa
	push dword PHYS(boot_page_directory)    ; pd
	call paging_boot_build
	add esp, 24
	mov edx, PHYS(boot_page_directory)
	mov [PHYS(boot_record.pd)], edx

	; 3. CR3, then CR0.PG|WP.
	xchg bx, bx                             ; Bochs magic breakpoint 1: right before the CR3 load
global boot_load_cr3
boot_load_cr3:
	mov cr3, edx
	mov eax, cr0
	or eax, CR0_PG | CR0_WP
	xchg bx, bx                             ; Bochs magic breakpoint 2: right before the CR0 write
global boot_write_cr0
boot_write_cr0:
	mov cr0, eax                            ; the next fetch goes through the new tables
	call .here                              ; fetched at its physical address: identity map
.here:	pop eax
	mov [PHYS(boot_record.eip_low)], eax
	mov eax, cr0
	mov [PHYS(boot_record.cr0)], eax

	; 4. Jump to the high address (absolute: jmp rel32 would stay low); a jump also flushes
	; the prefetch queue on the 386/486 (SDM 3A 9.9.1).
	add esp, KERNEL_VIRT_BASE
	mov eax, boot_high
	jmp eax

section .text

; Still part of _start (same register state); linked and running high.
boot_high:
	xchg bx, bx                             ; Bochs magic breakpoint 3: running high
global boot_running_high
boot_running_high:
	call .here
.here:	pop eax
	mov [boot_record.eip_high], eax

	; 5. Drop the identity entries; reload CR3 to flush every cached translation.
	push dword boot_page_directory
	call paging_boot_drop_identity
	add esp, 4
	mov [boot_record.dropped], eax
	mov eax, cr3
	mov cr3, eax
	mov eax, [boot_page_directory]
	mov [boot_record.pde0], eax
	xchg bx, bx                             ; Bochs magic breakpoint 4: identity dropped
global boot_identity_dropped
boot_identity_dropped:

	; 6. Our GDT (the loader's may be gone from the map: segment registers were not reloaded
	; since), then C.
	call gdt_init                           ; our GDT, segments reloaded (gdt.c, gdt_load below)
	push edi                                ; cdecl: arguments right to left, magic first
	push esi                                ; mbi stays physical: bootinfo_save maps it
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
