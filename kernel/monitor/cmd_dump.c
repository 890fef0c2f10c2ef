/*
 * cmd_dump.c - monitor hexdumps: x (virtual addresses) and xp (physical addresses).
 *
 * x reads through the current page tables, so every page of the range is translated first
 * (paging_translate): an unmapped page is reported and nothing is read, instead of faulting.
 * xp reads physical memory: a page inside the direct map (at KERNEL_VIRT_BASE + pa) is read
 * there; any other physical page (above the RAM the direct map covers, or one whose direct-map
 * page is unmapped, like page 0) is mapped read-only for a moment at the monitor's scratch page
 * in the kernel window and unmapped again. Either way the frame's PMM state is shown, and reads of what
 * is not RAM (device memory, ROM) are allowed: reading them is how one looks at VGA text memory.
 *
 * Both copy the whole range into a buffer before printing a byte: printing scrolls the VGA
 * screen, so a dump of VGA memory printed while reading it would show itself half-way.
 */
#include "kernel/monitor/cmd.h"
#include "kernel/monitor/cmd_groups.h"
#include "kernel/monitor/mon_mem.h"
#include "kernel/monitor/out.h"
#include "kernel/monitor/parse.h"
#include "mm/paging.h"
#include "mm/pmm.h"

#define DUMP_DEFAULT 64
#define DUMP_MAX     4096
#define DUMP_ROW     16

static uint8_t dump_buf[DUMP_MAX];

/* Print one row: the address shown (virtual or physical), hex bytes, ASCII. */
static void dump_row(uint32_t shown, const uint8_t *p, uint32_t n)
{
	char text[DUMP_ROW + 1];
	mon_printf("%08x: ", (unsigned)shown);
	for (uint32_t i = 0; i < DUMP_ROW; i++) {
		if (i < n) {
			uint8_t b = p[i];
			mon_printf("%02x ", (unsigned)b);
			text[i] = (b >= 0x20 && b < 0x7F) ? (char)b : '.';
		} else {
			mon_printf("   ");
			text[i] = ' ';
		}
	}
	text[n < DUMP_ROW ? n : DUMP_ROW] = '\0';
	mon_printf("|%s|\n", text);
}

static void dump_print(uint32_t shown, uint32_t len)
{
	for (uint32_t off = 0; off < len; off += DUMP_ROW)
		dump_row(shown + off, dump_buf + off, len - off < DUMP_ROW ? len - off : DUMP_ROW);
}

static bool dump_args(const char *cmd, int argc, char **argv, uint32_t *addr, uint32_t *len)
{
	*len = DUMP_DEFAULT;
	if (!parse_arg_u32("addr", argv[1], 0, 0xFFFFFFFF, addr))
		return false;
	if (argc > 2 && !parse_arg_u32("len", argv[2], 1, DUMP_MAX, len))
		return false;
	if ((uint64_t)*addr + *len > 0x100000000ull) {
		mon_printf("error: %s: 0x%08x + %u runs past 4 GiB\n", cmd, (unsigned)*addr,
			   (unsigned)*len);
		return false;
	}
	return true;
}

static int cmd_x(int argc, char **argv)
{
	uint32_t va, len, pa = 0;

	if (!dump_args("x", argc, argv, &va, &len))
		return -1;
	if (mon_paging_enabled()) {
		/* Every page of [va, va + len) must be mapped before the first byte is read. */
		for (uint32_t page = PG_ROUND_DOWN(va); page <= va + (len - 1);) {
			if (paging_translate(page, NULL, NULL) != 0) {
				mon_printf("error: x: virtual 0x%08x (%s) is not mapped; "
					   "nothing read (xp reads physical addresses)\n",
					   (unsigned)(page < va ? va : page), mon_va_region(page));
				return -1;
			}
			if (page + PG_SIZE < page)
				break; /* the last page of the address space */
			page += PG_SIZE;
		}
		paging_translate(va, &pa, NULL);
		mon_printf("virtual 0x%08x (%s, physical 0x%08x), %u bytes:\n", (unsigned)va,
			   mon_va_region(va), (unsigned)pa, (unsigned)len);
	} else {
		mon_printf("virtual 0x%08x (paging off: virtual = physical), %u bytes:\n",
			   (unsigned)va, (unsigned)len);
	}
	for (uint32_t i = 0; i < len; i++)
		dump_buf[i] = *(const volatile uint8_t *)(uintptr_t)(va + i);
	dump_print(va, len);
	return 0;
}

/* A virtual address at which the physical page pa_page can be read now, or 0 (error printed). */
static uint32_t xp_window(uint32_t pa_page, bool *temp)
{
	uint32_t got = 0;
	*temp = false;
	if (!mon_paging_enabled())
		return pa_page ? pa_page : 0;
	if (pa_page < DIRECT_MAP_PHYS_END &&
	    paging_translate(DIRECT_MAP_START + pa_page, &got, NULL) == 0 && got == pa_page)
		return DIRECT_MAP_START + pa_page;
	int err = paging_map(MON_SCRATCH_VA, pa_page, 0);
	if (err) {
		mon_printf("error: xp: cannot map physical 0x%08x at the scratch page: %s\n",
			   (unsigned)pa_page, paging_strerror(err));
		return 0;
	}
	*temp = true;
	return MON_SCRATCH_VA;
}

static int cmd_xp(int argc, char **argv)
{
	uint32_t pa, len;

	if (!dump_args("xp", argc, argv, &pa, &len))
		return -1;
	if (!mon_paging_enabled() && pa < PG_SIZE) {
		mon_printf("error: xp: paging is off; page 0 is not readable here\n");
		return -1;
	}
	const char *state = pmm_usable_count() ?
				    pmm_frame_state_name(pmm_frame_state(PG_ROUND_DOWN(pa))) :
				    "unknown";
	mon_printf("physical 0x%08x (frame %s), %u bytes:\n", (unsigned)pa, state, (unsigned)len);
	uint32_t off = 0;
	while (off < len) {
		uint32_t cur = pa + off;
		uint32_t page = PG_ROUND_DOWN(cur);
		bool temp;
		uint32_t base = xp_window(page, &temp);
		if (!base)
			return -1;
		uint32_t page_left = PG_SIZE - (cur - page);
		uint32_t n = len - off < page_left ? len - off : page_left;
		for (uint32_t i = 0; i < n; i++)
			dump_buf[off + i] =
				*(const volatile uint8_t *)(uintptr_t)(base + (cur - page) + i);
		off += n;
		if (temp)
			paging_unmap(MON_SCRATCH_VA);
	}
	dump_print(pa, len);
	return 0;
}

static const struct mon_cmd mon_cmds_dump[] = {
	{ "x", "<va> [len]", "hexdump VIRTUAL memory (len 1-4096; 64)", 1, 2, cmd_x },
	{ "xp", "<pa> [len]", "hexdump PHYSICAL memory (len 1-4096; 64)", 1, 2, cmd_xp },
};
const struct mon_cmd_group mon_group_dump = { "memory dumps", mon_cmds_dump,
					      MON_ARRAY_SIZE(mon_cmds_dump) };
