/*
 * exec.c - programs from Multiboot modules (see exec.h).
 *
 * The initial stack is what Linux's fs/binfmt_elf.c create_elf_tables builds for a static
 * program (System V i386 ABI, "Process Initialization"): from the top, 16 random bytes
 * (AT_RANDOM), the argument strings, then at a 16-byte aligned address argc, argv[], NULL, envp[]
 * (empty for pid 1), NULL, and the auxiliary vector of (type, value) pairs ending with AT_NULL.
 */
#include "kernel/proc/exec.h"
#include "kernel/core/bootinfo.h"
#include "kernel/core/cmdline.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/proc/elf_load.h"
#include "kernel/proc/exec_args.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "mm/uaccess.h"
#include "multiboot.h"

#define ENOENT             2
#define ENOEXEC            8
#define EXEC_STACK_INITIAL (32 * PG_SIZE) /* the stack region to begin with; it grows on faults */
#define EXEC_TABLE_WORDS   (EXEC_ARGS_MAX + 3 + 2 * 7) /* argc .. AT_NULL */

/* Auxiliary vector types (Linux include/uapi/linux/auxvec.h). */
#define AT_NULL   0
#define AT_PHDR   3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_ENTRY  9
#define AT_RANDOM 25

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The module whose name is name: its image and its string (the words after the file name are
 * the arguments). */
static const struct multiboot_module *exec_find_module(const char *name)
{
	const struct multiboot_info *mbi = bootinfo_info();

	if (!(mbi->flags & MB_INFO_MODS) || mbi->mods_count == 0)
		return NULL;
	const struct multiboot_module *mods = mm_phys_to_virt(mbi->mods_addr);
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		if (!mods[i].string)
			continue;
		const char *s = mm_phys_to_virt(mods[i].string), *base = s, *e = s;
		while (*e && !is_blank(*e)) {
			if (*e == '/')
				base = e + 1;
			e++;
		}
		size_t n = (size_t)(e - base);
		if (n == strlen(name) && memcmp(base, name, n) == 0)
			return &mods[i];
	}
	return NULL;
}

/* Lay out the initial stack of as below UVM_STACK_TOP: argv then envp from a. */
static int exec_build_stack(struct uvm_space *as, const struct exec_args *a,
			    const struct elf_image_info *ei, uint32_t *sp_out)
{
	uint32_t ptrs[EXEC_ARGS_MAX], table[EXEC_TABLE_WORDS];
	uint32_t top = UVM_STACK_TOP, rnd[4];
	unsigned total = a->argc + a->envc;

	/* AT_RANDOM: the kernel has no entropy source yet (the CPU floor, a 486, has neither
	 * RDTSC nor RDRAND), so these bytes are only distinct per start, not unpredictable; a
	 * static program without stack protector or pointer guard does not use them. */
	static uint32_t x = 0x9E3779B9u;
	for (unsigned i = 0; i < 4; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32 (Marsaglia 2003) */
		rnd[i] = x;
	}
	top -= sizeof rnd;
	uint32_t at_random = top;
	if (uaccess_copy_to(as, at_random, rnd, sizeof rnd))
		return UVM_ENOMEM;
	for (unsigned i = total; i-- > 0;) {
		top -= a->len[i] + 1;
		static const char nul;
		if (uaccess_copy_to(as, top, a->str[i], a->len[i]) ||
		    uaccess_copy_to(as, top + a->len[i], &nul, 1))
			return UVM_ENOMEM;
		ptrs[i] = top;
	}

	unsigned n = 0;
	table[n++] = a->argc;
	for (unsigned i = 0; i < a->argc; i++)
		table[n++] = ptrs[i];
	table[n++] = 0; /* argv's NULL */
	for (unsigned i = a->argc; i < total; i++)
		table[n++] = ptrs[i];
	table[n++] = 0; /* envp's NULL */
	const uint32_t aux[][2] = {
		{ AT_PHDR, ei->phdr },  { AT_PHENT, ei->phent }, { AT_PHNUM, ei->phnum },
		{ AT_PAGESZ, PG_SIZE }, { AT_ENTRY, ei->entry }, { AT_RANDOM, at_random },
		{ AT_NULL, 0 },
	};
	for (unsigned i = 0; i < sizeof aux / sizeof aux[0]; i++) {
		table[n++] = aux[i][0];
		table[n++] = aux[i][1];
	}
	uint32_t sp = (top - n * 4) & ~15u;
	if (uaccess_copy_to(as, sp, table, n * 4))
		return UVM_ENOMEM;
	*sp_out = sp;
	return 0;
}

