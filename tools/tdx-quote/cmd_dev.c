// SPDX-License-Identifier: GPL-2.0
/*
 * tdx-quote info and get: the device commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/tdx_quote.h>

#include "cli.h"
#include "qgs.h"

static const char *const sysfs_attrs[] = {
	"backend", "state", "features", "pool_pages", "pool_kib",
	"pool_donated", "max_quote_size", "quote_init_status",
	"module_version", "module_updates", "diagnosis",
	"engine/jobs", "engine/calls", "engine/resumes", "engine/retries",
	"engine/timeouts", "engine/errors", "engine/seam_ns",
	"engine/wall_ns", "engine/busy",
};
#define N_SYSFS (sizeof(sysfs_attrs) / sizeof(sysfs_attrs[0]))

static const char *backend_name(uint32_t b)
{
	return b == TDX_QUOTE_BACKEND_HW ? "hw" :
	       b == TDX_QUOTE_BACKEND_SIM ? "sim" : "unknown";
}

static const char *state_name(uint32_t s)
{
	return s == TDX_QUOTE_STATE_READY ? "ready" :
	       s == TDX_QUOTE_STATE_EXT_READY ? "quote-unavailable" :
	       s == TDX_QUOTE_STATE_INIT ? "initializing" : "unknown";
}

int cmd_info(int argc, char **argv)
{
	const char *dev = TDXQ_DEV_PATH;
	struct tdx_quote_info info;
	char val[128];
	int json = 0, fd, rc, i;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--device")) {
			dev = opt_arg(argc, argv, &i, "info");
			if (!dev)
				return 1;
		} else {
			fprintf(stderr, "usage: tdx-quote info [--json] [--device PATH]\n");
			return 1;
		}
	}
	fd = tdxq_dev_open(dev);
	if (fd < 0) {
		dev_open_error(dev, -fd);
		return 1;
	}
	rc = tdxq_dev_info(fd, &info);
	close(fd);
	if (rc) {
		fprintf(stderr, "tdx-quote: %s: TDX_QUOTE_GET_INFO: %s (%s)%s\n",
			dev, strerror(-rc), errno_name(-rc),
			rc == -ENOTTY ? "; not a tdx_quote device?" : "");
		return 1;
	}
	if (json) {
		printf("{\"device\": ");
		json_str(stdout, dev);
		printf(", \"abi_version\": %u, \"backend\": \"%s\", \"backend_id\": %u, \"simulated\": %s, \"state\": \"%s\", \"state_id\": %u, \"features\": \"0x%016" PRIx64 "\", \"pool_pages\": %" PRIu64 ", \"max_quote_size\": %u, \"guest_quote_limit\": %u, \"max_input_size\": %u, \"quotes\": %" PRIu64 ", \"quote_errors\": %" PRIu64 ", \"seamcalls\": %" PRIu64 ", \"resumes\": %" PRIu64 ", \"sysfs\": {",
		       info.abi_version, backend_name(info.backend),
		       info.backend,
		       info.backend == TDX_QUOTE_BACKEND_SIM ? "true" : "false",
		       state_name(info.state), info.state,
		       (uint64_t)info.features, (uint64_t)info.pool_pages,
		       info.max_quote_size, QGS_GUEST_QUOTE_MAX,
		       info.max_input_size,
		       (uint64_t)info.quotes, (uint64_t)info.quote_errors,
		       (uint64_t)info.seamcalls, (uint64_t)info.resumes);
		for (k = 0; k < N_SYSFS; k++) {
			printf("%s", k ? ", " : "");
			json_str(stdout, sysfs_attrs[k]);
			printf(": ");
			if (tdxq_sysfs_read(sysfs_attrs[k], val, sizeof(val)))
				printf("null");
			else
				json_str(stdout, val);
		}
		printf("}}\n");
		return 0;
	}
	printf("device: %s\n", dev);
	printf("abi_version: %u\n", info.abi_version);
	printf("backend: %s%s\n", backend_name(info.backend),
	       info.backend == TDX_QUOTE_BACKEND_SIM ?
	       " (simulated: quotes are not trustworthy)" : "");
	printf("state: %s\n", state_name(info.state));
	printf("features: 0x%016" PRIx64 "\n", (uint64_t)info.features);
	printf("pool_pages: %" PRIu64 "\n", (uint64_t)info.pool_pages);
	/* What a guest behind QEMU can take (docs/qgsd.md). */
	if (info.max_quote_size > QGS_GUEST_QUOTE_MAX)
		printf("max_quote_size: %u (above %u: too big for a Linux guest's GetQuote through QEMU)\n",
		       info.max_quote_size, QGS_GUEST_QUOTE_MAX);
	else
		printf("max_quote_size: %u (within the %u of a Linux guest's GetQuote through QEMU)\n",
		       info.max_quote_size, QGS_GUEST_QUOTE_MAX);
	printf("max_input_size: %u\n", info.max_input_size);
	printf("quotes: %" PRIu64 "\n", (uint64_t)info.quotes);
	printf("quote_errors: %" PRIu64 "\n", (uint64_t)info.quote_errors);
	printf("seamcalls: %" PRIu64 "\n", (uint64_t)info.seamcalls);
	printf("resumes: %" PRIu64 "\n", (uint64_t)info.resumes);
	for (k = 0; k < N_SYSFS; k++) {
		rc = tdxq_sysfs_read(sysfs_attrs[k], val, sizeof(val));
		printf("sysfs %s: %s\n", sysfs_attrs[k],
		       rc ? strerror(-rc) : val);
	}
	return 0;
}

