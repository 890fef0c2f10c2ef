; mb2probe.asm - a Multiboot2 test kernel: checks the machine state it is entered in and prints
; every boot information tag it receives, one line each, on COM1 (and port 0xE9).
;
; The same kernel is booted by GRUB 2 (`multiboot2`, `module2`) and by our loader; the test
; compares the two logs (tests/t/19-boot-mb2.t). The machine state is that of the Multiboot2
; specification's section 3.3: EAX = 0x36D76289, EBX = the information's physical address, CS
; flat 32-bit code, DS/ES/FS/GS/SS flat data, A20 on, CR0.PE = 1, CR0.PG = 0, EFLAGS.IF = 0 and
; VM = 0. Those checks print TAP; the tag lines start with "mb2: " and carry raw values:
;   mb2: info 0x<addr> total_size <n>            mb2: tag <type> size <n> <what> ...
;   mb2: mmap base=0x<16 digits> length=0x<16 digits> type=<n> reserved=<n>
; Then QEMU is left through isa-debug-exit (status 33 when every check passed, 35 otherwise).
; Build: ELF (default), or -DADDR: a flat binary at 1 MiB with the address and entry tags, or
; -DRELOC: ELF with a relocatable tag that asks for the lowest place from 1 MiB on.

%include "x86.inc"
%include "multiboot2.inc"
%include "loader.inc"
%include "uart.inc"
%include "acpi.inc"
%include "mmu.inc"

	bits 32
%ifdef ADDR
	org LOADER_LOW_END
	section .text
%else
	section .multiboot progbits alloc noexec nowrite align=8
%endif
image_start:
	align 8
mb2_header:
	dd MB2_HEADER_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	align 8
.req:	dw MB2_HTAG_INFO_REQUEST, 0             ; required: every one of these must be known
	dd .req_end - .req
	dd MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME, MB2_TAG_MODULE, MB2_TAG_BASIC_MEMINFO, MB2_TAG_MMAP
.req_end:
	align 8
.con:	dw MB2_HTAG_CONSOLE, MB2_HTAG_OPTIONAL
	dd 12
	dd MB2_CONSOLE_EGA_TEXT
	align 8
.mal:	dw MB2_HTAG_MODULE_ALIGN, 0
	dd 8
%ifdef RELOC
	align 8
.rel:	dw MB2_HTAG_RELOCATABLE, 0              ; anywhere from 1 MiB, lowest first: where it is
	dd MB2_HTAG_RELOC_SIZE                  ; linked (the probe is not position-independent)
	dd LOADER_LOW_END, 0xFFFFFFFF, PG_SIZE, 1
%endif
%ifdef ADDR
	align 8
.adr:	dw MB2_HTAG_ADDRESS, 0
	dd MB2_HTAG_ADDRESS_SIZE
	dd mb2_header                           ; header_addr
	dd image_start                          ; load_addr
	dd data_end                             ; load_end_addr
	dd bss_end                              ; bss_end_addr
	align 8
.ent:	dw MB2_HTAG_ENTRY, 0
	dd MB2_HTAG_ENTRY_SIZE
	dd _start
%endif
	align 8
	dw MB2_HTAG_END, 0
	dd 8
mb2_header_end:

	section .text
	global _start
