// SPDX-License-Identifier: GPL-2.0
/*
 * quote_test: kselftest-style tests of /dev/tdx_quote's ioctls
 * (include/uapi/linux/tdx_quote.h), run in the test VM against the
 * simulated TDX module (tests/vm/suite/50-quote.sh).
 *
 *   quote_test info [--max-quote-size N]
 *   quote_test get --report FILE --td HANDLE -o OUT [--out-len N]
 *   quote_test errors --report FILE --td HANDLE --other-td HANDLE2
 *   quote_test fuzz N --seed S --report FILE --td HANDLE [--other-td H2]
 *                     [--max-seconds T]
 *   quote_test stress --procs P --quotes Q --report-dir DIR
 *   quote_test nonblock --report FILE --td HANDLE [--children C]
 *   quote_test kill --report FILE --td HANDLE
 *   quote_test expect NAME --report FILE --td HANDLE --errno E[,E...]
 *                     [--status HEX] [--max-seconds T]
 *   quote_test unavailable
 *
 * Every check prints "ok NAME" or "not ok NAME # REASON" (errno names,
 * TDX statuses in hex); figures are printed as "# ..." lines.  The exit
 * status is 1 when a check failed, 2 on bad usage.
 *
 * HANDLE is a TD handle as the simulator prints it (0x...), or 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/tdx_quote.h>

#define INFO_V1		((uint32_t)sizeof(struct tdx_quote_info))
#define REQ_V1		((uint32_t)sizeof(struct tdx_quote_req))
#define PG		4096u
#define IOC_RW		(_IOC_READ | _IOC_WRITE)

/* Statuses of the simulated TDX module (docs/simulator.md). */
#define ST_SUCCESS		0x0000000000000000ull
#define ST_REPORT_INVALID	0xC000300000000000ull
#define ST_TD_MISMATCH		0xC000300100000000ull
#define ST_INPUT_INVALID	0xC000300400000000ull
#define ST_OPERAND_INVALID_RCX	0xC000010000000001ull

/* TDREPORT offsets (ABI.md section 6). */
#define REPORTDATA_OFF	128
#define REPORTDATA_LEN	64
#define MRTD_OFF	528
#define MRTD_LEN	48

/* Addresses no process has mapped. */
#define ADDR_KERNEL	0xffffffff81000000ull
#define ADDR_NONCANON	0x8000000000000000ull
#define ADDR_TOP	0xfffffffffffff000ull
#define BOGUS_TD	0x1000ull

static const unsigned char quote_magic[4] = { 0xd8, 0x3d, 0xd2, 0x84 };
static const char *dev_path = "/dev/tdx_quote";
static int n_failed;

/* ---- result lines -------------------------------------------------------- */

static void ok(const char *name)
{
	printf("ok %s\n", name);
}

__attribute__((format(printf, 2, 3)))
static void not_ok(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("not ok %s # ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	n_failed++;
}

/* CHECK(cond, name, fmt, ...): ok, or not ok with the reason. */
#define CHECK(c, name, ...) \
	((c) ? (ok(name), true) : (not_ok(name, __VA_ARGS__), false))

static const char *errname(int e)
{
	static char buf[32];

	switch (e) {
	case 0: return "success";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ENOTTY: return "ENOTTY";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case EBADMSG: return "EBADMSG";
	case EOVERFLOW: return "EOVERFLOW";
	case EMSGSIZE: return "EMSGSIZE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECANCELED: return "ECANCELED";
	case EDESTADDRREQ: return "EDESTADDRREQ";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

static int errno_by_name(const char *s)
{
	static const int all[] = {
		EPERM, ENOENT, EINTR, EIO, E2BIG, EAGAIN, ENOMEM, EACCES,
		EFAULT, EBUSY, ENODEV, EINVAL, ENOSPC, ENOTTY, EBADMSG,
		EOPNOTSUPP, ETIMEDOUT, EDESTADDRREQ,
	};
	size_t i;

	if (!strcmp(s, "0") || !strcmp(s, "success"))
		return 0;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(s, errname(all[i])))
			return all[i];
	return -1;
}

/* One request's outcome, for reasons: "EINVAL, tdx_status 0x..., ...". */
static const char *rdesc(int e, const struct tdx_quote_req *r)
{
	static char buf[160];

	snprintf(buf, sizeof(buf), "%s, tdx_status 0x%016llx, quote_len %u",
		 errname(e), (unsigned long long)r->tdx_status, r->quote_len);
	return buf;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the device ----------------------------------------------------------- */

static int open_dev(int flags)
{
	int fd = open(dev_path, O_RDWR | O_CLOEXEC | flags);

	if (fd < 0) {
		not_ok("open", "%s: %s", dev_path, strerror(errno));
		exit(1);
	}
	return fd;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? errno : 0;
}

static int quote_ioctl(int fd, struct tdx_quote_req *r)
{
	return xioctl(fd, TDX_QUOTE_GET_QUOTE, r);
}

static struct tdx_quote_info g_info;

/* GET_INFO into g_info; exits when it fails, nothing else works then. */
static void load_info(int fd)
{
	int e;

	memset(&g_info, 0, sizeof(g_info));
	g_info.size = INFO_V1;
	e = xioctl(fd, TDX_QUOTE_GET_INFO, &g_info);
	if (e) {
		not_ok("get-info", "GET_INFO: %s", errname(e));
		exit(1);
	}
	if (!g_info.max_quote_size) {
		not_ok("get-info", "max_quote_size 0 (state %u)", g_info.state);
		exit(1);
	}
}

static struct tdx_quote_req mkreq(uint64_t td, const void *in, uint32_t in_len,
				  void *out, uint32_t out_len)
{
	struct tdx_quote_req r;

	memset(&r, 0, sizeof(r));
	r.size = REQ_V1;
	r.td = td;
	r.in_ptr = (uintptr_t)in;
	r.in_len = in_len;
	r.out_ptr = (uintptr_t)out;
	r.out_len = out_len;
	/* outputs: garbage, so that a result proves the driver wrote them */
	r.quote_len = 0xdeadbeef;
	r.tdx_status = 0x5a5a5a5a5a5a5a5aull;
	return r;
}

/* ---- inputs --------------------------------------------------------------- */

static unsigned char *read_file(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	for (;;) {
		if (n == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			close(fd);
			return NULL;
		}
		if (!r)
			break;
		n += r;
	}
	close(fd);
	*len = n;
	return buf;
}

static bool write_file(const char *path, const void *data, size_t len)
{
	const unsigned char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t r;

	if (fd < 0)
		return false;
	while (len) {
		r = write(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			return false;
		}
		p += r;
		len -= r;
	}
	return !close(fd);
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	while (*end == '\n' || *end == ' ' || *end == '\t' || *end == '\r')
		end++;
	return !errno && !*end;
}

/* A 1024-byte TDREPORT from FILE; exits when it is not one. */
static unsigned char *load_report(const char *path)
{
	size_t len;
	unsigned char *r;

	if (!path) {
		not_ok("args", "--report FILE is required");
		exit(2);
	}
	r = read_file(path, &len);
	if (!r || len != TDX_QUOTE_TDREPORT_SIZE) {
		not_ok("report", "%s: %s", path,
		       r ? "not 1024 bytes" : strerror(errno));
		exit(1);
	}
	return r;
}

static uint64_t need_handle(const char *s, const char *opt)
{
	uint64_t v;

	if (!parse_u64(s, &v)) {
		not_ok("args", "%s needs a TD handle (0x...), not '%s'", opt,
		       s ? s : "");
		exit(2);
	}
	return v;
}

/* ---- memory with holes ------------------------------------------------------ */

/*
 * Two read-write pages followed by an inaccessible one, and a read-only
 * page: for pointers that are valid, partly valid or read-only.
 */
struct arena {
	unsigned char *rw;	/* 2 pages */
	unsigned char *guard;	/* PROT_NONE */
	unsigned char *ro;	/* PROT_READ */
};

static void arena_init(struct arena *a)
{
	unsigned char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		not_ok("mmap", "%s", strerror(errno));
		exit(1);
	}
	a->rw = p;
	a->guard = p + 2 * PG;
	a->ro = p + 3 * PG;
	if (mprotect(a->guard, PG, PROT_NONE) ||
	    mprotect(a->ro, PG, PROT_READ)) {
		not_ok("mprotect", "%s", strerror(errno));
		exit(1);
	}
}

/* Fill the read-only page with LEN bytes of DATA, the rest zero. */
static void arena_ro_set(struct arena *a, const void *data, size_t len)
{
	if (mprotect(a->ro, PG, PROT_READ | PROT_WRITE)) {
		not_ok("mprotect", "%s", strerror(errno));
		exit(1);
	}
	memset(a->ro, 0, PG);
	memcpy(a->ro, data, len);
	mprotect(a->ro, PG, PROT_READ);
}

/* An output buffer of CAP bytes, filled with a canary, then a guard page. */
#define CANARY	0xa5
struct outbuf {
	unsigned char *p;
	size_t cap;
};

static void outbuf_init(struct outbuf *o, size_t cap)
{
	size_t len = (cap + PG - 1) / PG * PG;
	unsigned char *p = mmap(NULL, len + PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		not_ok("mmap", "%zu bytes: %s", len + PG, strerror(errno));
		exit(1);
	}
	mprotect(p + len, PG, PROT_NONE);
	/* the buffer ends right at the guard page */
	o->p = p + len - cap;
	o->cap = cap;
	memset(o->p, CANARY, cap);
}

/* First offset in [from, to) of O that is not the canary, or -1. */
static long canary_broken(const struct outbuf *o, size_t from, size_t to)
{
	size_t i;

	if (to > o->cap)
		to = o->cap;
	for (i = from; i < to; i++)
		if (o->p[i] != CANARY)
			return (long)i;
	return -1;
}

/* ---- a reference quote ------------------------------------------------------ */

struct quote {
	unsigned char *p;
	uint32_t len;
};

/*
 * One quote for REPORT from TD into Q (malloc'd), out_len max_quote_size.
 * Returns the errno; *req gets the request as the driver left it.
 */
static int get_quote(int fd, uint64_t td, const unsigned char *report,
		     struct quote *q, struct tdx_quote_req *req)
{
	unsigned char *buf = malloc(g_info.max_quote_size);
	struct tdx_quote_req r;
	int e;

	q->p = NULL;
	q->len = 0;
	if (!buf)
		return ENOMEM;
	r = mkreq(td, report, TDX_QUOTE_TDREPORT_SIZE, buf,
		  g_info.max_quote_size);
	e = quote_ioctl(fd, &r);
	if (req)
		*req = r;
	if (e || !r.quote_len || r.quote_len > g_info.max_quote_size) {
		free(buf);
		return e ? e : ERANGE;
	}
	q->p = buf;
	q->len = r.quote_len;
	return 0;
}

static bool same_quote(const struct quote *a, const unsigned char *p,
		       uint32_t len)
{
	return a->len == len && !memcmp(a->p, p, len);
}

/* A reference quote, or exit: later checks compare against it. */
static void ref_quote(int fd, uint64_t td, const unsigned char *report,
		      struct quote *ref, const char *name)
{
	struct tdx_quote_req r;
	int e = get_quote(fd, td, report, ref, &r);

	if (!CHECK(!e && !memcmp(ref->p, quote_magic, 4), name,
		   "a good request: %s", rdesc(e, &r)))
		exit(1);
}

/* A good quote still works, identical to REF, and the state is READY. */
static void state_intact(int fd, uint64_t td, const unsigned char *report,
			 const struct quote *ref, const char *prefix)
{
	struct tdx_quote_req r;
	struct quote q;
	char name[64];
	int e;

	e = get_quote(fd, td, report, &q, &r);
	snprintf(name, sizeof(name), "%s-good-quote-after", prefix);
	CHECK(!e && same_quote(ref, q.p, q.len), name, "%s%s", rdesc(e, &r),
	      e ? "" : " (a different quote than before)");
	free(q.p);
	load_info(fd);
	snprintf(name, sizeof(name), "%s-state-ready-after", prefix);
	CHECK(g_info.state == TDX_QUOTE_STATE_READY, name, "state %u",
	      g_info.state);
}

/* ---- options ------------------------------------------------------------------ */

static struct {
	const char *report, *td, *other_td, *out, *report_dir, *errnos;
	const char *status;
	uint64_t seed, procs, quotes, max_seconds, max_quote_size, out_len;
	uint64_t children, n;
	bool have_status, have_n, have_max_seconds;
	const char *name;
} opt = { .seed = 1, .procs = 4, .quotes = 4, .max_seconds = 120,
	  .children = 8 };

static void usage(void)
{
	fprintf(stderr,
		"usage: quote_test info [--max-quote-size N]\n"
		"       quote_test get --report FILE --td HANDLE -o OUT [--out-len N]\n"
		"       quote_test errors --report FILE --td HANDLE --other-td HANDLE2\n"
		"       quote_test fuzz N --seed S --report FILE --td HANDLE [--other-td H2] [--max-seconds T]\n"
		"       quote_test stress --procs P --quotes Q --report-dir DIR\n"
		"       quote_test nonblock --report FILE --td HANDLE [--children C]\n"
		"       quote_test kill --report FILE --td HANDLE\n"
		"       quote_test expect NAME --report FILE --td HANDLE --errno E[,E] [--status HEX] [--max-seconds T]\n"
		"       quote_test unavailable\n"
		"options: --dev PATH (default /dev/tdx_quote)\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	int i;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t *num = NULL;
		const char **str = NULL;

		if (!strcmp(a, "--report")) str = &opt.report;
		else if (!strcmp(a, "--td")) str = &opt.td;
		else if (!strcmp(a, "--other-td")) str = &opt.other_td;
		else if (!strcmp(a, "-o")) str = &opt.out;
		else if (!strcmp(a, "--report-dir")) str = &opt.report_dir;
		else if (!strcmp(a, "--errno")) str = &opt.errnos;
		else if (!strcmp(a, "--dev")) str = &dev_path;
		else if (!strcmp(a, "--status")) {
			str = &opt.status;
			opt.have_status = true;
		}
		else if (!strcmp(a, "--seed")) num = &opt.seed;
		else if (!strcmp(a, "--procs")) num = &opt.procs;
		else if (!strcmp(a, "--quotes")) num = &opt.quotes;
		else if (!strcmp(a, "--max-seconds")) {
			num = &opt.max_seconds;
			opt.have_max_seconds = true;
		}
		else if (!strcmp(a, "--max-quote-size")) num = &opt.max_quote_size;
		else if (!strcmp(a, "--out-len")) num = &opt.out_len;
		else if (!strcmp(a, "--children")) num = &opt.children;
		else if (a[0] != '-' && !strcmp(argv[1], "fuzz") && !opt.have_n) {
			if (!parse_u64(a, &opt.n))
				usage();
			opt.have_n = true;
			continue;
		} else if (a[0] != '-' && !strcmp(argv[1], "expect") && !opt.name) {
			opt.name = a;
			continue;
		} else {
			fprintf(stderr, "quote_test: unknown argument '%s'\n", a);
			usage();
		}
		if (!v)
			usage();
		if (str)
			*str = v;
		else if (!parse_u64(v, num))
			usage();
		i++;
	}
}

/* ---- info ---------------------------------------------------------------------- */

static int cmd_info(void)
{
	int fd = open_dev(0);
	struct arena a;
	unsigned char buf[256] __attribute__((aligned(8)));
	struct tdx_quote_info in, big;
	unsigned long cmd;
	uint32_t sizes[] = { 0, 4, INFO_V1 - 8, INFO_V1 - 1 };
	char name[64];
	size_t i;
	int e;

	memset(&in, 0, sizeof(in));
	in.size = INFO_V1;
	in.abi_version = in.backend = in.state = 0xdeadbeef;
	e = xioctl(fd, TDX_QUOTE_GET_INFO, &in);
	if (!CHECK(!e, "get-info", "GET_INFO: %s", errname(e)))
		return 1;
	CHECK(in.abi_version == TDX_QUOTE_ABI_VERSION, "abi-version",
	      "abi_version %u, want %u", in.abi_version, TDX_QUOTE_ABI_VERSION);
	CHECK(in.backend == TDX_QUOTE_BACKEND_SIM, "backend-sim",
	      "backend %u, want %u (SIM)", in.backend, TDX_QUOTE_BACKEND_SIM);
	CHECK(in.state == TDX_QUOTE_STATE_READY, "state-ready",
	      "state %u, want %u (READY)", in.state, TDX_QUOTE_STATE_READY);
	CHECK(in.max_quote_size > 0, "max-quote-size", "max_quote_size 0");
	if (opt.max_quote_size)
		CHECK(in.max_quote_size == opt.max_quote_size,
		      "max-quote-size-is-param", "max_quote_size %u, want %llu",
		      in.max_quote_size, (unsigned long long)opt.max_quote_size);
	CHECK(in.max_input_size == TDX_QUOTE_MAX_INPUT, "max-input-size",
	      "max_input_size %u, want %u", in.max_input_size,
	      TDX_QUOTE_MAX_INPUT);
	CHECK(in.features != 0, "features", "features 0");
	CHECK(in.pool_pages > 0, "pool-pages", "pool_pages 0");
	CHECK(in.seamcalls > 0, "seamcalls-counted",
	      "seamcalls 0 after a bring-up");
	printf("# info: abi %u backend %u state %u features 0x%llx pool_pages %llu max_quote_size %u quotes %llu quote_errors %llu seamcalls %llu resumes %llu\n",
	       in.abi_version, in.backend, in.state,
	       (unsigned long long)in.features,
	       (unsigned long long)in.pool_pages, in.max_quote_size,
	       (unsigned long long)in.quotes,
	       (unsigned long long)in.quote_errors,
	       (unsigned long long)in.seamcalls,
	       (unsigned long long)in.resumes);

	/* older (smaller) structs than v1: EINVAL */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &sizes[i], 4);
		e = xioctl(fd, TDX_QUOTE_GET_INFO, buf);
		snprintf(name, sizeof(name), "size-%u-einval", sizes[i]);
		CHECK(e == EINVAL, name, "%s, want EINVAL", errname(e));
	}

	/* a newer struct, zero beyond v1: accepted, the tail untouched */
	memset(buf, 0, sizeof(buf));
	big.size = sizeof(buf);
	memcpy(buf, &big.size, 4);
	cmd = _IOC(IOC_RW, TDX_QUOTE_IOC_MAGIC, 1, sizeof(buf));
	e = xioctl(fd, cmd, buf);
	memcpy(&big, buf, sizeof(big));
	CHECK(!e && big.abi_version == 1 && big.backend == in.backend &&
	      big.state == in.state && big.max_quote_size == in.max_quote_size,
	      "bigger-struct-zero-tail-ok",
	      "size %zu: %s, abi %u backend %u state %u max_quote_size %u",
	      sizeof(buf), errname(e), big.abi_version, big.backend, big.state,
	      big.max_quote_size);
	for (i = INFO_V1; i < sizeof(buf) && !buf[i]; i++)
		;
	CHECK(i == sizeof(buf), "bigger-struct-tail-untouched",
	      "byte %zu beyond v1 is 0x%02x", i, i < sizeof(buf) ? buf[i] : 0);
	memset(buf, 0, sizeof(buf));
	big.size = INFO_V1 + 8;
	memcpy(buf, &big.size, 4);
	e = xioctl(fd, TDX_QUOTE_GET_INFO, buf);
	CHECK(!e, "v1-plus-8-zero-tail-ok", "size %u with the v1 command: %s",
	      INFO_V1 + 8, errname(e));

	/* a newer struct with a field this kernel does not know: E2BIG */
	{
		uint32_t szs[] = { INFO_V1 + 1, sizeof(buf), sizeof(buf) };
		uint32_t at[] = { INFO_V1, INFO_V1, sizeof(buf) - 1 };

		for (i = 0; i < 3; i++) {
			memset(buf, 0, sizeof(buf));
			memcpy(buf, &szs[i], 4);
			buf[at[i]] = i == 2 ? 0x80 : 1;
			e = xioctl(fd, TDX_QUOTE_GET_INFO, buf);
			snprintf(name, sizeof(name),
				 "size-%u-nonzero-at-%u-e2big", szs[i], at[i]);
			CHECK(e == E2BIG, name, "%s, want E2BIG", errname(e));
		}
	}

	/* the command's size bits are ignored */
	{
		unsigned int bits[] = { 0, 8, 0x3fff };

		for (i = 0; i < 3; i++) {
			memset(&big, 0, sizeof(big));
			big.size = INFO_V1;
			cmd = _IOC(IOC_RW, TDX_QUOTE_IOC_MAGIC, 1, bits[i]);
			e = xioctl(fd, cmd, &big);
			snprintf(name, sizeof(name), "cmd-size-bits-%u-ignored",
				 bits[i]);
			CHECK(!e && big.abi_version == 1, name, "%s",
			      errname(e));
		}
	}

	/* bad pointers: EFAULT */
	arena_init(&a);
	big.size = INFO_V1;
	arena_ro_set(&a, &big, 4);
	{
		struct { const char *n; void *p; } bad[] = {
			{ "efault-null", NULL },
			{ "efault-unmapped", a.guard },
			{ "efault-kernel-address", (void *)(uintptr_t)ADDR_KERNEL },
			{ "efault-read-only", a.ro },
			{ "efault-straddles-guard", a.guard - 8 },
			{ "efault-size-straddles-guard", a.guard - 2 },
		};

		memcpy(a.guard - 8, &big.size, 4);
		memcpy(a.guard - 2, &big.size, 2);
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			e = xioctl(fd, TDX_QUOTE_GET_INFO, bad[i].p);
			CHECK(e == EFAULT, bad[i].n, "%s, want EFAULT",
			      errname(e));
		}
	}

	/* the counters only move forward */
	load_info(fd);
	CHECK(g_info.seamcalls >= in.seamcalls && g_info.quotes >= in.quotes &&
	      g_info.quote_errors >= in.quote_errors, "counters-monotonic",
	      "seamcalls %llu -> %llu, quotes %llu -> %llu",
	      (unsigned long long)in.seamcalls,
	      (unsigned long long)g_info.seamcalls,
	      (unsigned long long)in.quotes, (unsigned long long)g_info.quotes);
	close(fd);
	return n_failed ? 1 : 0;
}

/* ---- get ----------------------------------------------------------------------- */

static int cmd_get(void)
{
	unsigned char *report = load_report(opt.report);
	uint64_t td = need_handle(opt.td, "--td");
	int fd = open_dev(0);
	struct tdx_quote_req r;
	struct outbuf o;
	uint32_t out_len;
	long bad;
	int e;

	if (!opt.out)
		usage();
	load_info(fd);
	out_len = opt.out_len ? (uint32_t)opt.out_len : g_info.max_quote_size;
	outbuf_init(&o, (size_t)out_len + PG);
	r = mkreq(td, report, TDX_QUOTE_TDREPORT_SIZE, o.p, out_len);
	e = quote_ioctl(fd, &r);
	if (!CHECK(!e, "quote", "GET_QUOTE with out_len %u: %s", out_len,
		   rdesc(e, &r)))
		return 1;
	CHECK(r.quote_len > 0 && r.quote_len <= out_len, "quote-len",
	      "quote_len %u, out_len %u", r.quote_len, out_len);
	if (r.quote_len == 0 || r.quote_len > out_len)
		return 1;
	CHECK(r.quote_len <= g_info.max_quote_size, "quote-len-at-most-max",
	      "quote_len %u > max_quote_size %u", r.quote_len,
	      g_info.max_quote_size);
	CHECK(!memcmp(o.p, quote_magic, 4), "quote-magic",
	      "starts %02x %02x %02x %02x, want d8 3d d2 84", o.p[0], o.p[1],
	      o.p[2], o.p[3]);
	CHECK(r.tdx_status == ST_SUCCESS, "tdx-status-0", "tdx_status 0x%016llx",
	      (unsigned long long)r.tdx_status);
	bad = canary_broken(&o, r.quote_len, o.cap);
	CHECK(bad < 0, "nothing-written-past-quote",
	      "byte %ld written (quote_len %u, out_len %u)", bad, r.quote_len,
	      out_len);
	CHECK(memmem(o.p, r.quote_len, report + REPORTDATA_OFF,
		     REPORTDATA_LEN) != NULL, "quote-has-reportdata",
	      "the report's REPORTDATA is not in the quote");
	CHECK(memmem(o.p, r.quote_len, report + MRTD_OFF, MRTD_LEN) != NULL,
	      "quote-has-mrtd", "the report's MRTD is not in the quote");
	if (!CHECK(write_file(opt.out, o.p, r.quote_len), "quote-written",
		   "%s: %s", opt.out, strerror(errno)))
		return 1;
	printf("# get: %u-byte quote (out_len %u, max_quote_size %u)\n",
	       r.quote_len, out_len, g_info.max_quote_size);
	close(fd);
	return n_failed ? 1 : 0;
}

/* ---- errors -------------------------------------------------------------------- */

/*
 * EXPECT_ERR(name, e, r, want, status): errno WANT, and when STATUS is not
 * ~0 the TDX status too.
 */
static void expect_err(const char *name, int e, const struct tdx_quote_req *r,
		       int want, uint64_t status)
{
	if (e != want)
		not_ok(name, "%s, want %s", rdesc(e, r), errname(want));
	else if (status != ~0ull && r->tdx_status != status)
		not_ok(name, "%s, want tdx_status 0x%016llx", rdesc(e, r),
		       (unsigned long long)status);
	else
		ok(name);
}

