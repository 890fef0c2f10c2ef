; stage2.asm - the loader proper: real mode from stage 1 to the kernel's entry in protected mode.
;
; Stage 1 loaded the config block to LOADER_CONFIG_ADDR and this file to LOADER_STAGE2_ADDR and
; left the boot drive at LOADER_BOOT_DRIVE. The boot, in order (one include file per job):
;   console (print.inc) -> config block check -> disk probe (disk.inc) -> A20 (a20.inc) ->
;   memory map (memory.inc) -> kernel header checks and load (kernel.inc, pmode.inc for the
;   copies above 1 MiB) -> modules (modules.inc) -> Multiboot information (mbinfo.inc) ->
;   protected mode and the jump (pmode.inc).
; Every step prints one short line on the screen and COM1; every failure says which check failed
; and halts (docs/boot.md lists the messages).

%include "x86.inc"
%include "loader.inc"
%include "multiboot.inc"
%include "mmu.inc"

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
	sti
	cld
	mov di, vars_start                      ; .bss is not in the file: zero it
	mov cx, vars_end - vars_start
	xor al, al
	rep stosb
	call serial_init
	mov si, msg_hello
	call say
	call crlf
	mov si, msg_cfg_bad
	cmp dword [LOADER_CONFIG_ADDR + CFG_MAGIC_OFF], CFG_MAGIC
	jne die

	mov dl, [LOADER_BOOT_DRIVE]
	call disk_init
	mov si, msg_disk
	call say
	movzx eax, byte [disk_drive]
	mov cx, 2
	call print_hex
	mov si, msg_disk_edd
	cmp byte [disk_ext], 0
	jne .mode
	mov si, msg_disk_chs_mode
.mode:	call puts
	call crlf

	call a20_enable
	call pm_detect_mmx
	mov si, msg_copy_movsd
	cmp byte [pm_mmx], 0
	je .copy
	mov si, msg_copy_mmx
.copy:	call say
	call crlf

	mov ax, LOADER_INFO_SEG
	mov fs, ax
	call memory_detect
	call kernel_load
	call modules_load
	call mbi_build
	mov si, msg_go
	call say
	call crlf
	jmp pm_enter_kernel

%include "print.inc"
%include "disk.inc"
%include "a20.inc"
%include "memory.inc"
%include "kernel.inc"
%include "modules.inc"
%include "mbinfo.inc"
%include "pmode.inc"

msg_hello	db "stage2 (", LOADER_NAME, ")", 0
msg_cfg_bad	db "config block missing (image not built by disk.img.mk?)", 0
msg_disk	db "disk 0x", 0
msg_disk_edd	db ", INT 13h extensions", 0
msg_disk_chs_mode db ", CHS", 0
msg_go		db "starting kernel", 0
msg_copy_mmx	db "copies above 1 MiB: MMX", 0
msg_copy_movsd	db "copies above 1 MiB: REP MOVSD", 0
msg_disk_read	db "boot: error: disk read failed, BIOS status 0x", 0
msg_disk_geom	db "boot: error: no disk geometry (INT 13h AH=08h), BIOS status 0x", 0
msg_disk_chs	db "boot: error: sector beyond the CHS limit (1024 cylinders)", 13, 10, 0

	section .bss
disk_drive	resb 1
disk_ext	resb 1
disk_status	resb 1
disk_spt	resw 1
disk_heads	resw 1
vars_end:
	section .text

stage2_end:
	; The build fails here if stage 2 outgrows 0x8000-0xFFFF (stage 1's single read, the
	; bounce buffer at 0x10000), or its variables their page.
	times ((stage2_end - stage2_main) <= LOADER_STAGE2_MAX) - 1 db 0
	times ((vars_end - vars_start) <= LOADER_VARS_MAX) - 1 db 0
