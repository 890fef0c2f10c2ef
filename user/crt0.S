/*
 * crt0.S - the entry point of every user program: from the initial stack the kernel builds to
 * main(argc, argv, envp), then exit(main's result).
 *
 * The initial stack is the System V i386 ABI's (chapter 3, "Process Initialization", figure
 * 3-31), which Linux's fs/binfmt_elf.c create_elf_tables lays out:
 *     esp -> argc, argv[0..argc-1], NULL, envp[0..], NULL, auxv pairs, AT_NULL
 * Registers other than esp are unspecified at entry (edx may hold a function for atexit, which a
 * static program without a dynamic linker ignores).
 *
 * _start  IN: esp = &argc (as above)   OUT: never returns (exit)   CLOBBERED: everything
 */
	.text
	.globl _start
	.type _start, @function
_start:
	xorl	%ebp, %ebp              /* the outermost frame: ends backtraces */
	movl	(%esp), %eax            /* argc */
	leal	4(%esp), %ecx           /* argv */
	leal	8(%esp,%eax,4), %edx    /* envp = argv + argc + 1 */
	movl	%edx, environ
	andl	$-16, %esp              /* the ABI's 16-byte alignment at each call */
	subl	$4, %esp                /* three arguments: keep the call site aligned */
	pushl	%edx
	pushl	%ecx
	pushl	%eax
	call	main
	movl	%eax, (%esp)
	call	exit
	hlt                             /* not reached: exit does not return */
	.size _start, . - _start

	.bss
	.globl environ
	.align 4
environ:
	.long 0
	.section .note.GNU-stack, "", @progbits
