; paging_enable.asm - the switch to paging: CR4.PSE if asked, CR3, then CR0.PG and CR0.WP.
;
; Kept in assembly so the two instructions that change the address translation are visible one
; by one in the Bochs debugger: each is preceded by `xchg bx, bx`, Bochs' magic breakpoint
; (bochsrc: magic_break: enabled=1), which is an ordinary no-op on every other CPU or emulator.
; docs/paging.md walks through the session (make bochs-debug).
;
; SDM Vol. 3A 4.1.2 / 9.9.1: set CR3 before CR0.PG; the code doing the switch must be identity
; mapped (it is: kernel/mm/paging_setup.c identity-maps all RAM); on the 386/486 a jump right after
; the MOV to CR0 discards instructions prefetched under the old translation. CR0.WP (2.5) makes
; read-only pages bind ring 0 too, so kernel .text and .rodata are protected from the kernel.

%include "x86.inc"

section .text

; void paging_enable(uint32_t pd_phys, uint32_t cr4_set)
;   IN:  [esp+4] = physical address of the page directory (4 KiB aligned)
;        [esp+8] = bits to OR into CR4 first (CR4_PSE), or 0 to leave CR4 alone (CPUs without
;                  CPUID/CR4, such as a 486, must pass 0: MOV from CR4 would be #UD there)
;   OUT: paging on, CR3 = pd_phys, CR0.PG = CR0.WP = 1; returns to the (identity-mapped) caller
;   CLOBBERED: EAX, ECX, EDX (cdecl scratch registers)
global paging_enable
paging_enable:
	mov edx, [esp + 4]
	mov ecx, [esp + 8]
	test ecx, ecx
	jz .cr3
	mov eax, cr4
	or eax, ecx
	mov cr4, eax
.cr3:
	xchg bx, bx                             ; Bochs magic breakpoint 1: right before the CR3 load
global paging_enable_load_cr3
paging_enable_load_cr3:
	mov cr3, edx
	mov eax, cr0
	or eax, CR0_PG | CR0_WP
	xchg bx, bx                             ; Bochs magic breakpoint 2: right before the CR0 write
global paging_enable_write_cr0
paging_enable_write_cr0:
	mov cr0, eax                            ; from the next instruction on, addresses are virtual
	jmp .paged                              ; 386/486: flush the prefetch queue (SDM 3A 9.9.1)
.paged:
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
