/*
 * input.c - read(2) of standard input. The argument checks come first and take no byte: a
 * descriptor that is not open for reading is EBADF, a buffer the program may not write (NULL, its
 * own read-only text) is EFAULT, a read of no bytes returns 0 (Linux read(2)). Then two lines:
 * the first a byte at a time up to its LF, which the program prints back; the second, once the
 * first is printed, in reads of up to 8 bytes, each returning as many bytes as asked or fewer,
 * never more, until the line's known length is in. The input is user/tests/input.in: under Linux
 * the program's standard input (a file); under our kernel typed on COM1 (CR, which the console
 * turns into LF) and then on the PS/2 keyboard, by 76-monitor-proc.t.
 */
#include "ulib.h"

#define EBADF     9
#define LINE_MAX  64
#define SECOND    "second line, keyboard\n"
#define CHUNK_MAX 8

int main(void)
{
	char line[LINE_MAX];
	unsigned long n = 0;

	utest_check(read(-1, line, 1) == -EBADF, "read of fd -1: EBADF");
	utest_check(read(1000, line, 1) == -EBADF, "read of fd 1000 (not open): EBADF");
	utest_check(read(1, line, 1) == -EBADF, "read of fd 1 (output only): EBADF");
	utest_check(read(0, 0, 8) == -EFAULT, "read into NULL: EFAULT");
	utest_check(read(0, (void *)(unsigned long)&main, 8) == -EFAULT,
		    "read into the program's text: EFAULT");
	utest_check(read(0, line, 0) == 0, "read of 0 bytes: 0");

	bool exact = true;
	while (n < sizeof line - 1) {
		long r = read(0, line + n, 1);
		exact = exact && r == 1;
		if (r != 1 || line[n++] == '\n')
			break;
	}
	line[n] = 0;
	utest_check(exact, "each read of 1 byte returns 1 byte");
	printf("first line, %lu bytes: %s", n, line);

	memset(line, 0, sizeof line);
	unsigned long want = sizeof SECOND - 1;
	bool within = true;
	for (n = 0; n < want;) {
		unsigned long ask = want - n < CHUNK_MAX ? want - n : CHUNK_MAX;
		long r = read(0, line + n, ask);
		within = within && r >= 1 && (unsigned long)r <= ask;
		if (r < 1 || (unsigned long)r > ask)
			break;
		n += (unsigned long)r;
	}
	utest_check(within, "each read returns 1 to count bytes, never more");
	printf("second line, %lu bytes: %s", n, line);
	utest_check(memcmp(line, SECOND, want) == 0, "the second line as typed");
	return utest_failures();
}
