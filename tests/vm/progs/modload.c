// SPDX-License-Identifier: GPL-2.0
/*
 * modload: load a module with finit_module() once and report its errno.
 * busybox insmod retries a failed finit_module() with init_module(), which
 * runs a failing module init twice: wrong for tests of failure paths.
 *
 *   modload FILE [PARAM=VALUE...]
 * Exit 0 on success; else the message "modload: FILE: <strerror>" and 1.
 *
 * Its own memory is locked in first: 40-driver.sh makes every page
 * allocation of this process fail once the module has used a budget
 * (fail_page_alloc with make-it-fail), and a page fault of ours after
 * that, for a page-table page say, would get VM_FAULT_OOM and be retried
 * for ever ("Huh VM_FAULT_OOM leaked out to the #PF handler"), with the
 * test waiting for us: the debug kernel's boot once hung so for 670 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char params[4096] = "";
	size_t len = 0;
	int fd, i;

	mlockall(MCL_CURRENT | MCL_FUTURE);	/* best effort */
	if (argc < 2) {
		fprintf(stderr, "usage: modload FILE [PARAM=VALUE...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		int n = snprintf(params + len, sizeof(params) - len, "%s%s",
				 len ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(params) - len) {
			fprintf(stderr, "modload: parameters too long\n");
			return 2;
		}
		len += n;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(SYS_finit_module, fd, params, 0)) {
		fprintf(stderr, "modload: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}
