; crc32_glue.asm - the loader's CRC-32 register update (boot/crc32_update.inc), assembled as it is
; for a 32-bit Linux host program (tests/host/crc32_host.c), behind cdecl functions.
;
; crc32_update.inc wants the includer to provide CRC_T (its tables), crc_value and crc_pclmul;
; here they are plain variables that the C side fills and reads. crc_host_layout tells the C side
; where each table lies (the CRC_TAB_* offsets) and the field width, so that it can build them.

	section .text
	global crc_host_update
	global crc_host_copy_update
	global crc_host_tables
	global crc_host_layout

%include "crc32_update.inc"

	bits 32
; uint32_t crc_host_update(uint32_t reg, const void *p, uint32_t n, int pclmul): the register
; after n bytes at p, by crc_update32 with crc_pclmul = pclmul. Saves EBX, ESI, EDI, EBP (cdecl).
crc_host_update:
	push ebx
	push esi
	push edi
	push ebp
	mov eax, [esp + 20]
	mov [crc_value], eax
	mov esi, [esp + 24]
	mov ecx, [esp + 28]
	mov eax, [esp + 32]
	mov [crc_pclmul], al
	call crc_update32
	mov eax, [crc_value]
	pop ebp
	pop edi
	pop esi
	pop ebx
	ret

; uint32_t crc_host_copy_update(uint32_t reg, const void *src, void *dst, uint32_t n): the
; register after n bytes at src, by crc_copy32, which also copies them to dst.
crc_host_copy_update:
	push ebx
	push esi
	push edi
	push ebp
	mov eax, [esp + 20]
	mov [crc_value], eax
	mov esi, [esp + 24]
	mov edi, [esp + 28]
	mov ecx, [esp + 32]
	call crc_copy32
	mov eax, [crc_value]
	pop ebp
	pop edi
	pop esi
	pop ebx
	ret

	section .rodata
; uint32_t crc_host_layout[8]: the offsets of tables A0, A1, A2, B0, B1, B2, the byte table's,
; and the field width in bits.
crc_host_layout:
	dd CRC_TAB_A0, CRC_TAB_A1, CRC_TAB_A2, CRC_TAB_B0, CRC_TAB_B1, CRC_TAB_B2, CRC_TAB_BYTE
	dd CRC_FIELD_BITS

	section .bss
	alignb 16
crc_host_tables:
CRC_T		resb CRC_TABLES_SIZE
crc_value	resd 1
crc_pclmul	resb 1