_start:
	mov [st_eax], eax
	mov [st_ebx], ebx
	pushfd                                  ; (the loader's stack, whatever it is, for a moment)
	pop dword [st_eflags]
	mov eax, cr0
	mov [st_cr0], eax
	mov eax, cr4
	mov [st_cr4], eax
	mov esp, stack_top
	cld
	mov esi, s_tap
	call puts

	mov eax, MB2_BOOTLOADER_MAGIC
	mov esi, t_magic
	call check_entry_state
	test dword [st_ebx], MB2_TAG_ALIGN - 1
	setz al
	mov esi, t_align
	call tap
	cmp dword [st_eax], MB2_BOOTLOADER_MAGIC
	jne .finish                             ; EBX means nothing: do not walk it
	call info_dump
	mov esi, t_tags
	call tap

.finish:
	jmp tap_finish

; info_dump: one line per tag. OUT: AL = 1 when every tag lay 8-byte aligned inside total_size,
; the sizes were sane and the end tag (size 8) was found. CLOBBERED: all but ESP.
info_dump:
	mov ebx, [st_ebx]
	mov esi, s_info
	call puts
	mov eax, ebx
	call hex8
	mov esi, s_total
	call puts
	mov eax, [ebx + MB2_INFO_TOTAL_SIZE]
	call putdec
	call nl
	mov ebp, ebx
	add ebp, [ebx + MB2_INFO_TOTAL_SIZE]    ; EBP = the information's end
	lea edi, [ebx + MB2_INFO_TAGS]          ; EDI = current tag
.tag:	lea eax, [edi + MB2_TAG_HDR_SIZE]
	cmp eax, ebp
	ja .bad                                 ; no room for a tag header
	mov eax, [edi + MB2_TAG_SIZE]
	cmp eax, MB2_TAG_HDR_SIZE
	jb .bad
	add eax, edi
	jc .bad
	cmp eax, ebp
	ja .bad                                 ; runs past total_size
	mov esi, s_tag
	call puts
	mov eax, [edi + MB2_TAG_TYPE]
	call putdec
	mov esi, s_size
	call puts
	mov eax, [edi + MB2_TAG_SIZE]
	call putdec
	mov eax, [edi + MB2_TAG_TYPE]
	cmp eax, MB2_TAG_END
	je .end
	cmp eax, MB2_TAG_LOAD_BASE
	ja .other
	call [tag_dumpers + eax * 4]
	jmp .next
.other:	call nl
.next:	mov eax, [edi + MB2_TAG_SIZE]           ; the next tag: 8-byte aligned
	add eax, MB2_TAG_ALIGN - 1
	and eax, ~(MB2_TAG_ALIGN - 1)
	add edi, eax
	jmp .tag
.end:	call nl
	cmp dword [edi + MB2_TAG_SIZE], MB2_TAG_HDR_SIZE
	jne .bad
	mov al, 1
	ret
.bad:	mov esi, s_bad
	call puts
	mov eax, edi
	sub eax, ebx
	call putdec
	call nl
	mov al, 0
	ret

; Tag dumpers: IN EDI = the tag. CLOBBERED: EAX, ECX, EDX, ESI.
dump_plain:
	jmp nl
dump_string:                                    ; cmdline, loader name
	mov esi, s_quote
	call puts
	lea esi, [edi + MB2_TAG_STRING]
	call puts
	mov esi, s_quote_end
	jmp puts
dump_module:
	mov esi, s_mod
	call puts
	mov eax, [edi + MB2_MOD_START]
	call hex8
	mov esi, s_to
	call puts
	mov eax, [edi + MB2_MOD_END]
	call hex8
	mov esi, s_bytes
	call puts
	mov eax, [edi + MB2_MOD_END]
	sub eax, [edi + MB2_MOD_START]
	call putdec
	mov esi, s_quote
	call puts
	lea esi, [edi + MB2_MOD_STRING]
	call puts
	mov esi, s_quote_end
	jmp puts
dump_meminfo:
	mov esi, s_lower
	call puts
	mov eax, [edi + MB2_MEMINFO_LOWER]
	call putdec
	mov esi, s_upper
	call puts
	mov eax, [edi + MB2_MEMINFO_UPPER]
	call putdec
	mov esi, s_kib
	jmp puts
dump_bootdev:
	mov esi, s_bootdev
	call puts
	mov eax, [edi + MB2_BOOTDEV_BIOSDEV]
	call hex8
	mov esi, s_part
	call puts
	mov eax, [edi + MB2_BOOTDEV_PART]
	call hex8
	mov esi, s_sub
	call puts
	mov eax, [edi + MB2_BOOTDEV_SUBPART]
	call hex8
	jmp nl
dump_mmap:
	mov esi, s_mmap
	call puts
	mov eax, [edi + MB2_MMAP_ENTRY_SIZE_OFF]
	call putdec
	mov esi, s_version
	call puts
	mov eax, [edi + MB2_MMAP_VERSION_OFF]
	call putdec
	call nl
	mov ecx, [edi + MB2_MMAP_ENTRY_SIZE_OFF]
	test ecx, ecx
	jz .done                                ; (an entry size of 0 would loop forever)
	lea edx, [edi + MB2_MMAP_ENTRIES]
.entry:	mov eax, [edi + MB2_TAG_SIZE]
	add eax, edi
	sub eax, ecx
	cmp edx, eax
	ja .done
	mov esi, s_mm_base
	call puts
	mov eax, [edx + MB2_MMAP_E_BASE + 4]
	call hex8
	mov eax, [edx + MB2_MMAP_E_BASE]
	call hex8
	mov esi, s_mm_len
	call puts
	mov eax, [edx + MB2_MMAP_E_LENGTH + 4]
	call hex8
	mov eax, [edx + MB2_MMAP_E_LENGTH]
	call hex8
	mov esi, s_mm_type
	call puts
	mov eax, [edx + MB2_MMAP_E_TYPE]
	call putdec
	mov esi, s_mm_res
	call puts
	mov eax, [edx + MB2_MMAP_E_TYPE + 4]
	call putdec
	call nl
	add edx, ecx
	jmp .entry
.done:	ret
dump_fb:
	mov esi, s_fb
	call puts
	mov eax, [edi + MB2_FB_ADDR + 4]
	call hex8
	mov eax, [edi + MB2_FB_ADDR]
	call hex8
	mov esi, s_pitch
	call puts
	mov eax, [edi + MB2_FB_PITCH]
	call putdec
	mov esi, s_width
	call puts
	mov eax, [edi + MB2_FB_WIDTH]
	call putdec
	mov esi, s_height
	call puts
	mov eax, [edi + MB2_FB_HEIGHT]
	call putdec
	mov esi, s_bpp
	call puts
	movzx eax, byte [edi + MB2_FB_BPP]
	call putdec
	mov esi, s_type
	call puts
	movzx eax, byte [edi + MB2_FB_TYPE]
	call putdec
	jmp nl
dump_elf:
	mov esi, s_elf
	call puts
	mov eax, [edi + MB2_ELF_NUM]
	call putdec
	mov esi, s_entsize
	call puts
	mov eax, [edi + MB2_ELF_ENTSIZE]
	call putdec
	mov esi, s_shndx
	call puts
	mov eax, [edi + MB2_ELF_SHNDX]
	call putdec
	jmp nl
dump_acpi:                                      ; "RSD PTR " signature, revision, checksums
	mov esi, s_acpi
	call puts
	movzx eax, byte [edi + MB2_ACPI_RSDP + ACPI_RSDP_REVISION]
	call putdec
	mov esi, s_sig
	call puts
	mov ecx, [edi + MB2_TAG_SIZE]
	sub ecx, MB2_ACPI_RSDP                  ; bytes of RSDP in the tag
	push ebx
	xor ebx, ebx
	xor edx, edx                            ; DL = sum of all bytes, DH = of the first 20
.sum:	cmp ebx, ecx
	jae .sums
	mov al, [edi + MB2_ACPI_RSDP + ebx]
	add dl, al
	cmp ebx, ACPI_RSDP_V1_SIZE
	jae .more
	add dh, al
.more:	inc ebx
	jmp .sum
.sums:	pop ebx
	cmp dword [edi + MB2_ACPI_RSDP], ACPI_RSDP_SIG_LO
	jne .nosig
	cmp dword [edi + MB2_ACPI_RSDP + 4], ACPI_RSDP_SIG_HI
	jne .nosig
	mov esi, s_yes
	jmp .sig
.nosig:	mov esi, s_no
.sig:	call puts
	mov esi, s_sum20
	call puts
	movzx eax, dh
	call putdec
	mov esi, s_sumall
	call puts
	movzx eax, dl
	call putdec
	jmp nl
dump_loadbase:
	mov esi, s_loadbase
	call puts
	mov eax, [edi + MB2_LOAD_BASE_ADDR]
	call hex8
	jmp nl

hex8:	push ecx
	mov cl, 8
	call puthex
	pop ecx
	ret
nl:	push esi
	mov esi, s_nl
	call puts
	pop esi
	ret

%include "tap.inc"

	section .data
tag_dumpers:
	dd dump_plain, dump_string, dump_string, dump_module, dump_meminfo, dump_bootdev, dump_mmap
	dd dump_plain, dump_fb, dump_elf, dump_plain, dump_plain, dump_plain, dump_plain
	dd dump_acpi, dump_acpi, dump_plain, dump_plain, dump_plain, dump_plain, dump_plain
	dd dump_loadbase
s_tap		db "TAP version 13", 10, 0
s_ok		db "ok ", 0
s_not		db "not ", 0
s_dash		db " - ", 0
s_nl		db 10, 0
s_plan		db "1..", 0
s_info		db "mb2: info 0x", 0
s_total		db " total_size ", 0
s_tag		db "mb2: tag ", 0
s_size		db " size ", 0
s_bad		db "mb2: bad tag at offset ", 0
s_quote		db ' "', 0
s_quote_end	db '"', 10, 0
s_mod		db " module 0x", 0
s_to		db "-0x", 0
s_bytes		db " bytes ", 0
s_lower		db " mem_lower=", 0
s_upper		db "KiB mem_upper=", 0
s_kib		db "KiB", 10, 0
s_bootdev	db " bootdev 0x", 0
s_part		db " part 0x", 0
s_sub		db " sub 0x", 0
s_mmap		db " mmap entry_size ", 0
s_version	db " version ", 0
s_mm_base	db "mb2: mmap base=0x", 0
s_mm_len	db " length=0x", 0
s_mm_type	db " type=", 0
s_mm_res	db " reserved=", 0
s_fb		db " framebuffer addr 0x", 0
s_pitch		db " pitch ", 0
s_width		db " width ", 0
s_height	db " height ", 0
s_bpp		db " bpp ", 0
s_type		db " type ", 0
s_elf		db " elf num ", 0
s_entsize	db " entsize ", 0
s_shndx		db " shndx ", 0
s_acpi		db " acpi rsdp revision ", 0
s_sig		db " signature ", 0
s_yes		db "ok", 0
s_no		db "bad", 0
s_sum20		db " sum20 ", 0
s_sumall	db " sum ", 0
s_loadbase	db " load_base 0x", 0
t_magic		db "entry: EAX = 0x36D76289", 0
t_align		db "entry: EBX 8-byte aligned", 0
t_tags		db "info: every tag 8-byte aligned inside total_size, ended by an end tag of size 8", 0
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
gdtr		resb 8
		resb 8192
stack_top:
bss_end:
