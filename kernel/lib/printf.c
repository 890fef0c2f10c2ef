/*
 * printf.c - a small printf formatter for the kernel: kvsnprintf and friends, kprintf.
 *
 * One engine (fmt_format) walks the format and sends characters to a sink: a bounded buffer for
 * ksnprintf, a chunk buffer flushed to console_write for kprintf. Semantics follow C11 7.21.6.1
 * (fprintf) for the supported conversions, and glibc where C leaves a choice (%p, NULL %s), so
 * the host test can compare with the host's snprintf. Integers are formatted as 64-bit values
 * (unsigned long long; libgcc supplies the 64-bit division on i386).
 * The file is also compiled on the host by tests/host/test_printf.c: it depends on nothing but
 * console_write.
 */
#include "kernel/lib/printf.h"
#include "kernel/console/console.h"

#include <stdbool.h>
#include <stdint.h>

struct fmt_sink {
	void (*put)(struct fmt_sink *sink, char c);
	char *buf;
	size_t size, len; /* len counts every character produced, stored or not */
};

struct fmt_spec {
	bool left, plus, space, alt, zero;
	int width;
	int precision; /* -1: none given */
};

enum fmt_length {
	LEN_INT,
	LEN_CHAR,
	LEN_SHORT,
	LEN_LONG,
	LEN_LLONG,
	LEN_SIZE,
	LEN_MAX,
	LEN_PTRDIFF
};

static void fmt_pad(struct fmt_sink *sink, char c, int count)
{
	while (count-- > 0)
		sink->put(sink, c);
}

static void fmt_string(struct fmt_sink *sink, const struct fmt_spec *spec, const char *s)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (spec->precision < 0 || len < spec->precision))
		len++;
	if (!spec->left)
		fmt_pad(sink, ' ', spec->width - len);
	for (int i = 0; i < len; i++)
		sink->put(sink, s[i]);
	if (spec->left)
		fmt_pad(sink, ' ', spec->width - len);
}

/*
 * One integer: sign or prefix, zero padding to the precision (or width with the 0 flag), digits.
 * C11 7.21.6.1: precision 0 with value 0 gives no digits (but %#o still gives "0"); a precision
 * cancels the 0 flag; '#' adds 0x/0X for non-zero hex and makes octal start with 0.
 */
static void fmt_integer(struct fmt_sink *sink, const struct fmt_spec *spec,
			unsigned long long value, bool negative, unsigned base, bool upper,
			bool is_signed)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24]; /* 22 octal digits cover 64 bits */
	int ndigits = 0, zeros = 0, pad;
	const char *prefix = "";
	int prefix_len;

	while (value) {
		/* cppcheck-suppress zerodivcond ; base is 8, 10 or 16, from the callers below */
		tmp[ndigits++] = digits[value % base];
		value /= base;
	}
	if (spec->precision > ndigits)
		zeros = spec->precision - ndigits;
	if (spec->alt && base == 8 && zeros == 0 && (ndigits == 0 || tmp[ndigits - 1] != '0'))
		zeros = 1;
	if (spec->precision < 0 && ndigits == 0 && zeros == 0)
		zeros = 1; /* the value 0 with no precision prints "0" */
	if (is_signed)
		prefix = negative ? "-" : spec->plus ? "+" : spec->space ? " " : "";
	else if (spec->alt && base == 16 && ndigits > 0)
		prefix = upper ? "0X" : "0x";
	prefix_len = (int)__builtin_strlen(prefix);
	pad = spec->width - prefix_len - zeros - ndigits;
	if (spec->zero && !spec->left && spec->precision < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!spec->left)
		fmt_pad(sink, ' ', pad);
	for (int i = 0; i < prefix_len; i++)
		sink->put(sink, prefix[i]);
	fmt_pad(sink, '0', zeros);
	while (ndigits)
		sink->put(sink, tmp[--ndigits]);
	if (spec->left)
		fmt_pad(sink, ' ', pad);
}

static long long fmt_signed_arg(va_list *ap, enum fmt_length len)
{
	/* clang-format off */
	switch (len) {
	case LEN_CHAR:    return (signed char)va_arg(*ap, int);
	case LEN_SHORT:   return (short)va_arg(*ap, int);
	case LEN_LONG:    return va_arg(*ap, long);
	case LEN_LLONG:   return va_arg(*ap, long long);
	case LEN_SIZE:    return (long long)va_arg(*ap, size_t); /* %zd: size_t, signed */
	case LEN_MAX:     return va_arg(*ap, intmax_t);
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	default:          return va_arg(*ap, int);
	}
	/* clang-format on */
}

static unsigned long long fmt_unsigned_arg(va_list *ap, enum fmt_length len)
{
	/* clang-format off */
	switch (len) {
	case LEN_CHAR:    return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT:   return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG:    return va_arg(*ap, unsigned long);
	case LEN_LLONG:   return va_arg(*ap, unsigned long long);
	case LEN_SIZE:    return va_arg(*ap, size_t);
	case LEN_MAX:     return va_arg(*ap, uintmax_t);
	case LEN_PTRDIFF: return (unsigned long long)va_arg(*ap, ptrdiff_t);
	default:          return va_arg(*ap, unsigned);
	}
	/* clang-format on */
}

static int fmt_number(const char **p)
{
	int n = 0;

	while (**p >= '0' && **p <= '9') {
		if (n < 100000) /* clamp absurd widths instead of overflowing */
			n = n * 10 + (**p - '0');
		(*p)++;
	}
	return n;
}

static void fmt_format(struct fmt_sink *sink, const char *fmt, va_list *ap)
{
	for (const char *p = fmt; *p; p++) {
		struct fmt_spec spec = { .precision = -1 };
		enum fmt_length len = LEN_INT;
		const char *start = p;

		if (*p != '%') {
			sink->put(sink, *p);
			continue;
		}
		for (p++;; p++) {
			if (*p == '-')
				spec.left = true;
			else if (*p == '+')
				spec.plus = true;
			else if (*p == ' ')
				spec.space = true;
			else if (*p == '#')
				spec.alt = true;
			else if (*p == '0')
				spec.zero = true;
			else
				break;
		}
		if (*p == '*') {
			spec.width = va_arg(*ap, int);
			if (spec.width < 0) {
				spec.left = true;
				spec.width = spec.width == INT32_MIN ? 0 : -spec.width;
			}
			p++;
		} else {
			spec.width = fmt_number(&p);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				spec.precision = va_arg(*ap, int);
				/* C11: a negative precision is taken as omitted. */
				if (spec.precision < 0)
					spec.precision = -1;
				p++;
			} else {
				spec.precision = fmt_number(&p);
			}
		}
		switch (*p) {
		case 'h':
			len = LEN_SHORT;
			if (p[1] == 'h') {
				len = LEN_CHAR;
				p++;
			}
			p++;
			break;
		case 'l':
			len = LEN_LONG;
			if (p[1] == 'l') {
				len = LEN_LLONG;
				p++;
			}
			p++;
			break;
		case 'z':
			len = LEN_SIZE;
			p++;
			break;
		case 'j':
			len = LEN_MAX;
			p++;
			break;
		case 't':
			len = LEN_PTRDIFF;
			p++;
			break;
		default:
			break;
		}
		switch (*p) {
		case 'd':
		case 'i': {
			long long v = fmt_signed_arg(ap, len);
			unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v :
							 (unsigned long long)v;

			fmt_integer(sink, &spec, mag, v < 0, 10, false, true);
			break;
		}
		case 'u':
			fmt_integer(sink, &spec, fmt_unsigned_arg(ap, len), false, 10, false,
				    false);
			break;
		case 'x':
		case 'X':
			fmt_integer(sink, &spec, fmt_unsigned_arg(ap, len), false, 16, *p == 'X',
				    false);
			break;
		case 'o':
			fmt_integer(sink, &spec, fmt_unsigned_arg(ap, len), false, 8, false, false);
			break;
		case 'p': {
			void *ptr = va_arg(*ap, void *);

			if (!ptr) {
				struct fmt_spec nil = { .left = spec.left,
							.width = spec.width,
							.precision = -1 };

				fmt_string(sink, &nil, "(nil)");
				break;
			}
			spec.alt = true;
			fmt_integer(sink, &spec, (uintptr_t)ptr, false, 16, false, false);
			break;
		}
		case 'c': {
			char c = (char)va_arg(*ap, int);

			if (!spec.left)
				fmt_pad(sink, ' ', spec.width - 1);
			sink->put(sink, c);
			if (spec.left)
				fmt_pad(sink, ' ', spec.width - 1);
			break;
		}
		case 's':
			fmt_string(sink, &spec, va_arg(*ap, const char *));
			break;
		case '%':
			sink->put(sink, '%');
			break;
		default:
			/* An unknown or cut conversion: printed as written, to show the mistake. */
			while (start < p)
				sink->put(sink, *start++);
			if (!*p)
				return;
			sink->put(sink, *p);
			break;
		}
	}
}

static void fmt_put_buffer(struct fmt_sink *sink, char c)
{
	if (sink->len + 1 < sink->size)
		sink->buf[sink->len] = c;
	sink->len++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_sink sink = { .put = fmt_put_buffer, .buf = buf, .size = size };
	va_list copy;

	va_copy(copy, ap);
	fmt_format(&sink, fmt, &copy);
	va_end(copy);
	if (size > 0)
		buf[sink.len < size ? sink.len : size - 1] = '\0';
	return sink.len > INT32_MAX ? INT32_MAX : (int)sink.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* kprintf: characters gather in a small buffer, written to the consoles when it fills. */
#define KPRINTF_CHUNK 128

static void fmt_put_console(struct fmt_sink *sink, char c)
{
	sink->buf[sink->len++ % KPRINTF_CHUNK] = c;
	if (sink->len % KPRINTF_CHUNK == 0)
		console_write(sink->buf, KPRINTF_CHUNK);
}

int kvprintf(const char *fmt, va_list ap)
{
	char chunk[KPRINTF_CHUNK];
	struct fmt_sink sink = { .put = fmt_put_console, .buf = chunk, .size = sizeof(chunk) };
	va_list copy;

	va_copy(copy, ap);
	fmt_format(&sink, fmt, &copy);
	va_end(copy);
	if (sink.len % KPRINTF_CHUNK)
		console_write(chunk, sink.len % KPRINTF_CHUNK);
	return sink.len > INT32_MAX ? INT32_MAX : (int)sink.len;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
