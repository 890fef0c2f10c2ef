/*
 * exec.c - programs from Multiboot modules (see exec.h).
 *
 * The initial stack is what Linux's fs/binfmt_elf.c create_elf_tables builds for a static
 * program (System V i386 ABI, "Process Initialization"): from the top, 16 random bytes
 * (AT_RANDOM), the argument strings, then at a 16-byte aligned address argc, argv[], NULL, envp[]
 * (empty), NULL, and the auxiliary vector of (type, value) pairs ending with AT_NULL.
 */
#include "kernel/proc/exec.h"
#include "kernel/core/bootinfo.h"
#include "kernel/core/cmdline.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/proc/elf_load.h"
#include "mm/pmm.h"
#include "mm/uaccess.h"
#include "multiboot.h"

#define ENOENT             2
#define E2BIG              7
#define ENOEXEC            8
#define EXEC_ARGS_MAX      32             /* argv entries */
#define EXEC_STACK_INITIAL (32 * PG_SIZE) /* the stack region to begin with; it grows on faults */
#define EXEC_TABLE_BYTES   512            /* argc .. AT_NULL: argv, envp and auxv pointers */

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

/* Lay out the initial stack below UVM_STACK_TOP from the module string's words. */
static int exec_build_stack(struct proc *p, const char *mstring, const struct elf_image_info *ei,
			    uint32_t *sp_out)
{
	uint32_t argv[EXEC_ARGS_MAX], table[EXEC_TABLE_BYTES / 4];
	uint32_t top = UVM_STACK_TOP, argc = 0;
	uint32_t rnd[4];

	/* AT_RANDOM: the kernel has no entropy source yet (the CPU floor, a 486, has neither
	 * RDTSC nor RDRAND), so these bytes are only distinct per process, not unpredictable;
	 * a static program without stack protector or pointer guard does not use them. */
	uint32_t x = 0x9E3779B9u ^ (uint32_t)p->pid;
	for (unsigned i = 0; i < 4; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32 (Marsaglia 2003) */
		rnd[i] = x;
	}
	top -= sizeof rnd;
	uint32_t at_random = top;
	if (uaccess_copy_to(&p->as, at_random, rnd, sizeof rnd))
		return UVM_ENOMEM;

	/* argv[0] is the program's name, the rest the module string's words after its first. */
	const char *w = mstring;
	while (*w && !is_blank(*w))
		w++;
	const char *words[EXEC_ARGS_MAX];
	size_t lens[EXEC_ARGS_MAX];
	words[0] = p->name;
	lens[0] = strlen(p->name);
	argc = 1;
	for (;;) {
		while (is_blank(*w))
			w++;
		if (!*w)
			break;
		if (argc == EXEC_ARGS_MAX)
			return -E2BIG;
		words[argc] = w;
		while (*w && !is_blank(*w))
			w++;
		lens[argc] = (size_t)(w - words[argc]);
		argc++;
	}
	for (uint32_t i = argc; i-- > 0;) {
		static const char nul;
		top -= (uint32_t)lens[i] + 1;
		if (uaccess_copy_to(&p->as, top, words[i], (uint32_t)lens[i]) ||
		    uaccess_copy_to(&p->as, top + (uint32_t)lens[i], &nul, 1))
			return UVM_ENOMEM;
		argv[i] = top;
	}

	unsigned n = 0;
	table[n++] = argc;
	for (uint32_t i = 0; i < argc; i++)
		table[n++] = argv[i];
	table[n++] = 0; /* argv's NULL */
	table[n++] = 0; /* envp: empty */
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
	if (uaccess_copy_to(&p->as, sp, table, n * 4))
		return UVM_ENOMEM;
	*sp_out = sp;
	return 0;
}

int exec_module(struct proc *p, const char *name)
{
	const struct multiboot_module *m = exec_find_module(name);
	struct elf_image_info ei;
	const char *why = NULL;

	if (!m)
		return -ENOENT;
	if (m->mod_end < m->mod_start || m->mod_end > mm_direct_limit()) {
		kprintf("user: module %s: [0x%08x-0x%08x) is not in the direct map\n", name,
			(unsigned)m->mod_start, (unsigned)m->mod_end);
		return -ENOEXEC;
	}
	int err = elf_load(&p->as, mm_phys_to_virt(m->mod_start), m->mod_end - m->mod_start, &ei,
			   &why);
	if (err) {
		kprintf("user: module %s: %s\n", name, why);
		return err;
	}
	uvm_brk_setup(&p->as, PG_ROUND_UP(ei.end));
	uint32_t sp;
	err = uvm_stack_setup(&p->as, EXEC_STACK_INITIAL);
	if (!err)
		err = exec_build_stack(p, mm_phys_to_virt(m->string), &ei, &sp);
	if (err)
		return err;
	p->tf->eip = ei.entry;
	p->tf->user_esp = sp;
	return 0;
}

int exec_init_from_cmdline(void)
{
	const char *name = cmdline_get("init");
	int err;

	if (!name)
		return -1;
	size_t before = pmm_free_count();
	struct proc *p = proc_create(name, NULL, &err);
	if (!p) {
		kprintf("user: init=%s: no process: error %d\n", name, err);
		return -1;
	}
	err = exec_module(p, name);
	if (err) {
		kprintf("user: init=%s: cannot start it: error %d%s\n", name, err,
			err == -ENOENT ? " (no module of that name)" : "");
		proc_destroy(p);
		return -1;
	}
	kprintf("user: starting pid %d (%s)\n", p->pid, p->name);
	proc_make_runnable(p);
	proc_run_all();
	kprintf("user: frames free before %u, after %u\n", (unsigned)before,
		(unsigned)pmm_free_count());
	return proc_init_status();
}