static int cmd_errors(void)
{
	unsigned char *report = load_report(opt.report);
	uint64_t td = need_handle(opt.td, "--td");
	uint64_t other = need_handle(opt.other_td, "--other-td");
	int fd = open_dev(0);
	unsigned char big[256] __attribute__((aligned(8)));
	unsigned char in4k[TDX_QUOTE_MAX_INPUT + 8], flipped[1024];
	struct tdx_quote_info before;
	struct tdx_quote_req r, base;
	struct quote ref;
	struct outbuf o;
	struct arena a;
	unsigned long cmd;
	unsigned int i, successes = 0, module_errors = 0;
	long bad;
	int e;

	load_info(fd);
	before = g_info;
	ref_quote(fd, td, report, &ref, "ref-quote");
	successes++;
	printf("# errors: reference quote %u bytes\n", ref.len);
	outbuf_init(&o, g_info.max_quote_size);
	arena_init(&a);
	base = mkreq(td, report, TDX_QUOTE_TDREPORT_SIZE, o.p, o.cap);

	/* --- EINVAL: the request's own fields --- */
	{
		uint32_t sz[] = { 0, 4, REQ_V1 - 8, REQ_V1 - 1 };
		char name[64];

		for (i = 0; i < 4; i++) {
			r = base;
			r.size = sz[i];
			e = quote_ioctl(fd, &r);
			snprintf(name, sizeof(name), "size-%u-einval", sz[i]);
			expect_err(name, e, &r, EINVAL, ~0ull);
		}
	}
	r = base; r.flags = 1;
	expect_err("flags-1-einval", quote_ioctl(fd, &r), &r, EINVAL, ~0ull);
	r = base; r.flags = 0x80000000u;
	expect_err("flags-bit31-einval", quote_ioctl(fd, &r), &r, EINVAL, ~0ull);
	r = base; r.reserved = 1;
	expect_err("reserved-einval", quote_ioctl(fd, &r), &r, EINVAL, ~0ull);
	r = base; r.in_len = 0;
	expect_err("in-len-0-einval", quote_ioctl(fd, &r), &r, EINVAL, ~0ull);
	memset(in4k, 0, sizeof(in4k));
	memcpy(in4k, report, TDX_QUOTE_TDREPORT_SIZE);
	r = base; r.in_ptr = (uintptr_t)in4k; r.in_len = TDX_QUOTE_MAX_INPUT + 1;
	expect_err("in-len-4097-einval", quote_ioctl(fd, &r), &r, EINVAL, ~0ull);
	r = base; r.in_len = 0xffffffffu;
	expect_err("in-len-max-u32-einval", quote_ioctl(fd, &r), &r, EINVAL,
		   ~0ull);
	/* --- EINVAL from the TDX module, with its status --- */
	r = base; r.in_len = TDX_QUOTE_TDREPORT_SIZE - 1;
	expect_err("in-len-1023-einval-input-invalid", quote_ioctl(fd, &r), &r,
		   EINVAL, ST_INPUT_INVALID);
	module_errors++;
	r = base; r.in_ptr = (uintptr_t)in4k; r.in_len = TDX_QUOTE_MAX_INPUT;
	expect_err("in-len-4096-einval-input-invalid", quote_ioctl(fd, &r), &r,
		   EINVAL, ST_INPUT_INVALID);
	module_errors++;
	r = base; r.in_len = 1;
	expect_err("in-len-1-einval-input-invalid", quote_ioctl(fd, &r), &r,
		   EINVAL, ST_INPUT_INVALID);
	module_errors++;
	r = base; r.td = BOGUS_TD;
	expect_err("td-bogus-einval-operand-rcx", quote_ioctl(fd, &r), &r,
		   EINVAL, ST_OPERAND_INVALID_RCX);
	module_errors++;

	/* --- E2BIG: a newer struct with a non-zero unknown field --- */
	memset(big, 0, sizeof(big));
	memcpy(big, &base, sizeof(base));
	((struct tdx_quote_req *)big)->size = REQ_V1 + 8;
	big[REQ_V1] = 1;
	e = quote_ioctl(fd, (struct tdx_quote_req *)big);
	CHECK(e == E2BIG, "e2big-right-after-v1", "%s, want E2BIG", errname(e));
	memset(big, 0, sizeof(big));
	memcpy(big, &base, sizeof(base));
	((struct tdx_quote_req *)big)->size = sizeof(big);
	big[sizeof(big) - 1] = 0x80;
	cmd = _IOC(IOC_RW, TDX_QUOTE_IOC_MAGIC, 2, sizeof(big));
	e = xioctl(fd, cmd, big);
	CHECK(e == E2BIG, "e2big-at-end", "%s, want E2BIG", errname(e));
	/* the same, zero: a good quote (and the command's size bits ignored) */
	big[sizeof(big) - 1] = 0;
	e = xioctl(fd, cmd, big);
	memcpy(&r, big, sizeof(r));
	for (i = REQ_V1; i < sizeof(big) && !big[i]; i++)
		;
	CHECK(!e && same_quote(&ref, o.p, r.quote_len) && i == sizeof(big),
	      "bigger-struct-zero-tail-ok", "%s%s", rdesc(e, &r),
	      i < sizeof(big) ? ", the tail was written" : "");
	successes += !e;

	/* --- EFAULT: every pointer --- */
	memcpy(a.guard - 512, report, 512);	/* a report cut by the guard */
	{
		struct { const char *n; uint64_t in, out; } bad_p[] = {
			{ "efault-in-null", 0, 0 },
			{ "efault-in-unmapped", (uintptr_t)a.guard, 0 },
			{ "efault-in-kernel", ADDR_KERNEL, 0 },
			{ "efault-in-noncanonical", ADDR_NONCANON, 0 },
			{ "efault-in-straddles-guard", (uintptr_t)(a.guard - 512), 0 },
			{ "efault-out-null", 0, 1 },
			{ "efault-out-unmapped", (uintptr_t)a.guard, 1 },
			{ "efault-out-kernel", ADDR_KERNEL, 1 },
			{ "efault-out-read-only", (uintptr_t)a.ro, 1 },
			{ "efault-out-straddles-guard", (uintptr_t)(a.guard - 1024), 1 },
		};

		for (i = 0; i < sizeof(bad_p) / sizeof(bad_p[0]); i++) {
			r = base;
			if (bad_p[i].out) {
				r.out_ptr = bad_p[i].in;
				r.out_len = ref.len;
			} else {
				r.in_ptr = bad_p[i].in;
			}
			e = quote_ioctl(fd, &r);
			expect_err(bad_p[i].n, e, &r, EFAULT, ~0ull);
			/* a bad out_ptr: the quote was made, the status is 0 */
			if (bad_p[i].out && e == EFAULT &&
			    r.tdx_status != 0x5a5a5a5a5a5a5a5aull) {
				char name[64];

				snprintf(name, sizeof(name), "%s-status-0-len",
					 bad_p[i].n);
				CHECK(r.tdx_status == 0 && r.quote_len == ref.len,
				      name, "the quote was made: %s",
				      rdesc(e, &r));
			}
		}
	}
	{
		struct tdx_quote_req *p;

		e = quote_ioctl(fd, NULL);
		CHECK(e == EFAULT, "efault-req-null", "%s, want EFAULT",
		      errname(e));
		e = quote_ioctl(fd, (struct tdx_quote_req *)a.guard);
		CHECK(e == EFAULT, "efault-req-unmapped", "%s, want EFAULT",
		      errname(e));
		e = quote_ioctl(fd, (struct tdx_quote_req *)(uintptr_t)ADDR_KERNEL);
		CHECK(e == EFAULT, "efault-req-kernel", "%s, want EFAULT",
		      errname(e));
		/* readable but not writable: the quote cannot be reported */
		arena_ro_set(&a, &base, sizeof(base));
		e = quote_ioctl(fd, (struct tdx_quote_req *)a.ro);
		CHECK(e == EFAULT, "efault-req-read-only", "%s, want EFAULT",
		      errname(e));
		/* size readable, the rest of the struct not */
		p = (struct tdx_quote_req *)(a.guard - 8);
		memcpy(p, &base, 8);
		e = quote_ioctl(fd, p);
		CHECK(e == EFAULT, "efault-req-straddles-guard",
		      "%s, want EFAULT", errname(e));
	}

	/* --- ENOSPC: quote_len says how much; that much works --- */
	memset(o.p, CANARY, o.cap);
	{
		uint32_t lens[] = { 0, 1, ref.len - 1 };
		const char *names[] = { "enospc-out-len-0", "enospc-out-len-1",
					"enospc-out-len-quote-minus-1" };

		for (i = 0; i < 3; i++) {
			r = base;
			r.out_len = lens[i];
			e = quote_ioctl(fd, &r);
			bad = canary_broken(&o, lens[i], lens[i] + PG);
			if (e != ENOSPC || r.quote_len != ref.len)
				not_ok(names[i], "out_len %u: %s, want ENOSPC with quote_len %u",
				       lens[i], rdesc(e, &r), ref.len);
			else if (bad >= 0)
				not_ok(names[i], "out_len %u: byte %ld of the buffer written",
				       lens[i], bad);
			else
				ok(names[i]);
			memset(o.p, CANARY, ref.len + PG < o.cap ? ref.len + PG : o.cap);
		}
		r = base;
		r.out_len = ref.len - 1;
		e = quote_ioctl(fd, &r);
		if (e == ENOSPC) {
			r.out_len = r.quote_len;
			r.quote_len = 0;
			e = quote_ioctl(fd, &r);
			bad = canary_broken(&o, ref.len, ref.len + PG);
			CHECK(!e && same_quote(&ref, o.p, r.quote_len) && bad < 0,
			      "enospc-retry-with-quote-len-ok",
			      "out_len %u: %s%s", r.out_len, rdesc(e, &r),
			      bad >= 0 ? ", wrote past it" : "");
			successes += !e;
		} else {
			not_ok("enospc-retry-with-quote-len-ok",
			       "the first try: %s", rdesc(e, &r));
		}
	}

	/* --- EBADMSG: a forged report, another TD's report --- */
	memcpy(flipped, report, sizeof(flipped));
	flipped[REPORTDATA_OFF + 7] ^= 0x01;
	r = base; r.in_ptr = (uintptr_t)flipped;
	expect_err("ebadmsg-reportdata-flipped", quote_ioctl(fd, &r), &r,
		   EBADMSG, ST_REPORT_INVALID);
	module_errors++;
	memcpy(flipped, report, sizeof(flipped));
	flipped[MRTD_OFF] ^= 0x80;
	r = base; r.in_ptr = (uintptr_t)flipped;
	expect_err("ebadmsg-mrtd-flipped", quote_ioctl(fd, &r), &r, EBADMSG,
		   ST_REPORT_INVALID);
	module_errors++;
	memcpy(flipped, report, sizeof(flipped));
	flipped[sizeof(flipped) - 1] ^= 0xff;	/* outside MAC and TDINFO hash */
	r = base; r.in_ptr = (uintptr_t)flipped;
	e = quote_ioctl(fd, &r);
	printf("# errors: a flipped last byte of the report (TDINFO reserved): %s\n",
	       rdesc(e, &r));
	successes += !e;
	module_errors += !!e;
	r = base; r.td = other;
	expect_err("ebadmsg-other-td", quote_ioctl(fd, &r), &r, EBADMSG,
		   ST_TD_MISMATCH);
	module_errors++;

	/*
	 * td 0: the simulator, like TDH.QUOTE.GET's ABI, wants the TD's TDR
	 * page (td_wildcard=0): EDESTADDRREQ, the status says RCX.
	 */
	r = base; r.td = 0;
	expect_err("td-0-edestaddrreq", quote_ioctl(fd, &r), &r, EDESTADDRREQ,
		   ST_OPERAND_INVALID_RCX);
	module_errors++;

	/* --- ENOTTY: numbers that are not ours --- */
	{
		struct { const char *n; unsigned long cmd; } nt[] = {
			{ "enotty-nr-0", _IOC(IOC_RW, TDX_QUOTE_IOC_MAGIC, 0, REQ_V1) },
			{ "enotty-nr-3", _IOWR(TDX_QUOTE_IOC_MAGIC, 3, struct tdx_quote_req) },
			{ "enotty-nr-255", _IOC(IOC_RW, TDX_QUOTE_IOC_MAGIC, 255, REQ_V1) },
			{ "enotty-other-magic", _IOWR(0xd6, 2, struct tdx_quote_req) },
			{ "enotty-x-7f", _IO('X', 0x7f) },
		};

		for (i = 0; i < sizeof(nt) / sizeof(nt[0]); i++) {
			r = base;
			e = xioctl(fd, nt[i].cmd, &r);
			CHECK(e == ENOTTY, nt[i].n, "cmd 0x%lx: %s, want ENOTTY",
			      nt[i].cmd, errname(e));
		}
	}

	/* counters: every success and every failure the module reported */
	load_info(fd);
	CHECK(g_info.quotes - before.quotes >= successes, "quotes-counted",
	      "quotes %llu -> %llu after %u good requests",
	      (unsigned long long)before.quotes,
	      (unsigned long long)g_info.quotes, successes);
	CHECK(g_info.quote_errors - before.quote_errors >= module_errors,
	      "quote-errors-counted",
	      "quote_errors %llu -> %llu after %u failures the TDX module reported",
	      (unsigned long long)before.quote_errors,
	      (unsigned long long)g_info.quote_errors, module_errors);

	state_intact(fd, td, report, &ref, "errors");
	close(fd);
	return n_failed ? 1 : 0;
}

/* ---- fuzz ---------------------------------------------------------------------- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t x = rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static uint32_t rndn(uint32_t n)
{
	return n ? (uint32_t)((rnd() >> 16) % n) : 0;
}

/* Pointer kinds for in_ptr, out_ptr and the struct itself. */
enum pk {
	PK_NULL, PK_ONE, PK_GUARD, PK_KERNEL, PK_NONCANON, PK_TOP,
	PK_REPORT,	/* the good report (8 KiB readable) */
	PK_BADREPORT,	/* the report with a flipped byte */
	PK_RANDOM,	/* 8 KiB of random bytes */
	PK_PARTIAL,	/* 512 bytes before a guard page */
	PK_RO,		/* read-only: the report, then zeros */
	PK_OUT,		/* the output buffer (max_quote_size) */
	PK_NR
};

static bool pk_unmapped(enum pk k)
{
	return k <= PK_TOP;
}

/* weighted choice: WEIGHTS[PK_NR] */
static enum pk pick(const unsigned int *w)
{
	unsigned int sum = 0, i, r;

	for (i = 0; i < PK_NR; i++)
		sum += w[i];
	r = rndn(sum);
	for (i = 0; i < PK_NR; i++) {
		if (r < w[i])
			return (enum pk)i;
		r -= w[i];
	}
	return PK_NULL;
}

