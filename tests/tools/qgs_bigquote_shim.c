// SPDX-License-Identifier: GPL-2.0
/*
 * An LD_PRELOAD shim for tests/tools/t-qgs-qemu.sh: a fake /dev/tdx_quote
 * whose quotes have the length the report asks for, to send tdx-qgsd's
 * replies past the sizes QEMU's guest buffers take (the fake device of
 * tests/tools/test_qgs.c makes quotes of at most 10 + 4096 bytes).
 *
 * ioctl() with the two TDX_QUOTE_* numbers, on any fd: GET_INFO says
 * ready, max_quote_size 8192.  GET_QUOTE: a report beginning "BIGQ" and a
 * little-endian u32 N asks for a quote of N bytes (1 .. 1 MiB): the report
 * repeated to N bytes.  A quote above the caller's out_len is ENOSPC with
 * quote_len set, as the driver does (so the daemon's retry with a bigger
 * buffer is exercised too).  Any other report: EINVAL.  Every other ioctl
 * goes to the real one.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <linux/tdx_quote.h>

int ioctl(int fd, unsigned long req, ...);
int ioctl(int fd, unsigned long req, ...)
{
	int (*real)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == TDX_QUOTE_GET_INFO) {
		struct tdx_quote_info *i = arg;

		memset(i, 0, sizeof(*i));
		i->size = sizeof(*i);
		i->abi_version = TDX_QUOTE_ABI_VERSION;
		i->backend = TDX_QUOTE_BACKEND_SIM;
		i->state = TDX_QUOTE_STATE_READY;
		i->max_quote_size = 8192;
		i->max_input_size = TDX_QUOTE_MAX_INPUT;
		return 0;
	}
	if (req == TDX_QUOTE_GET_QUOTE) {
		struct tdx_quote_req *r = arg;
		const uint8_t *in = (const uint8_t *)(uintptr_t)r->in_ptr;
		uint8_t *out = (uint8_t *)(uintptr_t)r->out_ptr;
		uint32_t n;

		r->tdx_status = 0;
		if (r->in_len < 8 || r->in_len > TDX_QUOTE_MAX_INPUT ||
		    memcmp(in, "BIGQ", 4)) {
			errno = EINVAL;
			return -1;
		}
		n = in[4] | (uint32_t)in[5] << 8 | (uint32_t)in[6] << 16 |
		    (uint32_t)in[7] << 24;
		if (!n || n > (1u << 20)) {
			errno = EINVAL;
			return -1;
		}
		r->quote_len = n;
		if (r->out_len < n) {
			errno = ENOSPC;
			return -1;
		}
		for (uint32_t i = 0; i < n; i += r->in_len)
			memcpy(out + i, in, n - i < r->in_len ? n - i : r->in_len);
		return 0;
	}
	real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	return real(fd, req, arg);
}
