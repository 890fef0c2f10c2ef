; stage2.asm - the loader proper: real mode from stage 1 to the kernel's entry in protected mode.
;
; Stage 1 loaded the config block to LOADER_CONFIG_ADDR and this file to LOADER_STAGE2_ADDR and
; left the boot drive at LOADER_BOOT_DRIVE. The boot, in order (one include file per job):
;   console (print.inc) -> config block check -> disk probe (disk.inc) -> A20 (a20.inc) ->
;   memory map (memory.inc) -> kernel header checks and load (kernel.inc, pmode.inc for the
;   copies above 1 MiB) -> Multiboot information (mbinfo.inc) -> protected mode and the jump
;   (pmode.inc).
; Every step prints one short line on the screen and COM1; every failure says which check failed
; and halts (docs/boot.md lists the messages).

%include "x86.inc"
%include "loader.inc"
%include "multiboot.inc"

	bits 16
	org LOADER_STAGE2_ADDR

stage2_main:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, LOADER_STACK_TOP
	sti
	cld
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

	mov ax, LOADER_INFO_SEG
	mov fs, ax
	call memory_detect
	call kernel_load
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
%include "mbinfo.inc"
%include "pmode.inc"

msg_hello	db "stage2 (", LOADER_NAME, ")", 0
msg_cfg_bad	db "config block missing (image not built by disk.img.mk?)", 0
msg_disk	db "disk 0x", 0
msg_disk_edd	db ", INT 13h extensions", 0
msg_disk_chs_mode db ", CHS", 0
msg_go		db "starting kernel", 0
msg_disk_read	db "boot: error: disk read failed, BIOS status 0x", 0
msg_disk_geom	db "boot: error: no disk geometry (INT 13h AH=08h), BIOS status 0x", 0
msg_disk_chs	db "boot: error: sector beyond the CHS limit (1024 cylinders)", 13, 10, 0

disk_drive	db 0
disk_ext	db 0
disk_status	db 0
disk_spt	dw 0
disk_heads	dw 0

stage2_end:
	; The build fails here if stage 2 outgrows 0x8000-0xFFFF (stage 1's single read, the
	; bounce buffer at 0x10000).
	times ((stage2_end - stage2_main) <= LOADER_STAGE2_MAX) - 1 db 0
