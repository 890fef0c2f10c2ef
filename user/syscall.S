/*
 * syscall.S - the one way into the kernel: Linux's i386 system-call convention, `int $0x80` with
 * the number in eax and up to six arguments in ebx, ecx, edx, esi, edi, ebp; the result in eax,
 * -errno (-4095..-1) on failure (Linux arch/x86/entry/entry_32.S, the int 0x80 entry).
 *
 * long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
 *   IN: cdecl, all on the stack   OUT: eax = the kernel's result
 *   CLOBBERED: ecx, edx (cdecl's scratch registers); ebx, esi, edi, ebp are saved and restored
 */
	.text
	.globl syscall6
	.type syscall6, @function
syscall6:
	pushl	%ebp
	pushl	%edi
	pushl	%esi
	pushl	%ebx
	movl	20(%esp), %eax          /* nr (4 saved registers + return address above it) */
	movl	24(%esp), %ebx
	movl	28(%esp), %ecx
	movl	32(%esp), %edx
	movl	36(%esp), %esi
	movl	40(%esp), %edi
	movl	44(%esp), %ebp
	int	$0x80
	popl	%ebx
	popl	%esi
	popl	%edi
	popl	%ebp
	ret
	.size syscall6, . - syscall6
	.section .note.GNU-stack, "", @progbits
