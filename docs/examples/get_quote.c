// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest complete client of /dev/tdx_quote: a TDREPORT from a file
 * in, the quote to stdout.  Built by the tests (tests/unit), so that this
 * example always compiles against the header as it is.
 *
 *   get_quote REPORT_FILE [TD_HANDLE] > quote.cbor
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/tdx_quote.h>

int main(int argc, char **argv)
{
	struct tdx_quote_info info = { .size = sizeof(info) };
	struct tdx_quote_req req = { .size = sizeof(req) };
	unsigned char report[TDX_QUOTE_MAX_INPUT];
	unsigned char *quote;
	ssize_t n;
	int fd, in;

	if (argc < 2) {
		fprintf(stderr, "usage: %s REPORT_FILE [TD_HANDLE]\n", argv[0]);
		return 2;
	}
	in = open(argv[1], O_RDONLY);
	if (in < 0 || (n = read(in, report, sizeof(report))) <= 0) {
		perror(argv[1]);
		return 1;
	}
	close(in);

	fd = open("/dev/tdx_quote", O_RDWR);
	if (fd < 0 || ioctl(fd, TDX_QUOTE_GET_INFO, &info)) {
		perror("/dev/tdx_quote");
		return 1;
	}
	if (info.state != TDX_QUOTE_STATE_READY) {
		fprintf(stderr, "quoting is not available\n");
		return 1;
	}
	quote = malloc(info.max_quote_size);
	if (!quote)
		return 1;

	req.td = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
	req.in_ptr = (unsigned long)report;
	req.in_len = n;
	req.out_ptr = (unsigned long)quote;
	req.out_len = info.max_quote_size;
	if (ioctl(fd, TDX_QUOTE_GET_QUOTE, &req)) {
		fprintf(stderr, "GET_QUOTE: %s (TDX status %#llx)\n",
			strerror(errno), (unsigned long long)req.tdx_status);
		return 1;
	}
	fwrite(quote, 1, req.quote_len, stdout);
	free(quote);
	close(fd);
	return 0;
}
