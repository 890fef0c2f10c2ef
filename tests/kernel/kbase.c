/*
 * kbase.c - in-kernel suite `kbase`: the kernel base's own pieces on the real (emulated) machine.
 *
 *   - VGA console: after more lines than the screen holds, the text has scrolled (the last line
 *     sits on the row above the cursor, the first lines are gone) and the hardware cursor (CRTC
 *     registers 0x0E/0x0F) is where the next character goes;
 *   - COM1 answered the presence probe (QEMU and Bochs have a UART at 0x3F8);
 *   - the command-line parser on synthetic lines (the real line is restored afterwards);
 *   - the memory-map walk on hand-made maps: entries larger than 20 bytes are skipped by their
 *     size field, and short or overlong entries and trailing bytes stop the walk with a reason.
 */
#include "kernel/arch/x86/io.h"
#include "kernel/console/serial.h"
#include "kernel/console/vga.h"
#include "kernel/core/bootinfo.h"
#include "kernel/core/cmdline.h"
#include "kernel/debug/ktest.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "mm/mm_env.h"
#include "vmlayout.h"
#include "x86.h"

static uint16_t kbase_cursor(void)
{
	uint16_t pos;

	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_HIGH);
	pos = (uint16_t)(inb(VGA_CRTC_DATA) << 8);
	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_LOW);
	return pos | inb(VGA_CRTC_DATA);
}

/* Text of one VGA row (character bytes only), NUL-terminated, trailing blanks cut. */
static void kbase_vga_row(unsigned row, char *out)
{
	const volatile uint16_t *cells =
		(const volatile uint16_t *)(KERNEL_VIRT_BASE + VGA_TEXT_ADDR);
	int n = VGA_TEXT_COLS;

	for (int i = 0; i < VGA_TEXT_COLS; i++)
		out[i] = (char)(cells[row * VGA_TEXT_COLS + i] & 0xFF);
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

static void kbase_check_vga(void)
{
	char line[16], row_last[VGA_TEXT_COLS + 1], row_first[VGA_TEXT_COLS + 1];
	uint16_t cursor;

	vga_init();
	for (int i = 0; i < VGA_TEXT_ROWS + 5; i++) {
		int n = ksnprintf(line, sizeof(line), "vga line %02d\n", i);
		vga_write(line, (size_t)n);
	}
	vga_write("abc", 3);
	cursor = kbase_cursor();
	kbase_vga_row(VGA_TEXT_ROWS - 2, row_last);
	kbase_vga_row(0, row_first);
	ktap_ok(strcmp(row_last, "vga line 29") == 0,
		"VGA: last line on row 23 after scrolling (\"%s\")", row_last);
	ktap_ok(strcmp(row_first, "vga line 06") == 0,
		"VGA: the first 6 lines scrolled off (row 0 \"%s\")", row_first);
	ktap_ok(cursor == (VGA_TEXT_ROWS - 1) * VGA_TEXT_COLS + 3,
		"VGA: hardware cursor after \"abc\" on the last row (position %u)",
		(unsigned)cursor);
	vga_write("\n", 1);
}

static void kbase_check_serial(void)
{
	ktap_ok(serial_present(), "COM1 answered the presence probe (scratch register)");
}

static void kbase_check_cmdline(void)
{
	static char saved[CMDLINE_MAX];
	const char *v;

	for (size_t i = 0; i < sizeof(saved); i++) {
		saved[i] = cmdline_text()[i];
		if (!saved[i])
			break;
	}
	ktap_ok(cmdline_loader_names_file(NULL) && cmdline_loader_names_file("ourboot 0.1") &&
			cmdline_loader_names_file("qemu") &&
			cmdline_loader_names_file("GNU GRUB 0.97") &&
			!cmdline_loader_names_file("GRUB 2.06-13+deb12u1"),
		"the file name comes first unless the loader is GRUB 2 "
		"(none, ours, qemu, GRUB 0.97: yes)");
	cmdline_init("/boot/kernel.elf alpha test=x", "ourboot 0.1");
	ktap_ok(!cmdline_has("/boot/kernel.elf") && cmdline_has("alpha") &&
			strcmp(cmdline_arguments(), "alpha test=x") == 0,
		"file name first: skipped by the lookups, arguments \"%s\"", cmdline_arguments());
	cmdline_init("kernel.elf", NULL);
	ktap_ok(!cmdline_has("kernel.elf") && cmdline_arguments()[0] == '\0',
		"only a file name, no loader name: no arguments");
	cmdline_init("alpha test=x", "GRUB 2.06");
	ktap_ok(cmdline_has("alpha") && strcmp(cmdline_arguments(), "alpha test=x") == 0,
		"GRUB 2: the first word is an argument");
	cmdline_init("  alpha\tkey=value empty= =odd key=second flag", "GRUB 2.06");
	ktap_ok(cmdline_has("alpha") && cmdline_has("flag") && !cmdline_has("alp") &&
			!cmdline_has("key"),
		"cmdline_has: whole words only, blanks and tabs separate them");
	v = cmdline_get("key");
	ktap_ok(v && strcmp(v, "value") == 0, "cmdline_get(\"key\") = \"%s\" (the first one)",
		v ? v : "(null)");
	v = cmdline_get("empty");
	ktap_ok(v && *v == '\0', "cmdline_get(\"empty\") is \"\" for `empty=`");
	ktap_ok(cmdline_get("alpha") == NULL && cmdline_get("odd") == NULL,
		"a word without '=' has no value, and `=odd` is no key named odd");
	cmdline_init(NULL, NULL);
	ktap_ok(cmdline_text()[0] == '\0' && !cmdline_has("alpha"),
		"no command line: nothing is found");
	cmdline_init(saved,
		     (bootinfo_info()->flags & MB_INFO_LOADER_NAME) ?
			     (const char *)mm_phys_to_virt(bootinfo_info()->boot_loader_name) :
			     NULL);
	ktap_ok(strcmp(cmdline_text(), saved) == 0 && cmdline_get("test") != NULL,
		"the real command line is restored");
}

static bool kbase_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return true;
	return false;
}

