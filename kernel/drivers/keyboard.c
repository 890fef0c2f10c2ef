/*
 * keyboard.c - PS/2 keyboard driver: IRQ 1, scan code set 1 to ASCII, Shift, Ctrl, Caps Lock.
 *
 * Set 1 (IBM PC XT; the 8042 translates to it by default): a key's "make" code on press, the same
 * code with bit 7 set ("break") on release; keys added with the AT-101 layout (cursor keys, right
 * Ctrl, keypad Enter and /) are preceded by 0xE0. The layout below is US QWERTY. The handler reads
 * one byte per interrupt (the 8042 raises IRQ 1 again for the next) and queues the bytes it
 * produces; all state (modifiers, a pending 0xE0) is touched only inside the handler.
 */
#include "kernel/drivers/keyboard.h"
#include "kernel/arch/x86/io.h"
#include "kernel/arch/x86/irq.h"
#include "kernel/drivers/input_ring.h"
#include "x86.h"

#define SC_BREAK      0x80 /* bit 7: key released */
#define SC_EXTENDED   0xE0 /* prefix of AT-101 additions */
#define SC_LCTRL      0x1D /* also right Ctrl after 0xE0 */
#define SC_LSHIFT     0x2A
#define SC_RSHIFT     0x36
#define SC_CAPSLOCK   0x3A
#define SC_ENTER      0x1C /* also keypad Enter after 0xE0 */
#define SC_SLASH      0x35 /* also keypad / after 0xE0 */
#define SC_UP         0x48 /* after 0xE0 (without it: keypad 8) */
#define SC_DOWN       0x50 /* after 0xE0 (without it: keypad 2) */
#define SC_TABLE_SIZE 0x3A /* codes below Caps Lock carry characters */

#define KBC_SPINS 100000 /* bounded waits: a missing controller must not hang the boot */

/* Characters for scan codes 0x00-0x39, unshifted and shifted; 0 = no character. */
/* clang-format off */
static const char sc_plain[SC_TABLE_SIZE] = {
	0, 0, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
	'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0, 'a', 's',
	'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
	'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};
static const char sc_shift[SC_TABLE_SIZE] = {
	0, 0, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
	'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0, 'A', 'S',
	'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
	'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};
/* clang-format on */
/* Keypad 7 8 9 - 4 5 6 + 1 2 3 0 . (codes 0x47-0x53), read as with Num Lock on. */
#define SC_KEYPAD_FIRST 0x47
static const char sc_keypad[] = "789-456+1230.";

static struct input_ring kbd_ring;
static uint32_t kbd_scancodes;
static bool kbd_extended, kbd_shift_l, kbd_shift_r, kbd_ctrl, kbd_caps;

static void kbd_put_string(const char *s)
{
	while (*s)
		input_ring_put(&kbd_ring, (uint8_t)*s++);
}

static bool kbd_is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* One scan code in; zero or more bytes into the queue. */
static void kbd_decode(uint8_t sc)
{
	bool extended = kbd_extended;
	bool released = sc & SC_BREAK;
	uint8_t code = sc & ~SC_BREAK;

	kbd_extended = false;
	if (sc == SC_EXTENDED) {
		kbd_extended = true;
		return;
	}
	switch (code) {
	case SC_LSHIFT:
		if (!extended) /* E0 2A is a fake shift some keyboards send around PrtSc */
			kbd_shift_l = !released;
		return;
	case SC_RSHIFT:
		if (!extended)
			kbd_shift_r = !released;
		return;
	case SC_LCTRL:
		kbd_ctrl = !released;
		return;
	case SC_CAPSLOCK:
		if (!released)
			kbd_caps = !kbd_caps;
		return;
	default:
		break;
	}
	if (released)
		return;
	if (extended) {
		if (code == SC_UP)
			kbd_put_string("\x1b[A");
		else if (code == SC_DOWN)
			kbd_put_string("\x1b[B");
		else if (code == SC_ENTER)
			input_ring_put(&kbd_ring, '\r');
		else if (code == SC_SLASH)
			input_ring_put(&kbd_ring, '/');
		return;
	}
	if (code >= SC_KEYPAD_FIRST && code < SC_KEYPAD_FIRST + sizeof sc_keypad - 1) {
		input_ring_put(&kbd_ring, (uint8_t)sc_keypad[code - SC_KEYPAD_FIRST]);
		return;
	}
	if (code >= SC_TABLE_SIZE)
		return; /* function keys, Num Lock, Scroll Lock, ... */
	bool shift = kbd_shift_l || kbd_shift_r;
	char c = shift ? sc_shift[code] : sc_plain[code];
	if (!c)
		return;
	/* Caps Lock inverts Shift for letters. */
	if (kbd_caps && kbd_is_letter(c))
		c = shift ? sc_plain[code] : sc_shift[code];
	if (kbd_ctrl && kbd_is_letter(c))
		c = (char)(c & 0x1F); /* Ctrl-A = 0x01 ... Ctrl-Z = 0x1A (ASCII control codes) */
	input_ring_put(&kbd_ring, (uint8_t)c);
}

static void keyboard_irq(struct trap_frame *tf)
{
	(void)tf;
	/* IRQ 1 means the output buffer holds a keyboard byte (mouse bytes come on IRQ 12). */
	uint8_t sc = inb(PORT_KBC_DATA);
	kbd_scancodes++;
	kbd_decode(sc);
}

static bool kbc_wait_input_empty(void)
{
	for (unsigned i = 0; i < KBC_SPINS; i++)
		if (!(inb(PORT_KBC_STATUS) & KBC_STATUS_IN_FULL))
			return true;
	return false;
}

static bool kbc_wait_output_full(void)
{
	for (unsigned i = 0; i < KBC_SPINS; i++)
		if (inb(PORT_KBC_STATUS) & KBC_STATUS_OUT_FULL)
			return true;
	return false;
}

bool keyboard_init(void)
{
	/* No controller: the bus floats and status reads 0xFF. */
	if (inb(PORT_KBC_STATUS) == 0xFF)
		return false;
	/* Drop whatever the BIOS left in the output buffer (bounded: a real byte per read). */
	for (unsigned i = 0; i < 16 && (inb(PORT_KBC_STATUS) & KBC_STATUS_OUT_FULL); i++)
		(void)inb(PORT_KBC_DATA);

	if (!kbc_wait_input_empty())
		return false;
	outb(PORT_KBC_CMD, KBC_CMD_READ_CONFIG);
	if (!kbc_wait_output_full())
		return false;
	uint8_t config = inb(PORT_KBC_DATA);
	config |= KBC_CONFIG_IRQ1 | KBC_CONFIG_XLATE;
	config &= (uint8_t)~KBC_CONFIG_KBD_OFF;
	if (!kbc_wait_input_empty())
		return false;
	outb(PORT_KBC_CMD, KBC_CMD_WRITE_CONFIG);
	if (!kbc_wait_input_empty())
		return false;
	outb(PORT_KBC_DATA, config);

	irq_register(IRQ_KEYBOARD, keyboard_irq);
	irq_unmask(IRQ_KEYBOARD);
	return true;
}

int keyboard_getc(void)
{
	return input_ring_get(&kbd_ring);
}

bool keyboard_ready(void)
{
	return !input_ring_empty(&kbd_ring);
}

uint32_t keyboard_scancodes(void)
{
	return kbd_scancodes;
}

uint32_t keyboard_dropped(void)
{
	return kbd_ring.dropped;
}

void keyboard_pulse_reset(void)
{
	if (kbc_wait_input_empty())
		outb(PORT_KBC_CMD, KBC_CMD_PULSE_RESET);
}
