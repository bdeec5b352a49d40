// SPDX-License-Identifier: GPL-2.0
/*
 * tdx-quote ok: is quoting usable on this host?  One line per check, in
 * dependency order; a check whose premise failed is skipped, not failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/tdx_quote.h>

#include "cli.h"

#define SIM_DIR		"/sys/kernel/debug/tdx_ext_sim"
#define MOD_DIR		"/sys/module/tdx_ext"

struct ok_state {
	int n_fail;
};

static void line(struct ok_state *st, const char *tag, const char *what,
		 const char *remedy, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void line(struct ok_state *st, const char *tag, const char *what,
		 const char *remedy, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	printf("[%s] %s: %s\n", tag, what, detail);
	if (remedy)
		printf("       remedy: %s\n", remedy);
	if (!strcmp(tag, "FAIL"))
		st->n_fail++;
}

static int write_text(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return (size_t)n == len ? 0 : -EIO;
}

static int random_bytes(uint8_t *b, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, b, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

/*
 * Split the driver's "CAUSE; remedy: REMEDY" (its refusal and diagnosis
 * lines) in place; *remedy is NULL when there is none.
 */
static void split_remedy(char *line, char **remedy)
{
	char *r = strstr(line, "; remedy: ");

	*remedy = NULL;
	if (r) {
		*r = '\0';
		*remedy = r + strlen("; remedy: ");
	}
}

/*
 * Why the last load of tdx_ext was refused: its last "tdx_ext: refused:"
 * line in the kernel log, unless a successful load came after it.  The
 * cause goes to cause[] (split_remedy() form).  0, or -ENOENT when there
 * is none, or -errno when the log cannot be read (dmesg_restrict: root).
 */
static int last_refusal(char *cause, size_t cap)
{
	static const char tag[] = "tdx_ext: refused: ";
	char *buf, *p, *q, *eol, *found = NULL;
	int len, n;

	len = klogctl(10, NULL, 0);		/* SYSLOG_ACTION_SIZE_BUFFER */
	if (len <= 0)
		return len < 0 ? -errno : -ENOENT;
	buf = malloc((size_t)len + 1);
	if (!buf)
		return -ENOMEM;
	n = klogctl(3, buf, len);		/* SYSLOG_ACTION_READ_ALL */
	if (n < 0) {
		n = -errno;
		free(buf);
		return n;
	}
	buf[n] = '\0';
	for (p = buf; p && *p; p = eol ? eol + 1 : NULL) {
		eol = strchr(p, '\n');
		if (eol)
			*eol = '\0';
		if (strstr(p, "tdx_ext: version "))
			found = NULL;		/* a later load worked */
		else if ((q = strstr(p, tag)))
			found = q + strlen(tag);
	}
	if (found)
		snprintf(cause, cap, "%s", found);
	free(buf);
	return found ? 0 : -ENOENT;
}

/* Quote in[] via fd, verify against t, compare report_data; 0 on success. */
static int quote_and_check(int fd, const uint8_t *rep, uint64_t td,
			   struct tdxq_trust *t, const struct tdxq_policy *pol,
			   char *why, size_t cap, size_t *qlen_out)
{
	struct tdxq_result res;
	struct tdxq_err e = { "", 0 };
	enum tdxq_status s;
	uint8_t *q = NULL;
	uint64_t st = 0;
	size_t qlen = 0;
	int rc;

	rc = tdxq_dev_get_quote(fd, rep, TDXQ_TDREPORT_SIZE, td, &q, &qlen,
				&st);
	if (rc) {
		snprintf(why, cap, "GET_QUOTE: %s (%s), TDX status 0x%016" PRIx64,
			 strerror(-rc), errno_name(-rc), st);
		return -1;
	}
	*qlen_out = qlen;
	s = tdxq_verify(q, qlen, t, pol, (time_t)-1, &res, &e);
	free(q);
	if (s) {
		snprintf(why, cap, "the %zu-byte quote does not verify: %s: %s",
			 qlen, tdxq_status_name(s), e.msg);
		tdxq_result_free(&res);
		return -1;
	}
	if (memcmp(res.quote->report_data, rep + 128, TDXQ_REPORT_DATA_SIZE)) {
		snprintf(why, cap, "the quote's report_data is not the report's REPORTDATA");
		tdxq_result_free(&res);
		return -1;
	}
	snprintf(why, cap, "%zu-byte quote verified via %zu certificates to %s; report_data matches",
		 qlen, res.path_len, res.path[res.path_len - 1].subject);
	tdxq_result_free(&res);
	return 0;
}

