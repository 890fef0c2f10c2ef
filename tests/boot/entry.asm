; entry.asm - a test kernel that checks the machine state our loader hands over.
;
; Multiboot 0.6.96 section 3.2 says what must hold at entry: EAX = 0x2BADB002, EBX = the
; information structure, CS a 32-bit read/execute segment with offset 0 and limit 0xFFFFFFFF,
; DS/ES/FS/GS/SS read/write segments with offset 0 and limit 0xFFFFFFFF, A20 enabled, CR0.PG = 0,
; CR0.PE = 1, EFLAGS.VM = 0, EFLAGS.IF = 0. This kernel checks each of these first thing (before
; it touches a register or the stack), then the information structure's flags, prints TAP on
; COM1 (with CR0 and CR4 as found, in a comment line: tests compare them with QEMU -kernel's) and leaves QEMU through isa-debug-exit (status 33 all passed, 35 otherwise). Descriptor
; bases and types come from the GDT the loader left loaded (SGDT), limits from LSL, types from
; LAR (Intel SDM Vol. 3A 3.4.5, Vol. 2 LAR/LSL).
; Build: ELF (default) or the Multiboot a.out kludge (-DKLUDGE, flat binary at 1 MiB).

%include "x86.inc"
%include "multiboot.inc"
%include "loader.inc"
%include "uart.inc"

	bits 32
%ifdef KLUDGE
	org LOADER_LOW_END
	section .text
MB_FLAGS	equ MB_HFLAG_MEMORY_INFO | MB_HFLAG_AOUT_KLUDGE
%else
	section .multiboot progbits alloc noexec nowrite align=4
MB_FLAGS	equ MB_HFLAG_MEMORY_INFO
%endif
image_start:
	align 4
mb_header:
	dd MB_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MB_HEADER_MAGIC + MB_FLAGS)
%ifdef KLUDGE
	dd mb_header                            ; header_addr
	dd image_start                          ; load_addr
	dd data_end                             ; load_end_addr
	dd bss_end                              ; bss_end_addr
	dd _start                               ; entry_addr
%endif

	section .text
	global _start
_start:
	mov [st_eax], eax
	mov [st_ebx], ebx
	pushfd                                  ; (any stack works for this: the loader's)
	pop dword [st_eflags]
	mov eax, cr0
	mov [st_cr0], eax
	mov eax, cr4
	mov [st_cr4], eax
	; bss zeroed? Scan it before the stack (inside it) is used. Not a given in an emulator's
	; fresh RAM: the loader's A20 probe writes at 1 MiB + 0x510, inside this bss.
	cld
	mov edi, bss_zero_start
	mov ecx, (stack_top - bss_zero_start) / 4
	xor eax, eax
	repe scasd
	setz [st_bss_zero]
	mov esp, stack_top
	mov esi, s_tap
	call puts

	mov eax, MB_BOOTLOADER_MAGIC
	mov esi, t_magic
	call check_entry_state
	mov al, [st_bss_zero]
	mov esi, t_bss
	call tap

	; The information structure: the flags our loader promises, and what they point at.
	mov ebx, [st_ebx]
	mov ecx, [ebx + MBI_FLAGS]
	and ecx, LOADER_MBI_FLAGS
	cmp ecx, LOADER_MBI_FLAGS
	sete al
	mov esi, t_flags
	call tap
	mov eax, [ebx + MBI_MMAP_LENGTH]
	xor edx, edx
	mov ecx, MB_MMAP_ENTRY_SIZE
	div ecx
	test edx, edx
	setz dl
	test eax, eax
	setnz al
	and al, dl
	mov esi, t_mmap
	call tap
	mov ecx, [ebx + MBI_MEM_LOWER]
	cmp ecx, 640
	setbe al
	mov ecx, [ebx + MBI_MEM_UPPER]
	test ecx, ecx
	setnz dl
	and al, dl
	mov esi, t_mem
	call tap
	mov ecx, [ebx + MBI_BOOT_LOADER_NAME]
	cmp byte [ecx], 0
	setne al
	mov esi, t_name
	call tap
	mov ecx, [ebx + MBI_BOOT_DEVICE]
	and ecx, 0xFFFF
	cmp ecx, 0xFFFF
	sete al
	mov esi, t_bootdev
	call tap

	jmp tap_finish

%include "tap.inc"

	section .data
s_tap		db "TAP version 13", 10, 0
s_ok		db "ok ", 0
s_not		db "not ", 0
s_dash		db " - ", 0
s_nl		db 10, 0
s_plan		db "1..", 0
t_magic		db "entry: EAX = 0x2BADB002", 0
t_bss		db "load: bss zeroed (p_memsz beyond p_filesz, or bss_end_addr)", 0
t_flags		db "info: flags 0, 1, 2, 6, 9 set", 0
t_mmap		db "info: mmap_length a non-zero multiple of 24", 0
t_mem		db "info: mem_lower <= 640, mem_upper > 0", 0
t_name		db "info: boot_loader_name set", 0
t_bootdev	db "info: boot_device partitions 2 and 3 unused (0xFFFF)", 0
	align 4
t_count		dd 0
t_failed	dd 0
data_end:

	section .bss
	alignb 4
st_eax		resd 1
st_ebx		resd 1
st_eflags	resd 1
st_cr0		resd 1
st_cr4		resd 1
st_bss_zero	resd 1
bss_zero_start:
gdtr		resb 8
		resb 8192
stack_top:
bss_end:
