// SPDX-License-Identifier: GPL-2.0
/*
 * libtdxquote: small helpers (status names, hex, whole-file reads).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tdxq.h"
#include "internal.h"

void tdxq_seterr(struct tdxq_err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

int tdxq_oid_ok(const uint8_t *b, size_t n)
{
	size_t i;

	if (!n || (b[n - 1] & 0x80))
		return 0;
	for (i = 0; i < n; i++)
		if (b[i] == 0x80 && (i == 0 || !(b[i - 1] & 0x80)))
			return 0;
	return 1;
}

void tdxq_prefix_err(struct tdxq_err *e, const char *pfx)
{
	size_t pl, ml, cap;

	if (!e)
		return;
	pl = strlen(pfx);
	ml = strlen(e->msg);
	cap = sizeof(e->msg) - 1;
	if (pl + 2 >= cap)
		return;
	if (ml > cap - pl - 2)
		ml = cap - pl - 2;
	memmove(e->msg + pl + 2, e->msg, ml);
	memcpy(e->msg, pfx, pl);
	e->msg[pl] = ':';
	e->msg[pl + 1] = ' ';
	e->msg[pl + 2 + ml] = '\0';
}

const char *tdxq_status_name(enum tdxq_status s)
{
	switch (s) {
	case TDXQ_OK:		return "ok";
	case TDXQ_USAGE:	return "usage";
	case TDXQ_MALFORMED:	return "malformed";
	case TDXQ_UNTRUSTED:	return "untrusted";
	case TDXQ_SIGNATURE:	return "signature";
	case TDXQ_POLICY:	return "policy";
	}
	return "unknown";
}

size_t tdxq_utf8_seq(const uint8_t *p, size_t n)
{
	uint8_t c;
	size_t l, k;

	if (!n)
		return 0;
	c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		l = 2;
	else if (c >= 0xe0 && c <= 0xef)
		l = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		l = 4;
	else
		return 0;
	if (l > n)
		return 0;
	for (k = 1; k < l; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0) ||
	    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
		return 0;
	return l;
}

int tdxq_read_line(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = read(fd, buf, len - 1);
	} while (n < 0 && errno == EINTR);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

void tdxq_hex(const uint8_t *b, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * len] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long tdxq_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex), i;

	if (n % 2 || n / 2 > cap || n / 2 > LONG_MAX)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

int tdxq_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	size_t cap = 65536, n = 0;
	uint8_t *b = NULL;
	int fd, err = 0;

	*buf = NULL;
	*len = 0;
	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	for (;;) {
		ssize_t r;

		if (!b || n == cap) {
			uint8_t *nb;

			if (b)
				cap *= 2;
			/* one byte past max tells "too large" from "max" */
			if (cap > max + 1)
				cap = max + 1;
			if (b && n == cap) {
				err = -EFBIG;
				break;
			}
			nb = realloc(b, cap ? cap : 1);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			err = -EFBIG;
			break;
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (err) {
		free(b);
		return err;
	}
	*buf = b;
	*len = n;
	return 0;
}