static void round_trip_sim(struct ok_state *st, int fd)
{
	static const char what[] = "round trip";
	uint8_t rd[TDXQ_REPORT_DATA_SIZE], mrtd[48], rep[TDXQ_TDREPORT_SIZE];
	char path[256], buf[256], hex[2 * sizeof(rd) + 1], why[600];
	struct tdxq_policy *pol = NULL;
	struct tdxq_trust *t = NULL;
	struct tdxq_err e = { "", 0 };
	unsigned long id = 0;
	uint64_t td = 0;
	size_t got = 0, qlen = 0;
	int rc, rfd, created = 0;

	if (access(SIM_DIR, F_OK)) {
		line(st, "SKIP", what, "mount -t debugfs none /sys/kernel/debug (as root)",
		     "%s is absent: debugfs is not mounted, or you are not root",
		     SIM_DIR);
		return;
	}
	if (random_bytes(rd, sizeof(rd)) || random_bytes(mrtd, sizeof(mrtd))) {
		line(st, "FAIL", what, NULL, "cannot read /dev/urandom");
		return;
	}
	t = tdxq_trust_new();
	pol = tdxq_policy_new();
	if (!t || !pol) {
		line(st, "FAIL", what, NULL, "out of memory");
		goto out;
	}
	if (tdxq_trust_add_file(t, SIM_DIR "/root_cert.pem", &e)) {
		line(st, "FAIL", what, "check that quoting is ready (QUOTE.INIT ran)",
		     "the simulator's root: %s", e.msg);
		goto out;
	}
	tdxq_hex(mrtd, sizeof(mrtd), hex);
	snprintf(buf, sizeof(buf), "mrtd=%s\n", hex);
	rc = write_text(SIM_DIR "/td_create", buf);
	if (!rc)
		rc = tdxq_read_line(SIM_DIR "/td_create", buf, sizeof(buf));
	if (!rc) {
		char *end;

		id = strtoul(buf, &end, 10);
		if (end == buf)
			rc = -EIO;
	}
	if (rc) {
		line(st, "FAIL", what, "run as root; see dmesg",
		     "creating a test TD through %s/td_create: %s", SIM_DIR,
		     strerror(-rc));
		goto out;
	}
	created = 1;
	snprintf(path, sizeof(path), SIM_DIR "/tds/%lu/handle", id);
	rc = tdxq_read_line(path, buf, sizeof(buf));
	if (!rc) {
		char *end;

		td = strtoull(buf, &end, 0);
		if (end == buf)
			rc = -EIO;
	}
	if (rc) {
		line(st, "FAIL", what, NULL, "%s: %s", path, strerror(-rc));
		goto out;
	}
	snprintf(path, sizeof(path), SIM_DIR "/tds/%lu/report", id);
	rfd = open(path, O_RDWR | O_CLOEXEC);
	rc = rfd < 0 ? -errno : 0;
	if (!rc) {
		tdxq_hex(rd, sizeof(rd), hex);
		if (write(rfd, hex, strlen(hex)) != (ssize_t)strlen(hex))
			rc = -errno ? -errno : -EIO;
		while (!rc && got < sizeof(rep)) {
			ssize_t n = read(rfd, rep + got, sizeof(rep) - got);

			if (n < 0)
				rc = -errno;
			else if (!n)
				rc = -EIO;
			else
				got += (size_t)n;
		}
		close(rfd);
	}
	if (rc) {
		line(st, "FAIL", what, NULL, "getting a TDREPORT from %s: %s",
		     path, strerror(-rc));
		goto out;
	}
	if (memcmp(rep + 128, rd, sizeof(rd))) {
		line(st, "FAIL", what, NULL,
		     "the simulator's TDREPORT does not hold the REPORTDATA written");
		goto out;
	}
	tdxq_hex(mrtd, sizeof(mrtd), hex);
	/* a simulated quote carries the simulator's own profile */
	if (tdxq_policy_set(pol, "mrtd", hex, &e) ||
	    tdxq_policy_set(pol, "eat_profile", "tdx-ext-simulator", &e)) {
		line(st, "FAIL", what, NULL, "%s", e.msg);
		goto out;
	}
	if (quote_and_check(fd, rep, td, t, pol, why, sizeof(why), &qlen))
		line(st, "FAIL", what, "see dmesg; tdx-quote info", "%s", why);
	else
		line(st, " OK ", what, NULL, "test TD %lu: %s (simulated root)",
		     id, why);
out:
	if (created) {
		snprintf(buf, sizeof(buf), "%lu\n", id);
		write_text(SIM_DIR "/td_destroy", buf);
	}
	tdxq_trust_free(t);
	tdxq_policy_free(pol);
}

