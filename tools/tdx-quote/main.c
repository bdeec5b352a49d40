// SPDX-License-Identifier: GPL-2.0
/*
 * tdx-quote: the command-line face of tdx-ext (docs/tdx-quote.md).
 *
 *   version | info | get | verify | dump | ok
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tdx_ext_version.h"

void json_strn(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	fputc('"', f);
	while (i < n) {
		unsigned char c = p[i];
		size_t l;

		if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", c);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		if (c < 0x80) {
			fputc(c, f);
			i++;
			continue;
		}
		/* UTF-8: a valid sequence is copied, anything else U+FFFD */
		l = tdxq_utf8_seq(p + i, n - i);
		if (!l) {
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		if (l == 2 && c == 0xc2 && p[i + 1] < 0xa0) {	/* C1 */
			fprintf(f, "\\u%04x", p[i + 1]);
			i += 2;
			continue;
		}
		fwrite(p + i, 1, l, f);
		i += l;
	}
	fputc('"', f);
}

void text_strn(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;

	while (i < n) {
		unsigned char c = p[i];

		if (c == '\\') {
			fputs("\\\\", f);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\x%02x", c);
			i++;
			continue;
		}
		if (c < 0x80) {
			fputc(c, f);
			i++;
			continue;
		}
		l = tdxq_utf8_seq(p + i, n - i);
		if (!l || (l == 2 && c == 0xc2 && p[i + 1] < 0xa0)) {
			/* not UTF-8, or a C1 control: every byte escaped */
			if (!l)
				l = 1;
			while (l--)
				fprintf(f, "\\x%02x", p[i++]);
			continue;
		}
		fwrite(p + i, 1, l, f);
		i += l;
	}
}

void text_str(FILE *f, const char *s)
{
	if (s)
		text_strn(f, s, strlen(s));
}

void json_str(FILE *f, const char *s)
{
	if (!s)
		fputs("null", f);
	else
		json_strn(f, s, strlen(s));
}

void print_hex(FILE *f, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", b[i]);
}

void json_hex(FILE *f, const uint8_t *b, size_t len)
{
	fputc('"', f);
	print_hex(f, b, len);
	fputc('"', f);
}

const char *errno_name(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "E?";
}

void dev_open_error(const char *path, int err)
{
	const char *remedy;

	if (err == ENOENT || err == ENODEV || err == ENXIO)
		remedy = access("/sys/module/tdx_ext", F_OK) ?
			 "the tdx_ext module is not loaded: modprobe tdx_ext" :
			 "tdx_ext is loaded but the node is missing: check udev and dmesg";
	else if (err == EACCES || err == EPERM)
		remedy = "add yourself to the group tdx-quote (packaging/udev/60-tdx-quote.rules) or run as root";
	else
		remedy = "see dmesg";
	fprintf(stderr, "tdx-quote: %s: %s (%s); %s\n", path, strerror(err),
		errno_name(err), remedy);
}

const char *opt_arg(int argc, char **argv, int *i, const char *cmd)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "tdx-quote %s: %s needs a value\n", cmd,
			argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tdx-quote COMMAND [ARGS]\n"
		"  version                      print the tdx-ext version\n"
		"  info [--json] [--device PATH]\n"
		"                               what the driver and TDX module offer\n"
		"  get --report FILE [--td HANDLE] [-o QUOTE] [--device PATH]\n"
		"                               quote a 1024-byte TDREPORT\n"
		"  verify QUOTE... [--batch FILE] [--root PEM]... [--report-data HEX]\n"
		"         [--mrtd HEX] [--rtmr N=HEX]... [--policy FILE]\n"
		"         [--time UNIX_SECONDS] [--json] [-q]\n"
		"                               verify quotes (exit status: 0 ok,\n"
		"                               1 usage, 2 malformed, 3 untrusted,\n"
		"                               4 signature, 5 policy; the largest\n"
		"                               of a batch's)\n"
		"  dump QUOTE [--json]          show a quote without verifying it\n"
		"  ok [--device PATH] [--report FILE --root PEM [--td HANDLE]]\n"
		"                               check that quoting works here\n"
		"QUOTE may be - (stdin).  See docs/tdx-quote.md.\n");
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("tdx-quote %s\n", TDX_EXT_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(cmd, "get"))
		return cmd_get(argc - 1, argv + 1);
	if (!strcmp(cmd, "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (!strcmp(cmd, "dump"))
		return cmd_dump(argc - 1, argv + 1);
	if (!strcmp(cmd, "ok"))
		return cmd_ok(argc - 1, argv + 1);
	fprintf(stderr, "tdx-quote: unknown command '%s'\n", cmd);
	usage(stderr);
	return 1;
}