struct kbase_walk {
	int count;
	uint32_t types[4];
};

static void kbase_collect(const struct multiboot_mmap_entry *e, void *ctx)
{
	struct kbase_walk *w = ctx;

	if (w->count < 4)
		w->types[w->count] = e->type;
	w->count++;
}

/* Append one map entry with the given size field (>= 20; extra bytes are zero) to buf at *off. */
static void kbase_put_entry(uint8_t *buf, uint32_t *off, uint32_t size, uint64_t base, uint64_t len,
			    uint32_t type)
{
	memset(buf + *off, 0, size + 4);
	memcpy(buf + *off + MB_MMAP_SIZE, &size, 4);
	memcpy(buf + *off + MB_MMAP_BASE, &base, 8);
	memcpy(buf + *off + MB_MMAP_LENGTH, &len, 8);
	memcpy(buf + *off + MB_MMAP_TYPE, &type, 4);
	*off += size + 4;
}

static void kbase_check_mmap_walk(void)
{
	static uint8_t buf[256];
	struct kbase_walk w = { 0 };
	const char *err;
	uint32_t off = 0, bad;
	int n;

	kbase_put_entry(buf, &off, 20, 0, 0x9fc00, MB_MEMORY_AVAILABLE);
	kbase_put_entry(buf, &off, 24, 0x100000, 0x1000000, MB_MEMORY_RESERVED); /* ACPI 3.0 size */
	kbase_put_entry(buf, &off, 40, 0x2000000, 0x1000, MB_MEMORY_NVS);
	n = bootinfo_mmap_walk_buffer(buf, off, kbase_collect, &w, &err);
	ktap_ok(n == 3 && err == NULL && w.types[0] == 1 && w.types[1] == 2 && w.types[2] == 4,
		"map walk goes by size+4: entries of 20, 24 and 40 bytes read as 3 (%d, %s)", n,
		err ? err : "no error");
	n = bootinfo_mmap_walk_buffer(buf, off + 2, NULL, NULL, &err);
	ktap_ok(n == 3 && err && kbase_contains(err, "trailing"), "2 trailing bytes: %s",
		err ? err : "no error");
	n = bootinfo_mmap_walk_buffer(buf, off - 4, NULL, NULL, &err);
	ktap_ok(n == 2 && err && kbase_contains(err, "past mmap_length"),
		"last entry cut short: %s", err ? err : "no error");
	bad = 12;
	memcpy(buf + 24, &bad, 4); /* second entry's size field */
	n = bootinfo_mmap_walk_buffer(buf, off, NULL, NULL, &err);
	ktap_ok(n == 1 && err && kbase_contains(err, "below 20"), "entry size 12: %s",
		err ? err : "no error");
	bad = 0xFFFFFFF0u;
	memcpy(buf + 24, &bad, 4);
	n = bootinfo_mmap_walk_buffer(buf, off, NULL, NULL, &err);
	ktap_ok(n == 1 && err != NULL, "entry size 0xfffffff0 does not wrap the walk: %s",
		err ? err : "no error");
	n = bootinfo_mmap_walk_buffer(buf, 0, NULL, NULL, &err);
	ktap_ok(n == 0 && err == NULL, "an empty buffer has no entries and no error");
}

static void kbase_suite(void)
{
	kbase_check_vga();
	kbase_check_serial();
	kbase_check_cmdline();
	kbase_check_mmap_walk();
}
KTEST_SUITE("kbase", kbase_suite);
