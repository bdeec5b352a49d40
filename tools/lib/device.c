// SPDX-License-Identifier: GPL-2.0
/*
 * libtdxquote: /dev/tdx_quote and its sysfs attributes
 * (include/uapi/linux/tdx_quote.h, docs/ABI/sysfs-class-misc-tdx_quote).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/tdx_quote.h>

#include "tdxq.h"

int tdxq_dev_open(const char *path)
{
	int fd = open(path ? path : TDXQ_DEV_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int tdxq_dev_info(int fd, struct tdx_quote_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	if (ioctl(fd, TDX_QUOTE_GET_INFO, info) < 0)
		return -errno;
	return 0;
}

/* One GET_QUOTE into buf (cap bytes): 0 or -errno; *need, *st set. */
static int get_once(int fd, const uint8_t *in, size_t in_len, uint64_t td,
		    uint8_t *buf, size_t cap, size_t *need, uint64_t *st)
{
	struct tdx_quote_req req;
	int rc = 0;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.td = td;
	req.in_ptr = (uintptr_t)in;
	req.in_len = (uint32_t)in_len;
	req.out_ptr = (uintptr_t)buf;
	req.out_len = (uint32_t)cap;
	if (ioctl(fd, TDX_QUOTE_GET_QUOTE, &req) < 0)
		rc = -errno;
	*need = req.quote_len;
	*st = req.tdx_status;
	return rc;
}

int tdxq_dev_get_quote(int fd, const uint8_t *in, size_t in_len, uint64_t td,
		       uint8_t **quote, size_t *len, uint64_t *tdx_status)
{
	struct tdx_quote_info info;
	uint64_t st = 0;
	uint8_t *buf, *nb;
	size_t cap, need = 0;
	int rc;

	*quote = NULL;
	*len = 0;
	if (tdx_status)
		*tdx_status = 0;
	if (!in_len || in_len > TDX_QUOTE_MAX_INPUT)
		return -EINVAL;
	rc = tdxq_dev_info(fd, &info);
	if (rc)
		return rc;
	if (info.state != TDX_QUOTE_STATE_READY || !info.max_quote_size)
		return -EOPNOTSUPP;
	cap = info.max_quote_size;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	rc = get_once(fd, in, in_len, td, buf, cap, &need, &st);
	if (rc == -ENOSPC && need > cap && need <= UINT32_MAX) {
		nb = realloc(buf, need);
		if (!nb) {
			rc = -ENOMEM;
			goto out;
		}
		buf = nb;
		cap = need;
		rc = get_once(fd, in, in_len, td, buf, cap, &need, &st);
	}
	if (!rc && (!need || need > cap))
		rc = -EIO;		/* the driver promised otherwise */
out:
	if (tdx_status)
		*tdx_status = st;
	if (rc) {
		free(buf);
		return rc;
	}
	*quote = buf;
	*len = need;
	return 0;
}

int tdxq_sysfs_read(const char *name, char *buf, size_t len)
{
	char path[256];

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", TDXQ_SYSFS_DIR, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	return tdxq_read_line(path, buf, len);
}
