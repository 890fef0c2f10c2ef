; stage1.asm - the 512-byte MBR: find the boot drive, load the config block and stage 2, jump.
;
; The BIOS loads this sector at 0000:7C00 (or 07C0:0000 on some machines) with DL = boot drive.
; Stage 1 normalises CS:IP, sets up a stack, checks DL, and reads LOADER_S1_COUNT_OFF sectors
; (patched in by disk.img.mk) from the first LBA of partition 1 (the config block, then stage 2)
; to LOADER_CONFIG_ADDR, then jumps to stage 2 with the boot drive at LOADER_BOOT_DRIVE. Stage 2
; repeats the drive probing with the full reader (boot/disk.inc); this sector has its own small
; one because every byte counts here. Rules (sources in docs/boot.md; the build enforces the
; layout):
;   - jmp short + nop, then room for a FAT12/16 BIOS Parameter Block (some BIOSes write into it);
;   - code and data end before LOADER_S1_FIELDS: the patch fields, the disk signature (0x1B8),
;     the partition table (0x1BE, written by disk.img.mk) and 0x55AA stay valid;
;   - INT 13h extensions only if AH=41h gives CF clear, BX=AA55h and CX bit 0; then one AH=42h
;     call: at most 127 sectors (Phoenix EDD limit), and the buffer 0x7E00-0xFFFF cannot cross a
;     64 KiB boundary (the build checks that stage 2 fits there);
;   - otherwise (or when that AH=42h call fails, as GRUB's boot.S does) CHS from AH=08h
;     geometry, one sector per call (a read never passes a track end), cylinders below 1024,
;     every read retried 3 times with an AH=00h reset before each retry;
;   - the words of the sectors read must add up to LOADER_S1_SUM (the balancing word is in the
;     config block, CFG_S1_SUM_OFF, written by disk.img.mk), else "MBR: stage2 checksum";
;   - a failure prints "MBR: <what> 0x<BIOS status>" on screen and COM1 and halts; no reboot.
; The sum (LODSW/ADD/LOOP over sectors * 256 words, the failure branch and its message) costs 37
; bytes, 18 more than the check of the config block's first magic byte it replaces (a sum that
; is not 0 also refuses a block of zeros, and it covers every byte stage 2 runs). The bytes came
; from shorter code: a signed compare for the floppy/hard disk ranges, one INT 13h call with the
; drive reload shared by five calls, the retry inlined, SHR for the CX bit 0 test, AH known 0 for
; the divisor, the end-of-string bit masked in putc (which keeps AX) and msg_crlf placed after
; msg_0x; 3 bytes are left. A 16-bit sum misses changes that cancel (which a CRC would see): it
; is there to stop a wrong or damaged stage 2 before it runs. Stage 2 checks the kernel and
; modules it reads (CRC-32, boot/crc.inc).

%include "x86.inc"
%include "loader.inc"
%include "uart.inc"

	bits 16
	org LOADER_MBR_ADDR

; Variables in free memory after the BIOS data area, addressed as [bp + x] (shorter code).
S1_VARS		equ LOADER_BOOT_DRIVE
s1_drive	equ 0                           ; byte: the boot drive
s1_spt		equ 2                           ; word: CHS sectors per track
s1_heads	equ 4                           ; word: CHS heads
s1_part_lba	equ LOADER_MBR_ADDR + MBR_PART_TABLE_OFF + 8 ; partition 1's first LBA

start:	jmp short entry
	nop
	times MBR_BPB_END - ($ - $$) db 0       ; BPB room, zero

entry:	jmp 0:.normal                           ; CS:IP = 0000:7C00 whatever the BIOS used
.normal:
	xor ax, ax                              ; (mov ss delays interrupts for one instruction)
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, LOADER_STACK_TOP
	sti
	cld
	mov bp, S1_VARS
	; Boot drive: a hard disk 0x80-0x8F or a floppy 0x00-0x01 is plausible; anything else is a
	; BIOS bug and the first hard disk is the best guess (as GRUB's boot.S does). Once bits 4-6
	; are clear, a signed compare keeps both ranges: 0x80-0x8F are negative, 0x00-0x01 below 2.
	test dl, 0x70
	jnz .drive_bad
	cmp dl, 0x02
	jl .drive_ok
.drive_bad:
	mov dl, 0x80
.drive_ok:
	mov [bp + s1_drive], dl
	; COM1 to 115200 8N1 (stage 2 redoes the full setup: FIFO, interrupts off, modem lines).
	mov dx, PORT_COM1 + UART_LCR
	mov al, UART_LCR_DLAB
	out dx, al
	mov dl, (PORT_COM1 + UART_DATA) & 0xFF
	mov al, UART_DIVISOR_115200             ; AH = 0 since the xor: a word out, divisor low,
	out dx, ax                              ; then high at port + 1
	mov dl, (PORT_COM1 + UART_LCR) & 0xFF
	mov al, UART_LCR_8N1
	out dx, al

	test byte [s1_flags], LOADER_S1_FORCE_CHS
	jnz read_chs                            ; image built with FORCE_CHS=1: test the CHS path
	mov ah, 0x41
	mov bx, 0x55AA
	call int13
	jc read_chs
	cmp bx, 0xAA55
	jne read_chs
	shr cl, 1                               ; CX bit 0: the packet (AH=42h) functions exist
	jnc read_chs

read_edd:
	push dword 0                            ; disk address packet on the stack: LBA,
	push dword [s1_part_lba]                ; segment, offset, count, size
	push LOADER_CONFIG_ADDR >> 4
	push byte 0
	push word [s1_count]
	push byte 16
	mov si, sp
	mov ah, 0x42
	call int13                              ; (DL reloaded: AH=41h clobbers it on one BIOS)
	jnc loaded
	; A failed AH=42h falls back to CHS, where every read is retried (as GRUB's boot.S does).

read_chs:
	xor di, di                              ; ES:DI = 0:0 guards against a BIOS bug (RBIL AH=08h)
	mov ah, 0x08
	call int13
	mov si, msg_geom
	jc fail
	and cx, 0x3F                            ; CL bits 0-5: sectors per track
	jz fail
	mov [bp + s1_spt], cx
	movzx dx, dh                            ; DH: the highest head number
	inc dx
	mov [bp + s1_heads], dx
	mov ax, [s1_part_lba]                   ; stage 2 lies below LBA 65536 (build checked)
	mov cx, [s1_count]
	mov bx, LOADER_CONFIG_ADDR >> 4
.sector:
	pusha
	xor dx, dx
	div word [bp + s1_spt]                  ; AX = track, DX = sector index
	inc dx
	mov cx, dx                              ; CL = sector (1-based)
	xor dx, dx
	div word [bp + s1_heads]                ; AX = cylinder, DL = head
	mov si, msg_chs
	cmp ax, 1024
	jae fail
	mov ch, al
	shl ah, 6
	or cl, ah                               ; CL bits 6-7 = cylinder bits 8-9
	mov dh, dl
	mov es, bx
	xor bx, bx
	mov di, DISK_RETRIES + 1
.try:	mov ax, 0x0201
	call int13
	jnc .next
	mov si, msg_read                        ; failed: count the try, halt with the status
	dec di                                  ; when none is left, else reset (AH=00h)
	jz fail
	xor ah, ah
	call int13
	jmp .try
.next:	popa
	inc ax
	add bx, SECTOR_SIZE >> 4
	loop .sector

; loaded: every word of the sectors read (config block and stage 2) must add up to LOADER_S1_SUM;
; disk.img.mk stores the word that balances the sum at CFG_S1_SUM_OFF in the config block. The
; sum is not 0, so a read that gave zeros (or 0xFF bytes: their sum is a multiple of 256) fails;
; a wrong config block fails too. LOOP keeps the flags of the last ADD.
loaded:	mov cx, [s1_count]
	xchg cl, ch                             ; CX = sectors * 256 words (at most 127 sectors)
	mov si, LOADER_CONFIG_ADDR
	mov bx, -LOADER_S1_SUM
.sum:	lodsw
	add bx, ax
	loop .sum
	mov si, msg_sum
	jnz fail                                ; (AH: high byte of the last word, means nothing)
	jmp LOADER_STAGE2_ADDR                  ; CS = 0 already; the drive is at LOADER_BOOT_DRIVE

; int13: INT 13h on the boot drive. IN: AH = function, its other registers. OUT: the BIOS's.
int13:	mov dl, [bp + s1_drive]
	int 0x13
	ret

; fail: "MBR: <message> 0x<status>" and halt. IN: SI = message, AH = status. OUT: never returns.
fail:	push si
	mov si, msg_mbr
	call puts
	pop si
	call puts
	mov si, msg_0x
	call puts                               ; leaves SI at msg_crlf
	mov al, ah
	aam 16                                  ; AH = high digit, AL = low digit
	xchg al, ah
	call putx                               ; (keeps AH)
	mov al, ah
	call putx
	call puts
	cli
.halt:	hlt
	jmp .halt

; putx: one hex digit. IN: AL = 0-15. CLOBBERED: AL.
putx:	cmp al, 10
	sbb al, 0x69
	das
	; fall through
; putc: a character (bit 7 ignored: see msg) to COM1 (bounded wait for THRE: no COM1 must not
; hang us) and the screen. IN: AL = character. CLOBBERED: nothing.
putc:	pusha
	and al, 0x7F
	xchg ax, bx                             ; BL = the character
	mov dx, PORT_COM1 + UART_LSR
	xor cx, cx
.wait:	in al, dx
	test al, UART_LSR_THRE
	loopz .wait
	xchg ax, bx
	mov dl, PORT_COM1 & 0xFF
	out dx, al
	mov ah, 0x0E
	xor bx, bx                              ; page 0 (BL matters in graphics modes only)
	int 0x10
	popa
	ret

; puts: IN: SI = string whose last character has bit 7 set (see msg). OUT: SI after it.
puts:	lodsb
	call putc
	test al, al
	jns puts
	ret

DISK_RETRIES	equ 3
; msg: a string for puts, its end marked by bit 7 of the last character (saves the NULs).
%macro msg 1
	%strlen %%len %1
	%substr %%head %1 1, %%len - 1
	%substr %%last %1 %%len
	db %%head, %%last | 0x80
%endmacro
msg_mbr:	msg "MBR: "
msg_read:	msg "read error"
msg_geom:	msg "geometry"
msg_chs:	msg "CHS limit"
msg_sum:	msg "stage2 checksum"
msg_0x:		msg " 0x"
msg_crlf:	msg `\r\n`                       ; right after msg_0x (see fail)

%if CFG_S1_SUM_OFF % 2 || CFG_S1_SUM_OFF < CFG_CMDLINE_OFF + LOADER_CMDLINE_MAX || CFG_S1_SUM_OFF + 2 > SECTOR_SIZE
	%error "CFG_S1_SUM_OFF: the sum's word must be a whole word of the config block, past the command line"
%endif
%if LOADER_S1_SUM == 0 || (LOADER_S1_SUM & 0xFF) == 0
	%error "LOADER_S1_SUM: a sum of zeros or of 0xFF bytes (a multiple of 256) must not pass"
%endif

	; The build fails here ("TIMES value is negative") if the code grows into the fields.
	times LOADER_S1_FIELDS - ($ - $$) db 0
s1_count	dw 0                            ; patched by disk.img.mk
s1_flags	db 0                            ; patched by disk.img.mk (FORCE_CHS)
	times ((s1_count - $$) == LOADER_S1_COUNT_OFF) - 1 db 0   ; the fields where loader.h says
	times ((s1_flags - $$) == LOADER_S1_FLAGS_OFF) - 1 db 0
	times MBR_DISK_SIG_OFF - ($ - $$) db 0
	times MBR_SIG_OFF - ($ - $$) db 0       ; disk signature and partition table: disk.img.mk
	db 0x55, 0xAA