static void round_trip_hw(struct ok_state *st, int fd, const char *report,
			  const char *root, uint64_t td)
{
	static const char what[] = "round trip";
	struct tdxq_trust *t;
	struct tdxq_err e = { "", 0 };
	uint8_t *rep = NULL;
	size_t len = 0, qlen = 0;
	char why[600];
	int rc;

	if (!report || !root) {
		line(st, "SKIP", what, NULL,
		     "needs a TDREPORT from a TD and the root to pin: tdx-quote ok --report FILE --root %s",
		     "data/dcp-dice-global-root-ca.pem");
		return;
	}
	rc = tdxq_read_file(report, TDXQ_TDREPORT_SIZE, &rep, &len);
	if (rc || len != TDXQ_TDREPORT_SIZE) {
		line(st, "FAIL", what, "give a 1024-byte TDREPORT from a TD",
		     "%s: %s", report, rc ? strerror(-rc) : "not 1024 bytes");
		free(rep);
		return;
	}
	t = tdxq_trust_new();
	if (!t || tdxq_trust_add_file(t, root, &e)) {
		line(st, "FAIL", what, NULL, "%s", t ? e.msg : "out of memory");
	} else if (quote_and_check(fd, rep, td, t, NULL, why, sizeof(why),
				   &qlen)) {
		line(st, "FAIL", what, strstr(why, "EDESTADDRREQ") ?
		     "give the TD's handle with --td (docs/hardware.md)" :
		     "see dmesg; tdx-quote info", "%s", why);
	} else {
		line(st, " OK ", what, NULL, "%s", why);
	}
	tdxq_trust_free(t);
	free(rep);
}

int cmd_ok(int argc, char **argv)
{
	const char *dev = TDXQ_DEV_PATH, *report = NULL, *root = NULL;
	const char *td_arg = NULL;
	uint64_t td = 0;
	char ver[64], backend[32] = "", state[64] = "", pages[32], donated[32];
	char qis[64] = "", devno[32];
	struct ok_state st = { 0 };
	struct tdx_quote_info info;
	int loaded, sim = 0, ready = 0, node_ok = 0, fd = -1, i, rc;
	struct stat sb;

	for (i = 1; i < argc; i++) {
		const char **dst = !strcmp(argv[i], "--device") ? &dev :
				   !strcmp(argv[i], "--report") ? &report :
				   !strcmp(argv[i], "--root") ? &root :
				   !strcmp(argv[i], "--td") ? &td_arg : NULL;

		if (!dst) {
			fprintf(stderr, "usage: tdx-quote ok [--device PATH] [--report FILE --root PEM [--td HANDLE]]\n");
			return 1;
		}
		*dst = opt_arg(argc, argv, &i, "ok");
		if (!*dst)
			return 1;
	}
	if (td_arg) {
		char *end;

		errno = 0;
		td = strtoull(td_arg, &end, 0);
		if (errno || end == td_arg || *end || td_arg[0] == '-') {
			fprintf(stderr, "tdx-quote ok: --td wants a number (e.g. 0x1234000), not '%s'\n",
				td_arg);
			return 1;
		}
	}

	/* the module */
	loaded = access(MOD_DIR, F_OK) == 0;
	if (loaded) {
		if (tdxq_read_line(MOD_DIR "/version", ver, sizeof(ver)) || !ver[0])
			snprintf(ver, sizeof(ver), "unknown version");
		line(&st, " OK ", "module tdx_ext loaded", NULL, "%s", ver);
	} else {
		char cause[512], *remedy;

		rc = last_refusal(cause, sizeof(cause));
		if (!rc) {
			split_remedy(cause, &remedy);
			line(&st, "FAIL", "module tdx_ext loaded",
			     remedy ? remedy : "see dmesg",
			     "not loaded; its last load was refused: %s", cause);
		} else {
			line(&st, "FAIL", "module tdx_ext loaded",
			     rc == -EPERM || rc == -EACCES ?
			     "modprobe tdx_ext; run tdx-quote ok as root to read why a load was refused" :
			     "modprobe tdx_ext", "%s is absent", MOD_DIR);
		}
	}

	/* what the driver says through sysfs */
	if (!loaded) {
		line(&st, "SKIP", "backend", NULL, "module not loaded");
		line(&st, "SKIP", "engine state", NULL, "module not loaded");
		line(&st, "SKIP", "pool donated", NULL, "module not loaded");
		line(&st, "SKIP", "quoting ready", NULL, "module not loaded");
	} else {
		rc = tdxq_sysfs_read("backend", backend, sizeof(backend));
		if (rc)
			line(&st, "FAIL", "backend", "check dmesg for tdx_ext errors",
			     "%s/backend: %s", TDXQ_SYSFS_DIR, strerror(-rc));
		else if (!strcmp(backend, "sim"))
			line(&st, "WARN", "backend", NULL,
			     "sim (simulated: quotes are not trustworthy)");
		else
			line(&st, " OK ", "backend", NULL, "%s", backend);
		sim = !strcmp(backend, "sim");

		rc = tdxq_sysfs_read("state", state, sizeof(state));
		if (rc)
			line(&st, "FAIL", "engine state", "check dmesg for tdx_ext errors",
			     "%s/state: %s", TDXQ_SYSFS_DIR, strerror(-rc));
		else if (!strcmp(state, "initializing"))
			line(&st, "FAIL", "engine state",
			     "wait for bring-up to finish, then check dmesg",
			     "initializing");
		else
			line(&st, " OK ", "engine state", NULL,
			     "%s (Extensions initialised)", state);

		if (tdxq_sysfs_read("pool_pages", pages, sizeof(pages)) ||
		    tdxq_sysfs_read("pool_donated", donated, sizeof(donated))) {
			line(&st, "FAIL", "pool donated", "check dmesg for tdx_ext errors",
			     "cannot read pool_pages / pool_donated");
		} else if (!strcmp(pages, donated)) {
			line(&st, " OK ", "pool donated", NULL,
			     "%s of %s pages", donated, pages);
		} else if (!strcmp(donated, "0") && state[0] &&
			   strcmp(state, "initializing")) {
			line(&st, " OK ", "pool donated", NULL,
			     "0 of %s pages by this load: the TDX module kept the pool of an earlier load",
			     pages);
		} else {
			line(&st, "FAIL", "pool donated",
			     "check dmesg (out of memory?), then rmmod tdx_ext && modprobe tdx_ext",
			     "%s of %s pages", donated, pages);
		}

		tdxq_sysfs_read("quote_init_status", qis, sizeof(qis));
		if (!strcmp(state, "ready")) {
			ready = 1;
			line(&st, " OK ", "quoting ready", NULL,
			     "state ready, quote_init_status %s",
			     qis[0] ? qis : "?");
		} else if (!strcmp(state, "initializing") || !state[0]) {
			line(&st, "SKIP", "quoting ready", NULL,
			     "the engine is not up");
		} else {
			char diag[512], *remedy = NULL;

			if (tdxq_sysfs_read("diagnosis", diag, sizeof(diag)) ||
			    !strcmp(diag, "none"))
				snprintf(diag, sizeof(diag), "see dmesg");
			else
				split_remedy(diag, &remedy);
			line(&st, "FAIL", "quoting ready",
			     remedy ? remedy : "see dmesg",
			     "state %s, quote_init_status %s: %s", state,
			     qis[0] ? qis : "?", diag);
		}
	}

	/* the node */
	if (!loaded) {
		line(&st, "SKIP", "device node", NULL, "module not loaded");
	} else if (stat(dev, &sb)) {
		line(&st, "FAIL", "device node",
		     "check udev (udevadm trigger) and dmesg", "%s: %s", dev,
		     strerror(errno));
	} else if (!S_ISCHR(sb.st_mode)) {
		line(&st, "FAIL", "device node",
		     "remove the stray file; udev creates the node",
		     "%s is not a character device", dev);
	} else {
		unsigned int ma, mi;

		rc = tdxq_sysfs_read("dev", devno, sizeof(devno));
		if (rc || sscanf(devno, "%u:%u", &ma, &mi) != 2) {
			line(&st, "FAIL", "device node", "check dmesg",
			     "%s/dev: %s", TDXQ_SYSFS_DIR,
			     rc ? strerror(-rc) : "unreadable");
		} else if (major(sb.st_rdev) != ma || minor(sb.st_rdev) != mi) {
			line(&st, "FAIL", "device node",
			     "remove the stale node; udevadm trigger recreates it",
			     "%s is %u:%u, the driver's is %u:%u", dev,
			     major(sb.st_rdev), minor(sb.st_rdev), ma, mi);
		} else {
			node_ok = 1;
			line(&st, " OK ", "device node", NULL,
			     "%s char %u:%u", dev, ma, mi);
		}
	}

	/* permissions */
	if (!node_ok) {
		line(&st, "SKIP", "permissions", NULL, "no usable device node");
	} else {
		if (sb.st_mode & 0007)
			line(&st, "FAIL", "permissions",
			     "install packaging/udev/60-tdx-quote.rules, then udevadm trigger",
			     "%s is mode %04o: others have access", dev,
			     (unsigned int)(sb.st_mode & 07777));
		else
			line(&st, " OK ", "permissions", NULL,
			     "mode %04o uid %u gid %u",
			     (unsigned int)(sb.st_mode & 07777),
			     (unsigned int)sb.st_uid, (unsigned int)sb.st_gid);
		fd = tdxq_dev_open(dev);
		if (fd < 0)
			line(&st, "FAIL", "open", -fd == EACCES || -fd == EPERM ?
			     "add the user to the group tdx-quote (usermod -aG tdx-quote USER; log in again), or run as root" :
			     "see dmesg", "%s: %s (%s)", dev, strerror(-fd),
			     errno_name(-fd));
		else
			line(&st, " OK ", "open", NULL, "%s read-write", dev);
	}
	if (fd >= 0) {
		rc = tdxq_dev_info(fd, &info);
		if (rc) {
			line(&st, "FAIL", "GET_INFO", "see dmesg", "%s (%s)",
			     strerror(-rc), errno_name(-rc));
			close(fd);
			fd = -1;
		} else if (info.state != TDX_QUOTE_STATE_READY) {
			ready = 0;
		}
	}

	/* the round trip */
	if (fd < 0)
		line(&st, "SKIP", "round trip", NULL, "the device is not usable");
	else if (!ready)
		line(&st, "SKIP", "round trip", NULL, "quoting is not ready");
	else if (sim)
		round_trip_sim(&st, fd);
	else
		round_trip_hw(&st, fd, report, root, td);
	if (fd >= 0)
		close(fd);

	printf("%s\n", st.n_fail ? "not ok" : "ok");
	return st.n_fail ? 1 : 0;
}
