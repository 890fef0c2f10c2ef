/*
 * printf.c - formatted output for user programs (ulib.h): the conversions of C11 7.21.6.1 that
 * the tests use, into a buffer; printf writes the buffer with one write(2) to descriptor 1.
 */
#include "ulib.h"

struct out {
	char *buf;
	size_t size, len; /* len counts every byte, even those that did not fit */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* One converted field: digits or text s of n bytes, padded to width. */
static void out_field(struct out *o, const char *s, size_t n, int width, bool left, char pad,
		      bool negative)
{
	int fill = width - (int)n - (negative ? 1 : 0);
	if (negative && pad == '0')
		out_char(o, '-');
	for (; !left && fill > 0; fill--)
		out_char(o, pad);
	if (negative && pad != '0')
		out_char(o, '-');
	while (n--)
		out_char(o, *s++);
	for (; left && fill > 0; fill--)
		out_char(o, ' ');
}

static size_t format_unsigned(char *tmp, unsigned long v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	for (size_t i = 0; i < n / 2; i++) {
		char t = tmp[i];
		tmp[i] = tmp[n - 1 - i];
		tmp[n - 1 - i] = t;
	}
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	char tmp[16];
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		bool left = false;
		char pad = ' ';
		int width = 0;
		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				pad = '0';
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		while (*fmt == 'l')
			fmt++;
		if (left)
			pad = ' ';
		switch (*fmt) {
		case 'd':
		case 'i': {
			long v = va_arg(ap, long);
			unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
			out_field(&o, tmp, format_unsigned(tmp, u, 10, false), width, left, pad,
				  v < 0);
			break;
		}
		case 'u':
			out_field(&o, tmp,
				  format_unsigned(tmp, va_arg(ap, unsigned long), 10, false), width,
				  left, pad, false);
			break;
		case 'x':
		case 'X':
			out_field(&o, tmp,
				  format_unsigned(tmp, va_arg(ap, unsigned long), 16, *fmt == 'X'),
				  width, left, pad, false);
			break;
		case 'p':
			out_char(&o, '0');
			out_char(&o, 'x');
			out_field(&o, tmp,
				  format_unsigned(tmp, (unsigned long)va_arg(ap, void *), 16,
						  false),
				  8, false, '0', false);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			out_field(&o, s, strlen(s), width, left, ' ', false);
			break;
		}
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			out_field(&o, tmp, 1, width, left, ' ', false);
			break;
		case '%':
			out_char(&o, '%');
			break;
		default: /* an unknown conversion is printed as it stands */
			out_char(&o, '%');
			if (!*fmt)
				fmt--;
			else
				out_char(&o, *fmt);
			break;
		}
	}
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	char buf[ULIB_PRINTF_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
	write(1, buf, len);
	return n;
}

int puts(const char *s)
{
	write(1, s, strlen(s));
	write(1, "\n", 1);
	return 0;
}
