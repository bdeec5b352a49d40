// SPDX-License-Identifier: GPL-2.0
/*
 * tdx-quote: the command-line face of tdx-ext.
 *
 * This first version has "version" and "ok", a self-check of what the
 * driver offers so far (module, device node).  Quotes, the verifier and
 * "info" arrive with the quote UAPI.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tdx_ext_version.h"

#define DEV_PATH "/dev/tdx_quote"

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int n_bad;

static void report(int good, const char *what, const char *detail,
		   const char *remedy)
{
	printf("[%s] %s%s%s\n", good ? " ok " : "FAIL", what,
	       detail && *detail ? ": " : "", detail ? detail : "");
	if (!good) {
		n_bad++;
		if (remedy)
			printf("       fix: %s\n", remedy);
	}
}

static int cmd_ok(void)
{
	char ver[64], detail[256];
	struct stat st;
	int loaded, fd;

	loaded = access("/sys/module/tdx_ext", F_OK) == 0;
	if (loaded && read_line("/sys/module/tdx_ext/version", ver, sizeof(ver)))
		snprintf(ver, sizeof(ver), "unknown version");
	report(loaded, "module tdx_ext loaded", loaded ? ver : "not loaded",
	       "modprobe tdx_ext");

	if (stat(DEV_PATH, &st)) {
		snprintf(detail, sizeof(detail), "%s", strerror(errno));
		report(0, "device node " DEV_PATH, detail,
		       loaded ? "check udev and dmesg for tdx_ext errors" :
				"load the module first");
	} else if (!S_ISCHR(st.st_mode)) {
		report(0, "device node " DEV_PATH, "not a character device",
		       "remove the stray file; udev creates the node");
	} else {
		snprintf(detail, sizeof(detail), "char %u:%u mode %04o uid %u gid %u",
			 major(st.st_rdev), minor(st.st_rdev),
			 (unsigned int)(st.st_mode & 07777),
			 (unsigned int)st.st_uid, (unsigned int)st.st_gid);
		report(1, "device node " DEV_PATH, detail, NULL);

		fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			snprintf(detail, sizeof(detail), "%s", strerror(errno));
			report(0, "open " DEV_PATH, detail,
			       errno == EACCES ?
			       "run as root or join the group the udev rule names" :
			       "see dmesg");
		} else {
			report(1, "open " DEV_PATH, NULL, NULL);
			close(fd);
		}
	}

	printf("%s\n", n_bad ? "not ok" : "ok");
	return n_bad ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tdx-quote COMMAND\n"
		"  ok         check that tdx_ext is loaded and its device usable\n"
		"  version    print the tdx-ext version\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "ok"))
		return cmd_ok();
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("tdx-quote %s\n", TDX_EXT_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "tdx-quote: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
