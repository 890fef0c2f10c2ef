/*
 * vga.c - the VGA text console: 80x25 cells at VGA_TEXT_ADDR, scrolling, hardware cursor.
 *
 * Each cell is a character byte and an attribute byte (light grey on black here). The cursor is
 * moved through the CRT controller's index/data ports, registers 0x0E/0x0F (cursor location high
 * and low); source: IBM VGA Technical Reference, CRT Controller Registers. The console assumes
 * the firmware left mode 3 (80x25 colour text), which BIOS, QEMU and GRUB (text mode) do.
 *
 * A copy of the screen in ordinary memory (vga_shadow) is what the console reads, and a cell of
 * video memory is written only when its content changes. Video memory sits behind the graphics
 * controller, not in plain RAM: an emulator handles every access to it as device I/O (QEMU's
 * hw/display/vga.c vga_mem_readb/vga_mem_writeb); Linux's vgacon avoids copying it on a scroll
 * too, by moving the CRTC start address (drivers/video/console/vgacon.c). Scrolling here moves the
 * copy and rewrites only the cells that differ from the row below, so a screen of similar lines
 * scrolls with a few writes instead of reading and writing all 2,000 cells. The start address
 * stays 0, so text memory always holds the screen from its first cell.
 */
#include "kernel/console/vga.h"
#include "kernel/arch/x86/io.h"
#include "vmlayout.h"
#include "x86.h"

#define VGA_ATTR      0x07 /* light grey on black */
#define VGA_TAB_WIDTH 8

/* Through the direct map: the kernel runs in the higher half (include/vmlayout.h). */
static volatile uint16_t *const vga_cells = (volatile uint16_t *)(KERNEL_VIRT_BASE + VGA_TEXT_ADDR);
/* The characters video memory holds: every cell the console writes has the attribute VGA_ATTR. */
static char vga_shadow[VGA_TEXT_ROWS * VGA_TEXT_COLS];
static unsigned vga_row, vga_col;

static uint16_t vga_cell(char c)
{
	return (uint16_t)((VGA_ATTR << 8) | (uint8_t)c);
}

/* Cell i shows c: video memory is written only when it changes. */
static void vga_set(unsigned i, char c)
{
	if (vga_shadow[i] != c) {
		vga_shadow[i] = c;
		vga_cells[i] = vga_cell(c);
	}
}

static void vga_move_cursor(void)
{
	uint16_t pos = (uint16_t)(vga_row * VGA_TEXT_COLS + vga_col);

	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_HIGH);
	outb(VGA_CRTC_DATA, (uint8_t)(pos >> 8));
	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_LOW);
	outb(VGA_CRTC_DATA, (uint8_t)pos);
}

static void vga_scroll(void)
{
	unsigned i;

	for (i = 0; i < (VGA_TEXT_ROWS - 1) * VGA_TEXT_COLS; i++)
		vga_set(i, vga_shadow[i + VGA_TEXT_COLS]);
	for (; i < VGA_TEXT_ROWS * VGA_TEXT_COLS; i++)
		vga_set(i, ' ');
	vga_row = VGA_TEXT_ROWS - 1;
}

static void vga_newline(void)
{
	vga_col = 0;
	if (++vga_row == VGA_TEXT_ROWS)
		vga_scroll();
}

void vga_init(void)
{
	unsigned i;

	/* Every cell written: the copy starts out equal to video memory, whatever was there. */
	for (i = 0; i < VGA_TEXT_ROWS * VGA_TEXT_COLS; i++) {
		vga_shadow[i] = ' ';
		vga_cells[i] = vga_cell(' ');
	}
	vga_row = vga_col = 0;
	vga_move_cursor();
}

static void vga_put(char c)
{
	switch (c) {
	case '\n':
		vga_newline();
		break;
	case '\r':
		vga_col = 0;
		break;
	case '\b':
		if (vga_col > 0)
			vga_col--;
		break;
	case '\t':
		do
			vga_put(' ');
		while (vga_col % VGA_TAB_WIDTH != 0);
		break;
	default:
		vga_set(vga_row * VGA_TEXT_COLS + vga_col, c);
		if (++vga_col == VGA_TEXT_COLS)
			vga_newline();
		break;
	}
}

void vga_write(const char *s, size_t len)
{
	while (len--)
		vga_put(*s++);
	vga_move_cursor();
}
