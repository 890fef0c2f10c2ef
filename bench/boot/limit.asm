; limit.asm - the load-speed yardstick for `make bench-boot`: a bare boot sector that only reads
; sectors with INT 13h AH=42h, 127 at a time, into one 64 KiB-aligned buffer, and then leaves
; QEMU through isa-debug-exit. No copy, no checks, no output: whatever time it takes beyond an
; empty run is the emulated disk path itself, the physical limit our loader is measured against.
; bench/boot/run.sh patches the sector count (dword at LIMIT_COUNT_OFF) and puts the data from
; LBA 1 on.

%include "x86.inc"
%include "loader.inc"

LIMIT_COUNT_OFF	equ 0x1B0

	bits 16
	org LOADER_MBR_ADDR
	jmp 0:start
start:	xor ax, ax
	mov ds, ax
	mov ss, ax
	mov sp, LOADER_STACK_TOP
	sti
	mov [drive], dl
	mov ebx, [count]
	mov eax, 1                              ; first LBA
.next:	test ebx, ebx
	jz .exit
	mov ecx, LOADER_BOUNCE_SECTORS
	cmp ebx, ecx
	jae .n
	mov ecx, ebx
.n:	push dword 0                            ; disk address packet: LBA, buffer, count, size
	push eax
	push word LOADER_BOUNCE_SEG
	push word 0
	push cx
	push word 16
	mov si, sp
	push eax
	mov ah, 0x42
	mov dl, [drive]
	int 0x13
	pop eax
	lea sp, [si + 16]
	jc .exit
	add eax, ecx
	sub ebx, ecx
	jmp .next
.exit:	mov al, QEMU_EXIT_PASS
	out PORT_QEMU_EXIT, al
	cli
.halt:	hlt
	jmp .halt
drive	db 0
	times LIMIT_COUNT_OFF - ($ - $$) db 0
count	dd 0
	times 510 - ($ - $$) db 0
	db 0x55, 0xAA
