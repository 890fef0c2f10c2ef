; paging_enable.asm - move onto a new page directory: CR4.PSE if asked, CR3, CR0.PG and CR0.WP.
;
; kernel/core/entry.asm has already turned paging on over the boot page tables (its CR3 load and
; CR0 write are the ones the Bochs walkthrough stops at); paging_init calls this to move onto
; the kernel's own directory, which maps everything the caller runs on (its code, stack and
; data at their high addresses) exactly as the boot tables did, so execution goes on unchanged.
; Setting PG and WP again is harmless and keeps the contract independent of who ran before.
;
; SDM Vol. 3A 2.5: CR4.PSE enables 4 MiB pages (the new directory may hold some); 4.10.4.1: a
; MOV to CR3 invalidates every TLB entry (the kernel uses no global pages), so no stale boot
; translation survives.

%include "x86.inc"

section .text

; void paging_enable(uint32_t pd_phys, uint32_t cr4_set)
;   IN:  [esp+4] = physical address of the page directory (4 KiB aligned)
;        [esp+8] = bits to OR into CR4 first (CR4_PSE), or 0 to leave CR4 alone (CPUs without
;                  CPUID/CR4, such as a 486, must pass 0: MOV from CR4 would be #UD there)
;   OUT: CR3 = pd_phys, CR0.PG = CR0.WP = 1
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
global paging_enable_load_cr3
paging_enable_load_cr3:
	mov cr3, edx
	mov eax, cr0
	or eax, CR0_PG | CR0_WP
	mov cr0, eax
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
