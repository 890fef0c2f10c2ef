; context.asm - switching between kernel stacks: how the scheduler passes the CPU from one
; process to another (and back to itself).
;
; A stack that is not running keeps, at its saved ESP, the callee-saved registers of the System V
; i386 ABI (EBX, ESI, EDI, EBP; psABI 2.2.1) and the address context_switch returns to. A new
; stack is made to look the same (kernel/proc/proc.c), with a return address that enters the
; process's first trap frame.

section .text

; context_switch(uint32_t *save_esp, uint32_t new_esp)
;   IN:  [esp + 4] = where to store this stack's ESP, [esp + 8] = the ESP to switch to
;   OUT: returns (on this stack) when someone switches back to it
;   CLOBBERED: EAX, ECX, EDX (caller-saved in the C ABI)
global context_switch
context_switch:
	mov eax, [esp + 4]
	mov edx, [esp + 8]
	push ebp
	push ebx
	push esi
	push edi
	mov [eax], esp
	mov esp, edx
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