/* errnos as bits of an "allowed" mask */
static unsigned int ebit(int e)
{
	switch (e) {
	case 0: return 1u << 0;
	case EINVAL: return 1u << 1;
	case E2BIG: return 1u << 2;
	case EFAULT: return 1u << 3;
	case ENOSPC: return 1u << 4;
	case EBADMSG: return 1u << 5;
	case ENOTTY: return 1u << 6;
	case EDESTADDRREQ: return 1u << 7;
	default: return 1u << 8;	/* anything else: never allowed */
	}
}

static void emask_str(unsigned int m, char *buf, size_t len)
{
	static const int es[] = { 0, EINVAL, E2BIG, EFAULT, ENOSPC, EBADMSG,
				  ENOTTY, EDESTADDRREQ };
	size_t i, n = 0;

	buf[0] = 0;
	for (i = 0; i < sizeof(es) / sizeof(es[0]); i++)
		if (m & ebit(es[i]))
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? "|" : "", errname(es[i]));
}

static const char *pk_name[PK_NR] = {
	"null", "one", "guard", "kernel", "noncanonical", "top", "report",
	"badreport", "random", "partial", "ro", "out",
};

static int cmd_fuzz(void)
{
	unsigned char *report = load_report(opt.report);
	uint64_t td = need_handle(opt.td, "--td");
	uint64_t other = opt.other_td ? need_handle(opt.other_td, "--other-td") :
					BOGUS_TD;
	int fd = open_dev(0);
	/* in kinds, out kinds, struct kinds */
	static const unsigned int w_in[PK_NR] = {
		[PK_NULL] = 6, [PK_ONE] = 2, [PK_GUARD] = 4, [PK_KERNEL] = 3,
		[PK_NONCANON] = 2, [PK_TOP] = 2, [PK_REPORT] = 40,
		[PK_BADREPORT] = 15, [PK_RANDOM] = 10, [PK_PARTIAL] = 6,
		[PK_RO] = 5, [PK_OUT] = 5,
	};
	static const unsigned int w_out[PK_NR] = {
		[PK_NULL] = 5, [PK_ONE] = 2, [PK_GUARD] = 4, [PK_KERNEL] = 3,
		[PK_NONCANON] = 2, [PK_TOP] = 2, [PK_PARTIAL] = 4, [PK_RO] = 4,
		[PK_OUT] = 74,
	};
	static const unsigned int w_struct[PK_NR] = {
		[PK_NULL] = 2, [PK_ONE] = 1, [PK_GUARD] = 2, [PK_KERNEL] = 2,
		[PK_NONCANON] = 1, [PK_TOP] = 1, [PK_PARTIAL] = 3, [PK_RO] = 3,
		[PK_OUT] = 185,	/* PK_OUT here: the struct buffer */
	};
	unsigned long counts[9] = { 0 }, n_info_ok = 0, n_quote_ok = 0;
	unsigned long n_expensive = 0, n_mismatch = 0, n_enotty_cmds = 0;
	unsigned long n_broken = 0;
	double tsum[9] = { 0 };
	unsigned char *good, *badrep, *randb, *sbuf, pre[320];
	struct arena in_a, out_a, st_a;
	struct quote ref;
	struct outbuf o;
	char first_mismatch[5][300];
	double t0, t1;
	uint64_t it, i, n = opt.have_n ? opt.n : 100000;
	uint32_t cap;

	rng = opt.seed ? opt.seed : 0x9e3779b97f4a7c15ull;
	load_info(fd);
	ref_quote(fd, td, report, &ref, "fuzz-ref-quote");
	cap = g_info.max_quote_size;
	outbuf_init(&o, cap);

	good = calloc(1, 8192);
	badrep = calloc(1, 8192);
	randb = malloc(8192);
	sbuf = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!good || !badrep || !randb || sbuf == MAP_FAILED) {
		not_ok("fuzz-setup", "out of memory");
		return 1;
	}
	memcpy(good, report, TDX_QUOTE_TDREPORT_SIZE);
	memcpy(badrep, report, TDX_QUOTE_TDREPORT_SIZE);
	badrep[REPORTDATA_OFF + 3] ^= 0x10;
	for (it = 0; it < 8192; it++)
		randb[it] = (unsigned char)rnd();
	arena_init(&in_a);
	arena_init(&out_a);
	arena_init(&st_a);
	arena_ro_set(&in_a, report, TDX_QUOTE_TDREPORT_SIZE);
	memcpy(in_a.guard - 512, report, 512);

	t0 = now_s();
	for (it = 0; it < n; it++) {
		unsigned char s[320];
		struct tdx_quote_req q;
		struct tdx_quote_info inf;
		unsigned int op = rndn(100), allowed = 0;
		enum pk kin = PK_NULL, kout = PK_NULL, kst;
		uint32_t size, v1, k = 0;
		unsigned long cmd;
		bool tail_zero = true, unknown = false, expensive = false;
		unsigned char *sp;
		void *arg;
		int e;

		if ((it & 1023) == 0 && now_s() - t0 > (double)opt.max_seconds)
			break;
		memset(s, 0, sizeof(s));
		if (op < 3) {			/* not our number: ENOTTY */
			unsigned int nr = 3 + rndn(253);

			unknown = true;
			n_enotty_cmds++;
			cmd = _IOC(rndn(4), TDX_QUOTE_IOC_MAGIC, nr, rndn(0x4000));
			v1 = REQ_V1;
		} else if (op < 18) {		/* GET_INFO */
			v1 = INFO_V1;
			cmd = rndn(5) ? TDX_QUOTE_GET_INFO :
				_IOC(IOC_RW, TDX_QUOTE_IOC_MAGIC, 1, rndn(0x4000));
		} else {			/* GET_QUOTE */
			v1 = REQ_V1;
			cmd = rndn(5) ? TDX_QUOTE_GET_QUOTE :
				_IOC(IOC_RW, TDX_QUOTE_IOC_MAGIC, 2, rndn(0x4000));
		}
		/* the struct: random bytes, or a request with random fields */
		if (rndn(10) == 0) {
			for (k = 0; k < 256; k++)
				s[k] = (unsigned char)rnd();
		} else if (v1 == REQ_V1) {
			static const uint32_t in_lens[] = {
				1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024,
				0, 1, 1023, 1025, 4096, 4097, 0xffffffffu, 2048,
			};

			memset(&q, 0, sizeof(q));
			q.flags = rndn(12) ? 0 : (uint32_t)rnd() | 1u << rndn(32);
			q.reserved = rndn(12) ? 0 : (uint32_t)rnd() | 1u << rndn(32);
			switch (rndn(10)) {
			case 0: case 1: case 2: case 3: case 4: q.td = td; break;
			case 5: q.td = 0; break;
			case 6: q.td = other; break;
			case 7: q.td = BOGUS_TD; break;
			default: q.td = 0xdead000000000000ull | (rnd() >> 16); break;
			}
			q.in_len = in_lens[rndn(16)];
			if (q.in_len == 2048)
				q.in_len = rndn(8193);
			switch (rndn(12)) {
			case 0: q.out_len = 0; break;
			case 1: q.out_len = 1; break;
			case 2: q.out_len = ref.len - 1; break;
			case 3: q.out_len = ref.len; break;
			case 8: q.out_len = rndn(cap + 1); break;
			case 9: q.out_len = ref.len + rndn(PG); break;
			case 10: q.out_len = 0xffffffffu; break;
			case 11: q.out_len = rndn(ref.len); break;
			default: q.out_len = cap; break;
			}
			q.quote_len = (uint32_t)rnd();
			q.tdx_status = rnd();
			memcpy(s, &q, sizeof(q));
		} else {
			for (k = 4; k < INFO_V1; k++)
				s[k] = (unsigned char)rnd();
		}
		/* size: mostly v1, sometimes smaller or bigger */
		switch (rndn(10)) {
		case 0: size = rndn(v1); break;
		case 1: size = rndn(257); break;
		case 2: case 3: size = v1 + 1 + rndn(256 - v1); break;
		default: size = v1; break;
		}
		memcpy(s, &size, 4);
		if (size > v1) {
			if (rndn(3) == 0)
				s[v1 + rndn(size - v1)] = (unsigned char)(1 + rndn(255));
			else if (rndn(2))
				memset(s + v1, 0, size - v1);
			for (k = v1; k < size && !s[k]; k++)
				;
			tail_zero = k == size;
		}

		/* pointers into the request */
		if (v1 == REQ_V1 && !unknown) {
			uint64_t pin, pout;

			kin = pick(w_in);
			kout = pick(w_out);
			memcpy(&q, s, sizeof(q));
			switch (kin) {
			case PK_NULL: pin = 0; break;
			case PK_ONE: pin = 1; break;
			case PK_GUARD: pin = (uintptr_t)in_a.guard; break;
			case PK_KERNEL: pin = ADDR_KERNEL; break;
			case PK_NONCANON: pin = ADDR_NONCANON; break;
			case PK_TOP: pin = ADDR_TOP; break;
			case PK_REPORT: pin = (uintptr_t)good; break;
			case PK_BADREPORT: pin = (uintptr_t)badrep; break;
			case PK_RANDOM: pin = (uintptr_t)randb; break;
			case PK_PARTIAL: pin = (uintptr_t)(in_a.guard - 512); break;
			case PK_RO: pin = (uintptr_t)in_a.ro; break;
			default: pin = (uintptr_t)o.p; break;
			}
			switch (kout) {
			case PK_NULL: pout = 0; break;
			case PK_ONE: pout = 1; break;
			case PK_GUARD: pout = (uintptr_t)out_a.guard; break;
			case PK_KERNEL: pout = ADDR_KERNEL; break;
			case PK_NONCANON: pout = ADDR_NONCANON; break;
			case PK_TOP: pout = ADDR_TOP; break;
			case PK_PARTIAL: pout = (uintptr_t)(out_a.guard - 1024); break;
			case PK_RO: pout = (uintptr_t)out_a.ro; break;
			default: pout = (uintptr_t)o.p; kout = PK_OUT; break;
			}
			q.in_ptr = pin;
			q.out_ptr = pout;
			/*
			 * Most requests must fail the driver's own checks
			 * (microseconds): only 3 in 100 of those that would
			 * pass them go on to the simulated TDX module (a
			 * millisecond or more under TCG).
			 */
			if (size >= REQ_V1 && tail_zero && !q.flags &&
			    !q.reserved && q.in_len &&
			    q.in_len <= TDX_QUOTE_MAX_INPUT &&
			    !pk_unmapped(kin) &&
			    !(kin == PK_PARTIAL && q.in_len > 512) &&
			    rndn(100) >= 3) {
				n_broken++;
				switch (rndn(6)) {
				case 0:
					q.flags = 1u << rndn(32);
					break;
				case 1:
					q.reserved = (uint32_t)rnd() | 1;
					break;
				case 2:
					q.in_len = rndn(2) ? 0 :
						TDX_QUOTE_MAX_INPUT + 1 + rndn(1u << 20);
					break;
				case 3:
					size = rndn(REQ_V1);
					break;
				case 4:
					size = REQ_V1 + 1 + rndn(256 - REQ_V1);
					s[REQ_V1 + rndn(size - REQ_V1)] =
						(unsigned char)(1 + rndn(255));
					tail_zero = false;
					break;
				default:
					kin = rndn(2) ? PK_GUARD : PK_NULL;
					q.in_ptr = kin == PK_GUARD ?
						(uintptr_t)in_a.guard : 0;
					break;
				}
				q.size = size;
			}
			/*
			 * Only a well-formed request for a good report from
			 * the right TD makes the (slow) simulated module sign:
			 * at most one call in 400 may.
			 */
			expensive = size >= REQ_V1 && tail_zero && !q.flags &&
				    !q.reserved && q.in_len == 1024 &&
				    (kin == PK_REPORT || kin == PK_RO) &&
				    (q.td == td || q.td == 0);
			if (expensive && (n_expensive + 1) * 400 > it + 400) {
				q.in_ptr = (uintptr_t)badrep;
				kin = PK_BADREPORT;
				expensive = false;
			}
			memcpy(s, &q, sizeof(q));
		}
		if (expensive)
			n_expensive++;

		/* where the struct lives */
		kst = pick(w_struct);
		switch (kst) {
		case PK_NULL: arg = NULL; break;
		case PK_ONE: arg = (void *)1; break;
		case PK_GUARD: arg = st_a.guard; break;
		case PK_KERNEL: arg = (void *)(uintptr_t)ADDR_KERNEL; break;
		case PK_NONCANON: arg = (void *)(uintptr_t)ADDR_NONCANON; break;
		case PK_TOP: arg = (void *)(uintptr_t)ADDR_TOP; break;
		case PK_RO:
			arena_ro_set(&st_a, s, sizeof(s));
			arg = st_a.ro;
			break;
		case PK_PARTIAL:	/* k bytes readable, then the guard */
			k = 1 + rndn(size > 1 ? size - 1 : 1);
			if (k >= 300)
				k = 299;
			memcpy(st_a.guard - k, s, k);
			arg = st_a.guard - k;
			break;
		default:
			memcpy(sbuf, s, sizeof(s));
			arg = sbuf;
			break;
		}
		memcpy(pre, s, sizeof(pre));
		sp = arg == sbuf ? sbuf : NULL;

		/* what the contract allows */
		if (unknown) {
			allowed = ebit(ENOTTY);
		} else if (kst != PK_OUT && kst != PK_RO &&
			   !(kst == PK_PARTIAL && k >= 4)) {
			allowed = ebit(EFAULT);
		} else if (kst != PK_OUT) {	/* read-only, or cut short */
			allowed = ebit(EINVAL) | ebit(E2BIG) | ebit(EFAULT) |
				  ebit(ENOSPC) | ebit(EBADMSG);
		} else if (size < v1) {
			allowed = ebit(EINVAL);
		} else if (!tail_zero) {
			allowed = ebit(E2BIG);
		} else if (v1 == INFO_V1) {
			allowed = ebit(0);
		} else {
			memcpy(&q, s, sizeof(q));
			if (q.flags || q.reserved || !q.in_len ||
			    q.in_len > TDX_QUOTE_MAX_INPUT) {
				allowed = ebit(EINVAL);
			} else if (pk_unmapped(kin) ||
				   (kin == PK_PARTIAL && q.in_len > 512)) {
				allowed = ebit(EFAULT);
			} else {
				bool valid_td = q.td == td || q.td == other;
				bool good_rep = (kin == PK_REPORT ||
						 kin == PK_RO);

				/*
				 * The simulator wants a live TD's handle
				 * (td_wildcard=0): td 0 is EDESTADDRREQ,
				 * or EINVAL when an operand it checks
				 * first is bad too.
				 */
				if (!q.td)
					allowed = ebit(EDESTADDRREQ) |
						  ebit(EINVAL);
				else if (q.in_len != 1024 || !valid_td)
					allowed = ebit(EINVAL);
				else if (!good_rep || q.td == other)
					allowed = ebit(EBADMSG);
				else if (q.out_len < ref.len)
					allowed = ebit(ENOSPC);
				else if (kout != PK_OUT)
					allowed = ebit(EFAULT);
				else
					allowed = ebit(0);
				/* the driver may check the output first */
				if (kout != PK_OUT && allowed != ebit(0))
					allowed |= ebit(EFAULT);
				if (kout == PK_OUT && q.out_len > cap)
					allowed |= ebit(EFAULT) | ebit(EINVAL);
				if (q.out_len == 0)
					allowed |= ebit(EINVAL);
			}
		}

		t1 = now_s();
		e = xioctl(fd, cmd, arg);
		tsum[__builtin_ctz(ebit(e))] += now_s() - t1;
		counts[__builtin_ctz(ebit(e))]++;

		/* results that must hold */
		{
			char why[200] = "";

			if (!(allowed & ebit(e))) {
				char want[80];

				emask_str(allowed, want, sizeof(want));
				snprintf(why, sizeof(why), "%s, want %s", errname(e), want);
			} else if (sp) {
				size_t from = size < sizeof(s) ? size : sizeof(s), i;

				for (i = from; i < sizeof(s); i++)
					if (sp[i] != pre[i])
						break;
				if (i < sizeof(s))
					snprintf(why, sizeof(why),
						 "%s, byte %zu of the struct (size %u) written",
						 errname(e), i, size);
			}
			if (!why[0] && sp && v1 == INFO_V1 && !unknown && !e) {
				memcpy(&inf, sp, sizeof(inf));
				n_info_ok++;
				if (inf.abi_version != 1 ||
				    inf.backend != TDX_QUOTE_BACKEND_SIM ||
				    inf.state != TDX_QUOTE_STATE_READY ||
				    inf.max_quote_size != cap)
					snprintf(why, sizeof(why),
						 "GET_INFO: abi %u backend %u state %u max_quote_size %u",
						 inf.abi_version, inf.backend,
						 inf.state, inf.max_quote_size);
			}
			if (!why[0] && sp && v1 == REQ_V1 && !unknown) {
				memcpy(&q, sp, sizeof(q));
				if (!e) {
					n_quote_ok++;
					if (q.quote_len != ref.len ||
					    q.tdx_status ||
					    memcmp(o.p, ref.p, ref.len) ||
					    canary_broken(&o, ref.len, ref.len + 64) >= 0)
						snprintf(why, sizeof(why),
							 "success with quote_len %u (want %u), tdx_status 0x%llx, %s",
							 q.quote_len, ref.len,
							 (unsigned long long)q.tdx_status,
							 memcmp(o.p, ref.p, ref.len) ?
							 "another quote" : "bytes past it written");
				} else if (e == ENOSPC && q.quote_len != ref.len) {
					snprintf(why, sizeof(why), "ENOSPC with quote_len %u, want %u",
						 q.quote_len, ref.len);
				} else if (e == EBADMSG &&
					   q.tdx_status != ST_REPORT_INVALID &&
					   q.tdx_status != ST_TD_MISMATCH) {
					snprintf(why, sizeof(why), "EBADMSG with tdx_status 0x%016llx",
						 (unsigned long long)q.tdx_status);
				}
			}
			/* never a byte past out_len */
			if (!why[0] && v1 == REQ_V1 && !unknown && kout == PK_OUT) {
				memcpy(&q, s, sizeof(q));
				if (q.out_len < cap) {
					long b = canary_broken(&o, q.out_len, q.out_len + 64);

					if (b >= 0)
						snprintf(why, sizeof(why),
							 "%s: byte %ld written, out_len %u",
							 errname(e), b, q.out_len);
				}
			}
			if (why[0]) {
				if (n_mismatch < 5)
					snprintf(first_mismatch[n_mismatch], sizeof(first_mismatch[0]),
						 "call %llu: %s %s size %u in %s out %s struct %s: %s",
						 (unsigned long long)it,
						 unknown ? "unknown" : v1 == REQ_V1 ? "GET_QUOTE" : "GET_INFO",
						 cmd == TDX_QUOTE_GET_QUOTE || cmd == TDX_QUOTE_GET_INFO ? "cmd" : "cmd-size-bits",
						 size, pk_name[kin], pk_name[kout],
						 kst == PK_OUT ? "buffer" : pk_name[kst], why);
				n_mismatch++;
			}
		}
		/* the output buffer back to the canary when it was written */
		if (o.p[0] != CANARY || o.p[1] != CANARY || o.p[ref.len - 1] != CANARY)
			memset(o.p, CANARY, ref.len + 64 < cap ? ref.len + 64 : cap);
	}
	t1 = now_s();

	printf("# fuzz: %llu of %llu calls in %.1f s (seed %llu): success %lu (quotes %lu, info %lu), EINVAL %lu, E2BIG %lu, EFAULT %lu, ENOSPC %lu, EBADMSG %lu, ENOTTY %lu, EDESTADDRREQ %lu, other %lu; %lu reached signing; %lu mismatches\n",
	       (unsigned long long)it, (unsigned long long)n, t1 - t0,
	       (unsigned long long)opt.seed, counts[0], n_quote_ok, n_info_ok,
	       counts[1], counts[2], counts[3], counts[4], counts[5], counts[6],
	       counts[7], counts[8], n_expensive, n_mismatch);
	printf("# fuzz: mean microseconds per call: success %.0f, EINVAL %.0f, E2BIG %.0f, EFAULT %.0f, ENOSPC %.0f, EBADMSG %.0f, ENOTTY %.0f; %lu requests made invalid on purpose, %lu unknown commands\n",
	       tsum[0] * 1e6 / (counts[0] ? counts[0] : 1),
	       tsum[1] * 1e6 / (counts[1] ? counts[1] : 1),
	       tsum[2] * 1e6 / (counts[2] ? counts[2] : 1),
	       tsum[3] * 1e6 / (counts[3] ? counts[3] : 1),
	       tsum[4] * 1e6 / (counts[4] ? counts[4] : 1),
	       tsum[5] * 1e6 / (counts[5] ? counts[5] : 1),
	       tsum[6] * 1e6 / (counts[6] ? counts[6] : 1), n_broken,
	       n_enotty_cmds);
	for (i = 0; i < n_mismatch && i < 5; i++)
		printf("# fuzz mismatch: %s\n", first_mismatch[i]);
	CHECK(it == n, "fuzz-calls",
	      "stopped at the %llu s limit after %llu of %llu calls",
	      (unsigned long long)opt.max_seconds, (unsigned long long)it,
	      (unsigned long long)n);
	CHECK(!n_mismatch, "fuzz-results-as-documented",
	      "%lu results against the contract; first: %s", n_mismatch,
	      n_mismatch ? first_mismatch[0] : "");
	CHECK(!counts[8], "fuzz-no-unexpected-errno",
	      "%lu results with an errno outside EINVAL E2BIG EFAULT ENOSPC EBADMSG ENOTTY EDESTADDRREQ",
	      counts[8]);
	state_intact(fd, td, report, &ref, "fuzz");
	if (!n_failed)
		ok("fuzz");
	close(fd);
	return n_failed ? 1 : 0;
}