/* The new program's space, built aside so that a failure leaves the caller's intact (Linux
 * too returns an error from execve only before the point of no return). One is enough: execve
 * never blocks, and the kernel is not preempted (every gate is an interrupt gate), so no second
 * execve can start while one is building. The same holds for exec_syscall's copy of the
 * arguments. */
static struct uvm_space exec_space;

int exec_module(struct proc *p, const char *name, const struct exec_args *a)
{
	const struct multiboot_module *m = exec_find_module(name);
	struct elf_image_info ei;
	const char *why = NULL;
	uint32_t sp = 0;

	if (!m)
		return -ENOENT;
	if (m->mod_end < m->mod_start || m->mod_end > mm_direct_limit()) {
		kprintf("user: module %s: [0x%08x-0x%08x) is not in the direct map\n", name,
			(unsigned)m->mod_start, (unsigned)m->mod_end);
		return -ENOEXEC;
	}
	if (uvm_space_init(&exec_space))
		return UVM_ENOMEM;
	int err = elf_load(&exec_space, mm_phys_to_virt(m->mod_start), m->mod_end - m->mod_start,
			   &ei, &why);
	if (err)
		kprintf("user: module %s: %s\n", name, why);
	if (!err) {
		uvm_brk_setup(&exec_space, PG_ROUND_UP(ei.end));
		err = uvm_stack_setup(&exec_space, EXEC_STACK_INITIAL);
	}
	if (!err)
		err = exec_build_stack(&exec_space, a, &ei, &sp);
	if (err) {
		uvm_space_release(&exec_space);
		return err;
	}
	/* The point of no return: the old program's memory goes. */
	if (p == proc_current())
		vmspace_switch(exec_space.pd);
	uvm_space_release(&p->as);
	p->as = exec_space;
	proc_set_name(p, name);
	proc_frame_reset(p, ei.entry, sp);
	return 0;
}

/* The module string's words after its first (the file name), after argv[0] = name. */
static int exec_args_from_module(const char *name, struct exec_args *a)
{
	const struct multiboot_module *m = exec_find_module(name);
	const char *w = m ? mm_phys_to_virt(m->string) : "";

	a->argc = 1, a->envc = 0;
	a->str[0] = name;
	a->len[0] = (uint32_t)strlen(name);
	while (*w && !is_blank(*w))
		w++;
	for (;;) {
		while (is_blank(*w))
			w++;
		if (!*w)
			return 0;
		if (a->argc == EXEC_ARGS_MAX)
			return -E2BIG;
		a->str[a->argc] = w;
		while (*w && !is_blank(*w))
			w++;
		a->len[a->argc] = (uint32_t)(w - a->str[a->argc]);
		a->argc++;
	}
}

int exec_syscall(uint32_t upath, uint32_t uargv, uint32_t uenvp)
{
	static struct exec_user_args u;
	struct proc *p = proc_current();

	int err = exec_args_copy_in(&p->as, upath, uargv, uenvp, &u);
	return err ? err : exec_module(p, u.path, &u.a);
}

int exec_start(const char *name, const struct exec_args *args)
{
	static struct exec_args from_module;
	int err;

	if (!exec_find_module(name))
		return -ENOENT; /* before a pid is spent on it */
	if (!args) {
		err = exec_args_from_module(name, &from_module);
		if (err)
			return err;
		args = &from_module;
	}
	struct proc *p = proc_create(name, NULL, &err);
	if (!p)
		return err;
	err = exec_module(p, name, args);
	if (err) {
		proc_destroy(p);
		return err;
	}
	kprintf("user: starting pid %d (%s)\n", p->pid, p->name);
	proc_make_runnable(p);
	return p->pid;
}

const char *exec_strerror(int err)
{
	switch (err) {
	case -ENOENT:
		return "no module of that name";
	case -E2BIG:
		return "too many arguments";
	case -ENOEXEC:
		return "not a static i386 executable";
	case UVM_EAGAIN:
		return "the process table is full";
	case UVM_ENOMEM:
		return "out of memory";
	}
	return "error";
}

int exec_init_from_cmdline(void)
{
	const char *name = cmdline_get("init");

	if (!name)
		return -1;
	size_t before = pmm_free_count();
	int pid = exec_start(name, NULL);
	if (pid < 0) {
		kprintf("user: init=%s: cannot start it: error %d (%s)\n", name, pid,
			exec_strerror(pid));
		return -1;
	}
	proc_run_all();
	if (proc_init_status() < 0)
		kprintf("user: pid %d (%s) has not ended (stopped, or waiting for a stopped "
			"process)\n",
			pid, name);
	kprintf("user: frames free before %u, after %u\n", (unsigned)before,
		(unsigned)pmm_free_count());
	return proc_init_status();
}
