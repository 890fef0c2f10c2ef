; crc32_glue.asm - the loader's CRC-32 register update (boot/crc32_update.inc), assembled as it is
; for a 32-bit Linux host program (tests/host/crc32_host.c), behind a cdecl function.
;
; crc32_update.inc wants the includer to provide CRC_T (the eight slicing-by-8 tables), crc_value
; and crc_pclmul; here they are plain variables that the C side fills and reads.

	section .text
	global crc_host_update
	global crc_host_tables

%include "crc32_update.inc"

	bits 32
; uint32_t crc_host_update(uint32_t reg, const void *p, uint32_t n, int pclmul): the register
; after n bytes at p, by crc_update32 with crc_pclmul = pclmul. Saves EBX, ESI, EDI (cdecl).
crc_host_update:
	push ebx
	push esi
	push edi
	mov eax, [esp + 16]
	mov [crc_value], eax
	mov esi, [esp + 20]
	mov ecx, [esp + 24]
	mov eax, [esp + 28]
	mov [crc_pclmul], al
	call crc_update32
	mov eax, [crc_value]
	pop edi
	pop esi
	pop ebx
	ret

	section .bss
	alignb 16
crc_host_tables:
CRC_T		resd 8 * 256
crc_value	resd 1
crc_pclmul	resb 1