/* ---- stress -------------------------------------------------------------------- */

struct proc_result {
	int idx;
	int ok;
	unsigned int count;
	unsigned int len;
	char why[200];
};

static void stress_child(int idx, int wfd)
{
	struct proc_result res = { .idx = idx };
	char path[4096];
	unsigned char *report;
	struct tdx_quote_req r;
	struct quote first = { 0 }, q;
	uint64_t td;
	size_t len;
	char tds[64], *t;
	unsigned int i;
	int fd, e;

	snprintf(path, sizeof(path), "%s/report.%d", opt.report_dir, idx);
	report = read_file(path, &len);
	if (!report || len != TDX_QUOTE_TDREPORT_SIZE) {
		snprintf(res.why, sizeof(res.why), "%.120s: not a 1024-byte report", path);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/td.%d", opt.report_dir, idx);
	t = (char *)read_file(path, &len);
	if (!t || !len || len >= sizeof(tds)) {
		snprintf(res.why, sizeof(res.why), "%.120s: no handle", path);
		goto out;
	}
	memcpy(tds, t, len);
	tds[len] = 0;
	free(t);
	if (!parse_u64(tds, &td)) {
		snprintf(res.why, sizeof(res.why), "%.120s: '%.40s' is no handle", path, tds);
		goto out;
	}
	fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(res.why, sizeof(res.why), "open: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < opt.quotes; i++) {
		e = get_quote(fd, td, report, &q, &r);
		if (e) {
			snprintf(res.why, sizeof(res.why), "quote %u: %s", i,
				 rdesc(e, &r));
			goto out;
		}
		if (memcmp(q.p, quote_magic, 4)) {
			snprintf(res.why, sizeof(res.why), "quote %u: no d83dd284", i);
			goto out;
		}
		if (!i) {
			first = q;
			snprintf(path, sizeof(path), "%s/quote.%d", opt.report_dir, idx);
			if (!write_file(path, q.p, q.len)) {
				snprintf(res.why, sizeof(res.why), "%.120s: %.60s", path,
					 strerror(errno));
				goto out;
			}
		} else {
			if (!same_quote(&first, q.p, q.len)) {
				snprintf(res.why, sizeof(res.why),
					 "quote %u (%u bytes) differs from the first (%u bytes)",
					 i, q.len, first.len);
				goto out;
			}
			free(q.p);
		}
		res.count++;
	}
	res.ok = 1;
	res.len = first.len;
out:
	if (write(wfd, &res, sizeof(res)) != sizeof(res))
		_exit(3);
	_exit(res.ok ? 0 : 1);
}

static int cmd_stress(void)
{
	unsigned int P = opt.procs, i, j, reported = 0, total = 0, dup = 0;
	struct proc_result *res;
	pid_t *pids;
	int *rfd;
	char name[64], path[4096];
	int fd = open_dev(0);

	if (!opt.report_dir || !P || !opt.quotes)
		usage();
	load_info(fd);
	close(fd);
	res = calloc(P, sizeof(*res));
	pids = calloc(P, sizeof(*pids));
	rfd = calloc(P, sizeof(*rfd));
	if (!res || !pids || !rfd)
		return 1;
	fflush(stdout);
	for (i = 0; i < P; i++) {
		int p[2];

		if (pipe(p)) {
			not_ok("stress-fork", "pipe: %s", strerror(errno));
			return 1;
		}
		pids[i] = fork();
		if (pids[i] < 0) {
			not_ok("stress-fork", "fork %u: %s", i, strerror(errno));
			return 1;
		}
		if (!pids[i]) {
			close(p[0]);
			stress_child(i, p[1]);
		}
		close(p[1]);
		rfd[i] = p[0];
	}
	for (i = 0; i < P; i++) {
		struct proc_result one;
		ssize_t n = read(rfd[i], &one, sizeof(one));
		int st = 0;

		waitpid(pids[i], &st, 0);
		close(rfd[i]);
		snprintf(name, sizeof(name), "stress-proc-%u", i);
		if (n != sizeof(one)) {
			not_ok(name, "no report (exit status 0x%x%s)", st,
			       WIFSIGNALED(st) ? ", killed by a signal" : "");
			continue;
		}
		reported++;
		res[i] = one;
		total += one.count;
		if (!one.ok)
			not_ok(name, "%s", one.why);
		else
			CHECK(WIFEXITED(st) && !WEXITSTATUS(st), name,
			      "exit status 0x%x", st);
	}
	CHECK(reported == P, "stress-all-reported", "%u of %u processes reported",
	      reported, P);
	CHECK(total == P * opt.quotes, "stress-total",
	      "%u quotes, want %u x %llu", total, P,
	      (unsigned long long)opt.quotes);
	/* different TDs and REPORTDATA: different quotes */
	for (i = 0; i < P; i++) {
		struct quote a;
		size_t la;

		if (!res[i].ok)
			continue;
		snprintf(path, sizeof(path), "%s/quote.%u", opt.report_dir, i);
		a.p = read_file(path, &la);
		a.len = (uint32_t)la;
		if (!a.p)
			continue;
		for (j = i + 1; j < P; j++) {
			unsigned char *b;
			size_t lb;

			if (!res[j].ok)
				continue;
			snprintf(path, sizeof(path), "%s/quote.%u", opt.report_dir, j);
			b = read_file(path, &lb);
			if (b && same_quote(&a, b, (uint32_t)lb))
				dup++;
			free(b);
		}
		free(a.p);
	}
	CHECK(!dup, "stress-quotes-distinct", "%u pairs of processes got the same quote",
	      dup);
	printf("# stress: %u processes x %llu quotes\n", P,
	       (unsigned long long)opt.quotes);
	return n_failed ? 1 : 0;
}

/* ---- nonblock ------------------------------------------------------------------ */

struct shared {
	int eagain, good, bad, tries;
	int first_err;
	uint64_t first_status;
	uint32_t first_len;
};

static int cmd_nonblock(void)
{
	unsigned char *report = load_report(opt.report);
	uint64_t td = need_handle(opt.td, "--td");
	int fd = open_dev(0), nfd, e, st;
	unsigned int C = opt.children, i, failed_children = 0;
	struct tdx_quote_info inf;
	struct shared *sh;
	struct quote ref;
	pid_t *pids;

	load_info(fd);
	ref_quote(fd, td, report, &ref, "nonblock-ref-quote");
	nfd = open_dev(O_NONBLOCK);
	memset(&inf, 0, sizeof(inf));
	inf.size = INFO_V1;
	e = xioctl(nfd, TDX_QUOTE_GET_INFO, &inf);
	CHECK(!e && inf.state == TDX_QUOTE_STATE_READY, "nonblock-info",
	      "GET_INFO on an O_NONBLOCK file: %s, state %u", errname(e),
	      inf.state);
	close(nfd);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pids = calloc(C, sizeof(*pids));
	if (sh == MAP_FAILED || !pids || !C)
		return 1;
	memset(sh, 0, sizeof(*sh));
	fflush(stdout);
	for (i = 0; i < C; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			not_ok("nonblock-fork", "%s", strerror(errno));
			break;
		}
		if (!pids[i]) {
			unsigned char *buf = malloc(g_info.max_quote_size);
			struct tdx_quote_req r;
			int cfd = open(dev_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
			unsigned int t;

			if (cfd < 0 || !buf)
				_exit(2);
			/*
			 * A bounded loop: stop once anyone saw EAGAIN (after
			 * two tries of our own), at most 100 tries.
			 */
			for (t = 0; t < 100; t++) {
				if (t >= 2 && __atomic_load_n(&sh->eagain, __ATOMIC_RELAXED))
					break;
				r = mkreq(td, report, TDX_QUOTE_TDREPORT_SIZE,
					  buf, g_info.max_quote_size);
				e = quote_ioctl(cfd, &r);
				__atomic_add_fetch(&sh->tries, 1, __ATOMIC_RELAXED);
				if (e == EAGAIN) {
					__atomic_add_fetch(&sh->eagain, 1, __ATOMIC_RELAXED);
				} else if (!e && r.tdx_status == 0 &&
					   same_quote(&ref, buf, r.quote_len)) {
					__atomic_add_fetch(&sh->good, 1, __ATOMIC_RELAXED);
				} else {
					if (__atomic_add_fetch(&sh->bad, 1, __ATOMIC_RELAXED) == 1) {
						sh->first_err = e ? e : -1;
						sh->first_status = r.tdx_status;
						sh->first_len = r.quote_len;
					}
				}
			}
			_exit(0);
		}
	}
	for (i = 0; i < C; i++) {
		if (pids[i] <= 0)
			continue;
		waitpid(pids[i], &st, 0);
		failed_children += !(WIFEXITED(st) && !WEXITSTATUS(st));
	}
	printf("# nonblock: %u children, %d requests: %d EAGAIN, %d good quotes, %d other\n",
	       C, sh->tries, sh->eagain, sh->good, sh->bad);
	CHECK(!failed_children, "nonblock-children", "%u children failed to run",
	      failed_children);
	CHECK(sh->eagain > 0, "nonblock-eagain-seen",
	      "no EAGAIN in %d requests of %u concurrent O_NONBLOCK callers (is queue_depth 1?)",
	      sh->tries, C);
	CHECK(sh->good > 0, "nonblock-some-quotes", "no good quote in %d requests",
	      sh->tries);
	CHECK(!sh->bad, "nonblock-rest-good-quotes",
	      "%d results neither EAGAIN nor the reference quote; first: %s, tdx_status 0x%016llx, quote_len %u",
	      sh->bad, sh->first_err < 0 ? "success with another quote" :
	      errname(sh->first_err), (unsigned long long)sh->first_status,
	      sh->first_len);
	state_intact(fd, td, report, &ref, "nonblock");
	close(fd);
	return n_failed ? 1 : 0;
}

/* ---- kill ---------------------------------------------------------------------- */

static void spin_us(unsigned int us)
{
	double end = now_s() + us / 1e6;

	while (now_s() < end)
		;
}

static int cmd_kill(void)
{
	unsigned char *report = load_report(opt.report);
	uint64_t td = need_handle(opt.td, "--td");
	int fd = open_dev(0);
	enum { ROUNDS = 12, PER = 3 };
	unsigned int r, j, killed = 0, errors = 0, dots = 0, other_exit = 0;
	struct tdx_quote_info before;
	struct quote ref;
	char errmsg[200] = "";

	load_info(fd);
	ref_quote(fd, td, report, &ref, "kill-ref-quote");
	before = g_info;
	fflush(stdout);
	for (r = 0; r < ROUNDS; r++) {
		pid_t pid[PER];
		int rfd[PER];

		for (j = 0; j < PER; j++) {
			int p[2];

			if (pipe(p)) {
				not_ok("kill-fork", "pipe: %s", strerror(errno));
				return 1;
			}
			pid[j] = fork();
			if (pid[j] < 0) {
				not_ok("kill-fork", "%s", strerror(errno));
				return 1;
			}
			if (!pid[j]) {
				unsigned char *buf = malloc(g_info.max_quote_size);
				struct tdx_quote_req q;
				int cfd = open(dev_path, O_RDWR | O_CLOEXEC);
				unsigned int t;
				int e;

				close(p[0]);
				if (cfd < 0 || !buf || write(p[1], "S", 1) != 1)
					_exit(2);
				/* bounded: the parent kills long before */
				for (t = 0; t < 10000; t++) {
					unsigned char m[2] = { 'E', 0 };

					q = mkreq(td, report, TDX_QUOTE_TDREPORT_SIZE,
						  buf, g_info.max_quote_size);
					e = quote_ioctl(cfd, &q);
					if (e || !same_quote(&ref, buf, q.quote_len)) {
						m[1] = (unsigned char)(e ? e : 255);
						if (write(p[1], m, 2) != 2)
							_exit(3);
						_exit(1);
					}
					if (write(p[1], ".", 1) != 1)
						_exit(3);
				}
				_exit(0);
			}
			close(p[1]);
			rfd[j] = p[0];
		}
		/*
		 * Child j of round r dies after k = (r + j) % 4 quotes it
		 * made: k = 0 right after the fork, or once it is about to
		 * ask; some after a further spin, to land inside a request.
		 */
		for (j = 0; j < PER; j++) {
			unsigned int k = (r + j) % 4, got = 0;
			char c;

			if (k || (r + j) % 8 >= 4) {
				while (got < k + 1 && read(rfd[j], &c, 1) == 1) {
					if (c == 'E') {
						unsigned char en = 0;

						if (read(rfd[j], &en, 1) != 1)
							en = 0;
						errors++;
						snprintf(errmsg, sizeof(errmsg),
							 "round %u child %u: %s",
							 r, j, en == 255 ? "another quote" :
							 errname(en));
						break;
					}
					got++;
					dots += c == '.';
				}
			}
			if ((r + j) % 3 == 1)
				spin_us(200 + r * 300);
			kill(pid[j], SIGKILL);
		}
		for (j = 0; j < PER; j++) {
			int st = 0;
			unsigned char c[64];
			ssize_t n, i;

			waitpid(pid[j], &st, 0);
			if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
				killed++;
			else
				other_exit++;
			/* whatever it said before dying */
			while ((n = read(rfd[j], c, sizeof(c))) > 0) {
				for (i = 0; i < n && c[i] != 'E'; i++)
					dots += c[i] == '.';
				if (i < n) {
					int en = i + 1 < n ? (unsigned char)c[i + 1] : 0;

					errors++;
					if (!errmsg[0])
						snprintf(errmsg, sizeof(errmsg),
							 "round %u child %u: %s", r, j,
							 en == 255 ? "another quote" :
							 errname(en));
					break;
				}
			}
			close(rfd[j]);
		}
	}
	printf("# kill: %u children killed, %u quotes made before, %u errors\n",
	       killed, dots, errors);
	CHECK(!errors, "kill-children-got-good-quotes", "%u errors; %s", errors,
	      errmsg);
	CHECK(killed == ROUNDS * PER, "kill-children-killed",
	      "%u of %u died of SIGKILL, %u otherwise", killed, ROUNDS * PER,
	      other_exit);
	state_intact(fd, td, report, &ref, "kill");
	CHECK(g_info.quotes - before.quotes >= dots, "kill-quotes-counted",
	      "quotes %llu -> %llu, the children saw %u",
	      (unsigned long long)before.quotes,
	      (unsigned long long)g_info.quotes, dots);
	close(fd);
	return n_failed ? 1 : 0;
}

/* ---- expect: one request, a given errno (fault injection by the caller) ---- */

static int cmd_expect(void)
{
	unsigned char *report = load_report(opt.report);
	uint64_t td = need_handle(opt.td, "--td"), status = ~0ull;
	int fd = open_dev(0), want[8], nwant = 0, e, i;
	char list[128], *tok, *save = NULL;
	struct tdx_quote_req r;
	unsigned char *buf;
	double t0, dt;
	bool hit = false;

	if (!opt.name || !opt.errnos)
		usage();
	if (opt.have_status && !parse_u64(opt.status, &status))
		usage();
	snprintf(list, sizeof(list), "%s", opt.errnos);
	for (tok = strtok_r(list, ",", &save); tok && nwant < 8;
	     tok = strtok_r(NULL, ",", &save)) {
		want[nwant] = errno_by_name(tok);
		if (want[nwant] < 0)
			usage();
		nwant++;
	}
	load_info(fd);
	buf = malloc(g_info.max_quote_size);
	if (!buf)
		return 1;
	r = mkreq(td, report, TDX_QUOTE_TDREPORT_SIZE, buf, g_info.max_quote_size);
	t0 = now_s();
	e = quote_ioctl(fd, &r);
	dt = now_s() - t0;
	for (i = 0; i < nwant; i++)
		hit |= e == want[i];
	if (!hit)
		not_ok(opt.name, "%s, want %s", rdesc(e, &r), opt.errnos);
	else if (status != ~0ull && r.tdx_status != status)
		not_ok(opt.name, "%s, want tdx_status 0x%016llx", rdesc(e, &r),
		       (unsigned long long)status);
	else if (!e && (!r.quote_len || memcmp(buf, quote_magic, 4)))
		not_ok(opt.name, "success without a quote: %s", rdesc(e, &r));
	else if (opt.have_max_seconds && dt > (double)opt.max_seconds)
		not_ok(opt.name, "%s after %.1f s, limit %llu s", rdesc(e, &r),
		       dt, (unsigned long long)opt.max_seconds);
	else
		ok(opt.name);
	printf("# %s: %s after %.2f s\n", opt.name, rdesc(e, &r), dt);
	close(fd);
	return n_failed ? 1 : 0;
}

/* ---- unavailable: Extensions up, quoting not ------------------------------------ */

static int cmd_unavailable(void)
{
	int fd = open_dev(0), e;
	unsigned char in[TDX_QUOTE_TDREPORT_SIZE] = { 0 }, out[64];
	struct tdx_quote_info inf;
	struct tdx_quote_req r;

	memset(&inf, 0, sizeof(inf));
	inf.size = INFO_V1;
	e = xioctl(fd, TDX_QUOTE_GET_INFO, &inf);
	CHECK(!e, "unavailable-get-info", "%s", errname(e));
	CHECK(inf.state == TDX_QUOTE_STATE_EXT_READY, "unavailable-state",
	      "state %u, want %u (EXT_READY)", inf.state,
	      TDX_QUOTE_STATE_EXT_READY);
	CHECK(inf.max_quote_size == 0, "unavailable-max-quote-size-0",
	      "max_quote_size %u", inf.max_quote_size);
	r = mkreq(0, in, sizeof(in), out, sizeof(out));
	e = quote_ioctl(fd, &r);
	CHECK(e == EOPNOTSUPP, "unavailable-eopnotsupp", "%s, want EOPNOTSUPP",
	      rdesc(e, &r));
	/* validation still comes first */
	r = mkreq(0, in, sizeof(in), out, sizeof(out));
	r.flags = 1;
	e = quote_ioctl(fd, &r);
	CHECK(e == EINVAL, "unavailable-flags-still-einval", "%s, want EINVAL",
	      errname(e));
	close(fd);
	return n_failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	parse_args(argc, argv);
	if (!strcmp(argv[1], "info"))
		ret = cmd_info();
	else if (!strcmp(argv[1], "get"))
		ret = cmd_get();
	else if (!strcmp(argv[1], "errors"))
		ret = cmd_errors();
	else if (!strcmp(argv[1], "fuzz"))
		ret = cmd_fuzz();
	else if (!strcmp(argv[1], "stress"))
		ret = cmd_stress();
	else if (!strcmp(argv[1], "nonblock"))
		ret = cmd_nonblock();
	else if (!strcmp(argv[1], "kill"))
		ret = cmd_kill();
	else if (!strcmp(argv[1], "expect"))
		ret = cmd_expect();
	else if (!strcmp(argv[1], "unavailable"))
		ret = cmd_unavailable();
	else
		usage();
	return ret || n_failed ? 1 : 0;
}
