// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_devtest: open the tdx_quote device, check that it is a character
 * device that refuses seeking and unknown ioctls as a misc device should.
 * Exit 0 on success; a message naming the failed check otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/tdx_quote";
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode)) {
		fprintf(stderr, "%s is not a character device\n", path);
		return 1;
	}
	if (lseek(fd, 0, SEEK_SET) != -1 || errno != ESPIPE) {
		fprintf(stderr, "lseek: expected ESPIPE, got %s\n", strerror(errno));
		return 1;
	}
	if (ioctl(fd, _IO('X', 0x7f)) != -1 || errno != ENOTTY) {
		fprintf(stderr, "unknown ioctl: expected ENOTTY, got %s\n",
			strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}
