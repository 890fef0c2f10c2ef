/*
 * faults.c - every kind of fault a program can make ends only the process that made it, with
 * Linux's signal (signal(7)): a NULL write, a write to a kernel address and to the program's own
 * text are SIGSEGV, a privileged instruction (#GP) is SIGSEGV, ud2 (#UD) is SIGILL, a division by
 * zero (#DE) is SIGFPE; kill(2) of oneself with SIGKILL or SIGTERM; exit statuses 0, 42, 255.
 * Each runs in a child; the parent prints how the child ended and carries on.
 */
#include "ulib.h"

static void null_write(void)
{
	*(volatile int *)0 = 1;
}
static void kernel_write(void)
{
	*(volatile int *)0xC0000000u = 1;
}
static void text_write(void)
{
	*(volatile unsigned char *)(unsigned long)&null_write = 0xC3;
}
static void privileged(void)
{
	__asm__ volatile("cli");
}
static void undefined(void)
{
	__asm__ volatile("ud2");
}
static void divide(void)
{
	/* the instruction itself: a C division by zero is undefined and may be folded away */
	unsigned q, r;
	__asm__ volatile("divl %2" : "=a"(q), "=d"(r) : "r"(0u), "a"(1u), "d"(0u));
	(void)q;
	(void)r;
}
static void self_kill(void)
{
	kill(getpid(), SIGKILL);
}
static void self_term(void)
{
	kill(getpid(), SIGTERM);
}
static void exit_0(void)
{
	exit(0);
}
static void exit_42(void)
{
	exit(42);
}
static void exit_255(void)
{
	exit(255);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "NULL write", null_write },
	{ "kernel-address write", kernel_write },
	{ "text write", text_write },
	{ "cli in user mode", privileged },
	{ "ud2", undefined },
	{ "divide by zero", divide },
	{ "kill self SIGKILL", self_kill },
	{ "kill self SIGTERM", self_term },
	{ "exit 0", exit_0 },
	{ "exit 42", exit_42 },
	{ "exit 255", exit_255 },
};

int main(void)
{
	int me = getpid();
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++)
		utest_print_status(cases[i].name, utest_run_child(cases[i].fn));
	utest_check(getpid() == me, "the parent survived every child");
	return utest_failures();
}
