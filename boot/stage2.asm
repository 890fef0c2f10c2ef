; stage2.asm - the loader proper: real mode from stage 1 to the kernel's entry in protected mode.
;
; Stage 1 loaded the config block to LOADER_CONFIG_ADDR and this file to LOADER_STAGE2_ADDR and
; left the boot drive at LOADER_BOOT_DRIVE. stage2_main below is the boot order and nothing else;
; each step lives in an include file with its own label prefix:
;   print.inc   print_  console (screen and COM1), the error exit
;   disk.inc    disk_   BIOS disk reads
;   a20.inc     a20_    the A20 gate
;   cpu.inc     cpu_    whether CPUID exists
;   pmode.inc   pm_     copies above 1 MiB, the jump into the kernel
;   crc.inc     crc_    CRC-32 of what is read, against the one recorded at build time
;                       (crc32_update.inc: the 32-bit register update, by PCLMULQDQ or tables)
;   memory.inc  mem_    the BIOS memory map, usable-RAM checks
;   load.inc    load_   reading the kernel: head, checks (mbheader.inc mbh_, elf.inc elf_,
;                       aout.inc aout_, seg.inc seg_), segments
;                       for a Multiboot2 kernel: mb2header.inc mb2h_ (its header and tags),
;                       mb2load.inc mb2l_ (entry and relocatable tags)
;   modules.inc mod_    Multiboot modules
;   mbinfo.inc  mbi_    the Multiboot information structure
;   mb2info.inc mb2i_   the Multiboot2 boot information, built from it (rsdp.inc rsdp_: the
;                       ACPI RSDP)
; Every step prints one short line on the screen and COM1; every failure says which check failed
; and halts (docs/boot.md lists the messages).

%include "x86.inc"
%include "loader.inc"
%include "uart.inc"
%include "multiboot.inc"
%include "multiboot2.inc"
%include "acpi.inc"
%include "mmu.inc"
%include "crc32.inc"
%include "loader_msg.inc"

; Offsets in LOADER_INFO_SEG (FS during the whole of stage 2) of what is handed to the kernel.
INFO_MBI	equ LOADER_MBI_ADDR - LOADER_INFO_BASE
INFO_MMAP	equ LOADER_MMAP_ADDR - LOADER_INFO_BASE
INFO_E820	equ LOADER_E820_BUF - LOADER_INFO_BASE
INFO_CMDLINE	equ LOADER_CMDLINE_ADDR - LOADER_INFO_BASE
INFO_NAME	equ LOADER_NAME_ADDR - LOADER_INFO_BASE
INFO_MODS	equ LOADER_MODS_ADDR - LOADER_INFO_BASE
INFO_MODBLK	equ LOADER_MODBLK_ADDR - LOADER_INFO_BASE
INFO_MB2	equ LOADER_MB2_ADDR - LOADER_INFO_BASE

	bits 16
	org LOADER_STAGE2_ADDR
	; Code and read-only data in .text (the file); every variable in .bss, a page of its own at
	; LOADER_VARS_ADDR that holds no code (include/loader.h says why).
	section .text
	section .bss nobits vstart=LOADER_VARS_ADDR
vars_start:
	section .text

stage2_main:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, LOADER_STACK_TOP
	mov ax, LOADER_INFO_SEG
	mov fs, ax
	sti
	cld
	mov di, vars_start                      ; .bss is not in the file: zero it
	mov cx, vars_end - vars_start
	xor al, al
	rep stosb
	call print_serial_init
	mov si, msg_hello
	call print_say
	call print_crlf
	mov si, msg_cfg_bad
	cmp dword [LOADER_CONFIG_ADDR + CFG_MAGIC_OFF], CFG_MAGIC
	jne print_die
	mov dl, [LOADER_BOOT_DRIVE]
	call disk_init
	call disk_check_size
	call a20_enable
	call pm_detect_mmx
	call crc_init
	call mem_detect
	call load_kernel
	call mod_load_all
	call mbi_build
	call mb2i_build
	call crc_cpu_restore
	mov si, msg_go
	call print_say
	call print_crlf
	jmp pm_enter_kernel

%include "print.inc"
%include "disk.inc"
%include "a20.inc"
%include "cpu.inc"
%include "pmode.inc"
%include "crc.inc"
%include "memory.inc"
%include "load.inc"
%include "mbheader.inc"
%include "elf.inc"
%include "aout.inc"
%include "seg.inc"
%include "mb2header.inc"
%include "mb2load.inc"
%include "modules.inc"
%include "mbinfo.inc"
%include "mb2info.inc"
%include "rsdp.inc"

msg_hello	db "stage2 (", LOADER_NAME, ")", 0
msg_cfg_bad	db "config block missing (image not built by disk.img.mk?)", 0
msg_go		db "starting kernel", 0

	section .bss
vars_end:
	section .text

stage2_end:
	; The build fails here if stage 2 outgrows 0x8000-0xFFFF (stage 1's single read, the
	; bounce buffer at 0x10000), or its variables their page.
	times ((stage2_end - stage2_main) <= LOADER_STAGE2_MAX) - 1 db 0
	times ((vars_end - vars_start) <= LOADER_VARS_MAX) - 1 db 0