static const char *quote_hint(int err)
{
	switch (err) {
	case EBADMSG:
		return "the TDX module rejected the report (bad MAC, or not from the TD named by --td)";
	case EOPNOTSUPP:
		return "quoting is unavailable: 'tdx-quote ok' says why and what to do";
	case EDESTADDRREQ:
		return "this TDX module needs the TD's handle (its TDR page address): pass --td HANDLE; td 0 is refused (docs/hardware.md)";
	case EINVAL:
		return "the request or its operands were rejected (a wrong --td?)";
	case EBUSY:
	case EAGAIN:
		return "the TDX module or the queue is busy: try again";
	case ETIMEDOUT:
		return "the TDX module did not finish in time (see dmesg)";
	}
	return NULL;
}

static int write_all(int fd, const uint8_t *b, size_t len)
{
	while (len) {
		ssize_t n = write(fd, b, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

int cmd_get(int argc, char **argv)
{
	const char *dev = TDXQ_DEV_PATH, *report = NULL, *out = NULL;
	uint8_t *rep = NULL, *quote = NULL;
	uint64_t td = 0, st = 0;
	size_t rlen = 0, qlen = 0;
	int fd, rc, i, ofd, ret = 1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--report")) {
			report = opt_arg(argc, argv, &i, "get");
			if (!report)
				return 1;
		} else if (!strcmp(a, "--td")) {
			const char *v = opt_arg(argc, argv, &i, "get");
			char *end;

			if (!v)
				return 1;
			errno = 0;
			td = strtoull(v, &end, 0);
			if (errno || end == v || (*end && *end != '\n') ||
			    v[0] == '-') {
				fprintf(stderr, "tdx-quote get: --td wants a number (e.g. 0x1234000), not '%s'\n",
					v);
				return 1;
			}
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			out = opt_arg(argc, argv, &i, "get");
			if (!out)
				return 1;
		} else if (!strcmp(a, "--device")) {
			dev = opt_arg(argc, argv, &i, "get");
			if (!dev)
				return 1;
		} else {
			report = NULL;
			break;
		}
	}
	if (!report) {
		fprintf(stderr, "usage: tdx-quote get --report FILE [--td HANDLE] [-o QUOTE] [--device PATH]\n");
		return 1;
	}
	if ((!out || !strcmp(out, "-")) && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "tdx-quote get: refusing to write a binary quote to a terminal: use -o FILE or redirect stdout\n");
		return 1;
	}
	rc = tdxq_read_file(report, TDXQ_TDREPORT_SIZE, &rep, &rlen);
	if (rc == -EFBIG || (!rc && rlen != TDXQ_TDREPORT_SIZE)) {
		fprintf(stderr, "tdx-quote get: %s: a TDREPORT is exactly %d bytes; this file has %s%zu\n",
			report, TDXQ_TDREPORT_SIZE, rc ? "more than " : "",
			rc ? (size_t)TDXQ_TDREPORT_SIZE : rlen);
		goto out;
	}
	if (rc) {
		fprintf(stderr, "tdx-quote get: %s: %s\n", report,
			strerror(-rc));
		goto out;
	}
	fd = tdxq_dev_open(dev);
	if (fd < 0) {
		dev_open_error(dev, -fd);
		goto out;
	}
	rc = tdxq_dev_get_quote(fd, rep, rlen, td, &quote, &qlen, &st);
	close(fd);
	if (rc) {
		const char *hint = quote_hint(-rc);

		fprintf(stderr, "tdx-quote get: %s (%s), TDX status 0x%016" PRIx64 "%s%s\n",
			strerror(-rc), errno_name(-rc), st, hint ? ": " : "",
			hint ? hint : "");
		goto out;
	}
	if (out && strcmp(out, "-")) {
		ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			   0644);
		if (ofd < 0) {
			fprintf(stderr, "tdx-quote get: %s: %s\n", out,
				strerror(errno));
			goto out;
		}
	} else {
		ofd = STDOUT_FILENO;
	}
	rc = write_all(ofd, quote, qlen);
	if (ofd != STDOUT_FILENO && close(ofd) && !rc)
		rc = -errno;
	if (rc) {
		fprintf(stderr, "tdx-quote get: writing the quote: %s\n",
			strerror(-rc));
		goto out;
	}
	ret = 0;
out:
	free(rep);
	free(quote);
	return ret;
}
