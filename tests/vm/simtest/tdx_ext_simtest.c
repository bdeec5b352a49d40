// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_ext_simtest: a test-only module that drives tdx_ext_sim's raw
 * dispatcher, tdx_sim_seamcall(), the way a driver drives SEAMCALL: the
 * leaves, their order, resuming, the HPA_LIST_INFO and HPA_LINKED_LIST
 * operands, and every documented failure status (docs/simulator.md).
 * Never shipped; the VM suite (tests/vm/suite/3*.sh) loads it.
 *
 * debugfs, /sys/kernel/debug/tdx_ext_simtest/:
 *   run      write "GROUP [key=value]...": runs GROUP's cases in order and
 *            appends "ok NAME" / "not ok NAME # REASON" lines to results.
 *            Groups: pre, bringup, quote, resume-busy, sys-rd, mem-add,
 *            ext-init, quote-init, quote-get, leaves, version,
 *            mem-add-one, mem-add-dup, pool-full, reinit, pending-get,
 *            grab-pfn (pfn=N: allocating pages does not return that
 *            page frame), list-race (QUOTE.GET while a thread rewrites
 *            the output list).
 *            Keys: tag=S (names are S/case; default the group), limit=N
 *            (calls per resumable loop, default 10000000), timeout_ms=N
 *            (per loop, default 60000), expect=HEX (exact final status of
 *            a single-step group), expect_class=HEX (the same, status
 *            bits 63:32 only), calls=N, no_entropy=N and busy=N (exact
 *            counts of the loop; with busy=, TDX_OPERAND_BUSY is retried
 *            like TDX_RND_NO_ENTROPY and must leave every register as it
 *            was), expect_u16=0|1 (MEMORY_POOL_REQUIRED_PAGES answers only
 *            to its u16 id), td_wildcard=0|1 (the simulator's parameter:
 *            whether QUOTE.GET takes RCX 0), report=1|2 and rcx0=0|1
 *            (quote-get: which TD's report, and RCX 0 instead of its
 *            handle), expect_sys_rd=HEX and expect_version=HEX (leaves:
 *            TDH.SYS.RD's status, and a non-zero leaf version's, when they
 *            differ from expect=).
 *   results  read: every result line so far; any write clears it.
 *   report   write: 8-byte little-endian TD handle, then its 1024-byte
 *            TDREPORT (the quote groups' input).
 *   report2  the same for a second TD ("another TD" of the mismatch case).
 *   quote    read: the last quote QUOTE.GET produced with report's handle.
 *   info     read: key=value lines: what the groups learnt and per-leaf
 *            call counts.
 *
 * Parameters loop_limit and loop_timeout_ms set the defaults of limit= and
 * timeout_ms=.  A loop that gives up while its call is still resumable
 * (unless TDX_INTERRUPTED_RESUMABLE was the expected outcome) leaves that
 * call pending in the simulator; every later loop until unload is then
 * reported as skipped rather than run into its limit too.
 *
 * Pages the simulator accepted are never freed here (the simulator frees
 * its pool when it is unloaded); everything else is.  When a MEM.ADD fails
 * in a way that leaves it unclear which entries were taken, those pages are
 * left alone (leaked) rather than risk freeing pool memory.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "tdx_abi.h"
#include "tdx_hpa_list.h"
#include "tdx_quote_doc.h"

/* The simulator's dispatcher (EXPORT_SYMBOL_GPL in tdx_ext_sim.ko). */
u64 tdx_sim_seamcall(u64 fn, struct tdx_ext_args *args);

#define ST_RESULTS_SIZE		(256 * 1024)
#define ST_REPORT_BLOB		(8 + TDX_REPORT_SIZE)
#define ST_DEFAULT_LIMIT	10000000ull
#define ST_DEFAULT_TIMEOUT_MS	60000u
#define ST_QUOTE_INPUT_LEN	1024u
#define ST_NOT_RAM_PA		BIT_ULL(46)	/* far above the VM's RAM */
#define ST_MQS_MIN		4096ull
#define ST_MQS_MAX		(4ull << 20)
#define ST_BATCH		TDX_HPA_LIST_ENTRIES
#define ST_MAX_ORDER		9
/* An id with a valid size field (bits 33:32) that names no field. */
#define ST_MD_UNKNOWN		0x31000002000000f7ull
#define ST_LEAF_UNKNOWN		99ull
#define ST_QUOTE_RDX		(TDX_QUOTE_ID_DEFAULT << TDX_QUOTE_ID_SHIFT)

static const u8 st_quote_magic[4] = { 0xd8, 0x3d, 0xd2, 0x84 };

enum st_leaf {
	SL_SYS_RD, SL_MEM_ADD, SL_EXT_INIT, SL_QUOTE_INIT, SL_QUOTE_GET,
	SL_OTHER, SL_NR
};

static const char *const st_leaf_names[SL_NR] = {
	"sys_rd", "mem_add", "ext_init", "quote_init", "quote_get", "other",
};

struct st_stats {
	u64 calls, resumes, no_entropy, busy;
};

/* The outcome of one (possibly resumed) call. */
struct st_loop {
	u64 st;
	u64 calls, resumes, no_entropy, busy;
	bool busy_changed;	/* a TDX_OPERAND_BUSY call changed a register */
	bool gave_up;		/* limit or timeout reached, still resumable */
	bool signal;		/* a fatal signal ended the loop */
	bool stalled;		/* MEM.ADD came back interrupted, no progress */
	bool skipped;		/* not issued: an earlier loop was abandoned */
};

/* One write to run: the group's parameters. */
struct st_ctx {
	char tag[48];
	u64 limit;
	unsigned int timeout_ms;
	bool has_expect;
	bool expect_class;	/* compare bits 63:32 only */
	u64 expect;
	s64 calls;		/* < 0: not checked */
	s64 no_entropy;		/* < 0: not checked */
	s64 busy;		/* < 0: not checked, OPERAND_BUSY not retried */
	bool expect_u16;
	bool td_wildcard;	/* the simulator takes RCX 0 in QUOTE.GET */
	bool report2;		/* quote-get: the second TD's report */
	bool rcx0;		/* quote-get: RCX 0 instead of the handle */
	bool has_expect_sys_rd, has_expect_version;
	u64 expect_sys_rd, expect_version;
	u64 pfn;		/* grab-pfn: the page frame to look for */
};

/* An HPA_LINKED_LIST output buffer. */
struct st_out {
	unsigned int ndata, nnodes;
	struct page **data, **nodes;
	u64 cap;
};

static u64 (*st_seamcall)(u64 fn, struct tdx_ext_args *args);

static unsigned long long loop_limit = ST_DEFAULT_LIMIT;
module_param(loop_limit, ullong, 0444);
MODULE_PARM_DESC(loop_limit, "default calls per resumable loop (run's limit=)");
static unsigned int loop_timeout_ms = ST_DEFAULT_TIMEOUT_MS;
module_param(loop_timeout_ms, uint, 0444);
MODULE_PARM_DESC(loop_timeout_ms, "default time per resumable loop (run's timeout_ms=)");

static struct {
	struct mutex lock;	/* everything below; held while a group runs */
	struct dentry *dir;
	char *results;
	size_t results_len;
	bool results_trunc;
	u8 report[ST_REPORT_BLOB], report2[ST_REPORT_BLOB];
	size_t report_len, report2_len;
	u8 *quote;
	size_t quote_len;

	u64 features0, ext_required, pool_required, max_quote_size;
	bool have_pool_required, have_mqs;
	const char *pool_field;
	u64 pool_given;		/* pages the simulator accepted from us */
	u64 pool_leaked;	/* pages of unclear ownership, left alone */
	u64 pool_pa;		/* one page the simulator accepted, or 0 */
	u64 version[4];		/* major, minor, update, build */
	bool have_version;
	struct st_stats stats[SL_NR];
	struct st_loop last;
	/*
	 * A loop that gave up unexpectedly leaves a call pending in the
	 * simulator, which nothing here can cancel: later loops are skipped
	 * (named after this case) instead of each running into its limit.
	 */
	char abandoned[112];
} st = {
	.lock = __MUTEX_INITIALIZER(st.lock),
	.pool_field = "unknown",
};

/* --- results ------------------------------------------------------------ */

static __printf(1, 2) void st_append(const char *fmt, ...)
{
	size_t room = ST_RESULTS_SIZE - st.results_len;
	va_list ap;
	int n;

	if (st.results_trunc)
		return;
	va_start(ap, fmt);
	n = vsnprintf(st.results + st.results_len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		st.results[st.results_len] = 0;
		st.results_trunc = true;
		pr_err("results buffer full: later results are lost\n");
		return;
	}
	st.results_len += n;
}

static void st_ok(const struct st_ctx *c, const char *name)
{
	st_append("ok %s/%s\n", c->tag, name);
}

static __printf(3, 4) void st_fail(const struct st_ctx *c, const char *name,
				   const char *fmt, ...)
{
	char reason[320];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	st_append("not ok %s/%s # %s\n", c->tag, name, reason);
	pr_info("result: not ok %s/%s # %s\n", c->tag, name, reason);
}

/* --- calls -------------------------------------------------------------- */

static enum st_leaf st_leaf_of(u64 fn)
{
	switch (TDX_LEAF(fn)) {
	case TDH_SYS_RD: return SL_SYS_RD;
	case TDH_EXT_MEM_ADD: return SL_MEM_ADD;
	case TDH_EXT_INIT: return SL_EXT_INIT;
	case TDH_QUOTE_INIT: return SL_QUOTE_INIT;
	case TDH_QUOTE_GET: return SL_QUOTE_GET;
	default: return SL_OTHER;
	}
}

static u64 st_call(u64 fn, struct tdx_ext_args *args)
{
	st.stats[st_leaf_of(fn)].calls++;
	return st_seamcall(fn, args);
}

/*
 * Issue fn until it stops returning TDX_INTERRUPTED_RESUMABLE (or
 * TDX_RND_NO_ENTROPY, which a driver retries too, or TDX_OPERAND_BUSY when
 * the case counts busies), at most c->limit calls and c->timeout_ms.
 * MEM.ADD is re-issued with the RCX it returned, the other leaves with
 * their original inputs.  args holds the last outputs.
 */
static u64 st_loop(const struct st_ctx *c, u64 fn, struct tdx_ext_args *args,
		   struct st_loop *lr)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(c->timeout_ms);
	struct st_stats *s = &st.stats[st_leaf_of(fn)];
	bool mem_add = TDX_LEAF(fn) == TDH_EXT_MEM_ADD;
	struct tdx_ext_args in = *args;

	memset(lr, 0, sizeof(*lr));
	if (st.abandoned[0]) {
		lr->skipped = true;
		lr->st = TDX_SW_ERROR;
		return lr->st;
	}
	for (;;) {
		*args = in;
		lr->st = st_call(fn, args);
		lr->calls++;
		if (lr->st == TDX_INTERRUPTED_RESUMABLE) {
			lr->resumes++;
			s->resumes++;
			if (mem_add) {
				/* RCX must come back with FIRST advanced. */
				if (tdx_hpa_list_pa(args->rcx) != tdx_hpa_list_pa(in.rcx) ||
				    tdx_hpa_list_last(args->rcx) != tdx_hpa_list_last(in.rcx) ||
				    tdx_hpa_list_first(args->rcx) <= tdx_hpa_list_first(in.rcx))
					lr->stalled = true;
				in.rcx = args->rcx;
			}
		} else if (lr->st == TDX_RND_NO_ENTROPY) {
			lr->no_entropy++;
			s->no_entropy++;
		} else if (lr->st == TDX_OPERAND_BUSY && c->busy >= 0) {
			/* Nothing done: not even an output register moved. */
			if (memcmp(args, &in, sizeof(in)))
				lr->busy_changed = true;
			lr->busy++;
			s->busy++;
		} else {
			break;
		}
		if (lr->calls >= c->limit || time_after(jiffies, deadline)) {
			lr->gave_up = true;
			break;
		}
		if (fatal_signal_pending(current)) {
			lr->signal = true;
			break;
		}
		cond_resched();
	}
	st.last = *lr;
	return lr->st;
}

static bool st_status_is(u64 got, u64 want, bool class_only)
{
	if (class_only)
		return TDX_STATUS_CLASS(got) == TDX_STATUS_CLASS(want);
	return got == want;
}

/*
 * Judge a loop against an expected final status; records the result
 * unless quiet (then the caller records it).  Returns true when it passed.
 */
static bool st_judge(const struct st_ctx *c, const char *name,
		     const struct st_loop *lr, u64 want, bool class_only)
{
	const char *how = class_only ? "a status of class" : "status";

	if (lr->skipped) {
		st_fail(c, name, "skipped: %s gave up while resumable, the simulator still has that call pending",
			st.abandoned);
		return false;
	}
	if (lr->gave_up && want != TDX_INTERRUPTED_RESUMABLE)
		snprintf(st.abandoned, sizeof(st.abandoned), "%s/%s", c->tag,
			 name);
	if (lr->signal) {
		st_fail(c, name, "interrupted by a signal after %llu calls (last status 0x%016llx)",
			lr->calls, lr->st);
		return false;
	}
	if (lr->gave_up && want != TDX_INTERRUPTED_RESUMABLE) {
		st_fail(c, name, "gave up after %llu calls (%llu resumable, %llu no-entropy; limit %llu calls / %u ms), expected %s 0x%016llx",
			lr->calls, lr->resumes, lr->no_entropy, c->limit,
			c->timeout_ms, how, want);
		return false;
	}
	if (!st_status_is(lr->st, want, class_only)) {
		st_fail(c, name, "status 0x%016llx after %llu calls, expected %s 0x%016llx",
			lr->st, lr->calls, how, want);
		return false;
	}
	if (lr->stalled) {
		st_fail(c, name, "a resumed MEM.ADD returned RCX without FIRST advanced (or with its PA/LAST changed)");
		return false;
	}
	if (lr->busy_changed) {
		st_fail(c, name, "a call that returned TDX_OPERAND_BUSY changed a register");
		return false;
	}
	return true;
}

/* Judge with the group parameters expect/expect_class/calls/no_entropy. */
static bool st_judge_params(const struct st_ctx *c, const char *name,
			    const struct st_loop *lr)
{
	u64 want = c->has_expect ? c->expect : TDX_SUCCESS;

	if (!st_judge(c, name, lr, want, c->has_expect && c->expect_class))
		return false;
	if (want == TDX_INTERRUPTED_RESUMABLE && !lr->gave_up) {
		st_fail(c, name, "expected the loop to give up while resumable");
		return false;
	}
	if (c->calls >= 0 && lr->calls != (u64)c->calls) {
		st_fail(c, name, "took %llu calls, expected %lld (status 0x%016llx)",
			lr->calls, c->calls, lr->st);
		return false;
	}
	if (c->no_entropy >= 0 && lr->no_entropy != (u64)c->no_entropy) {
		st_fail(c, name, "saw TDX_RND_NO_ENTROPY %llu times, expected %lld (status 0x%016llx)",
			lr->no_entropy, c->no_entropy, lr->st);
		return false;
	}
	if (c->busy >= 0 && lr->busy != (u64)c->busy) {
		st_fail(c, name, "saw TDX_OPERAND_BUSY %llu times, expected %lld (status 0x%016llx)",
			lr->busy, c->busy, lr->st);
		return false;
	}
	st_ok(c, name);
	return true;
}

static u64 st_sys_rd(u64 field, u64 *val)
{
	struct tdx_ext_args a = { .rdx = field };
	u64 ret = st_call(TDH_SYS_RD, &a);

	*val = a.r8;
	return ret;
}

/* A case that is one SYS.RD expected to fail with class want. */
static void st_sys_rd_fails(const struct st_ctx *c, const char *name,
			    u64 field, u64 want)
{
	u64 v, ret = st_sys_rd(field, &v);

	if (TDX_STATUS_CLASS(ret) == TDX_STATUS_CLASS(want))
		st_ok(c, name);
	else
		st_fail(c, name, "SYS.RD 0x%016llx: status 0x%016llx, expected class 0x%016llx",
			field, ret, want);
}

/* MEMORY_POOL_REQUIRED_PAGES: the u32 id, then the older u16 one. */
static void st_read_pool_required(const struct st_ctx *c, const char *name)
{
	u64 v, ret, ret16;

	ret = st_sys_rd(TDX_MD_MEMORY_POOL_REQUIRED_PAGES, &v);
	if (ret == TDX_SUCCESS) {
		if (c->expect_u16) {
			st_fail(c, name, "the u32 id answered (0x%llx) but the simulator was loaded with pool_field_u16",
				v);
			return;
		}
		st.pool_field = "u32";
	} else if (TDX_STATUS_CLASS(ret) == TDX_METADATA_FIELD_ID_INCORRECT) {
		ret16 = st_sys_rd(TDX_MD_MEMORY_POOL_REQUIRED_PAGES_U16, &v);
		if (ret16 != TDX_SUCCESS) {
			st_fail(c, name, "u32 id: status 0x%016llx; u16 id: status 0x%016llx",
				ret, ret16);
			return;
		}
		if (!c->expect_u16) {
			st_fail(c, name, "the u32 id got 0x%016llx; only the u16 id answered",
				ret);
			return;
		}
		if (v > 0xffff) {
			st_fail(c, name, "the u16 field holds 0x%llx", v);
			return;
		}
		st.pool_field = "u16";
	} else {
		st_fail(c, name, "u32 id: status 0x%016llx, expected success or class 0x%016llx",
			ret, TDX_METADATA_FIELD_ID_INCORRECT);
		return;
	}
	if (v == 0 || v > U32_MAX) {
		st_fail(c, name, "MEMORY_POOL_REQUIRED_PAGES = %llu", v);
		return;
	}
	st.pool_required = v;
	st.have_pool_required = true;
	st_ok(c, name);
}

static bool st_read_features(const struct st_ctx *c, const char *name)
{
	u64 ret = st_sys_rd(TDX_MD_FEATURES0, &st.features0);
	u64 need = TDX_FEATURES0_EXT | TDX_FEATURES0_QUOTE;

	if (ret != TDX_SUCCESS) {
		st_fail(c, name, "SYS.RD FEATURES0: status 0x%016llx", ret);
		return false;
	}
	if ((st.features0 & need) != need) {
		st_fail(c, name, "FEATURES0 = 0x%016llx lacks Extensions (bit 39) or DICE quoting (bit 50)",
			st.features0);
		return false;
	}
	st_ok(c, name);
	return true;
}

static bool st_read_ext_required(const struct st_ctx *c, const char *name)
{
	u64 ret = st_sys_rd(TDX_MD_EXT_REQUIRED, &st.ext_required);

	if (ret != TDX_SUCCESS) {
		st_fail(c, name, "SYS.RD EXT_REQUIRED: status 0x%016llx", ret);
		return false;
	}
	if (st.ext_required != 1) {
		st_fail(c, name, "EXT_REQUIRED = %llu, expected 1", st.ext_required);
		return false;
	}
	st_ok(c, name);
	return true;
}

static bool st_read_mqs(const struct st_ctx *c, const char *name)
{
	u64 v, ret = st_sys_rd(TDX_MD_MAX_QUOTE_SIZE, &v);

	if (ret != TDX_SUCCESS) {
		st_fail(c, name, "SYS.RD MAX_QUOTE_SIZE: status 0x%016llx", ret);
		return false;
	}
	if (v < ST_MQS_MIN || v > ST_MQS_MAX) {
		st_fail(c, name, "MAX_QUOTE_SIZE = %llu, outside 4096..4 MiB", v);
		return false;
	}
	st.max_quote_size = v;
	st.have_mqs = true;
	st_ok(c, name);
	return true;
}

/* --- pages and lists ---------------------------------------------------- */

static struct page *st_page(void)
{
	return alloc_page(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
}

static void st_list_reset(u64 *list)
{
	unsigned int i;

	for (i = 0; i < TDX_HPA_LIST_ENTRIES; i++)
		list[i] = TDX_HPA_LL_UNUSED;
}

static void st_out_free(struct st_out *o)
{
	unsigned int i;

	for (i = 0; o->data && i < o->ndata; i++)
		if (o->data[i])
			__free_page(o->data[i]);
	for (i = 0; o->nodes && i < o->nnodes; i++)
		if (o->nodes[i])
			__free_page(o->nodes[i]);
	kvfree(o->data);
	kvfree(o->nodes);
	memset(o, 0, sizeof(*o));
}

/* An HPA_LINKED_LIST for bytes: 511 data pages per node, 512th the link. */
static int st_out_alloc(struct st_out *o, u64 bytes)
{
	unsigned int i, j;
	u64 *node;

	memset(o, 0, sizeof(*o));
	o->ndata = DIV_ROUND_UP(bytes, PAGE_SIZE);
	o->nnodes = DIV_ROUND_UP(o->ndata, TDX_HPA_LL_DATA);
	o->data = kvcalloc(o->ndata, sizeof(*o->data), GFP_KERNEL);
	o->nodes = kvcalloc(o->nnodes, sizeof(*o->nodes), GFP_KERNEL);
	if (!o->data || !o->nodes)
		goto nomem;
	for (i = 0; i < o->ndata; i++) {
		o->data[i] = st_page();
		if (!o->data[i])
			goto nomem;
	}
	for (i = 0; i < o->nnodes; i++) {
		o->nodes[i] = st_page();
		if (!o->nodes[i])
			goto nomem;
	}
	for (i = 0; i < o->nnodes; i++) {
		node = page_address(o->nodes[i]);
		for (j = 0; j < TDX_HPA_LL_DATA; j++) {
			unsigned int d = i * TDX_HPA_LL_DATA + j;

			node[j] = d < o->ndata ? page_to_phys(o->data[d]) :
				  TDX_HPA_LL_UNUSED;
		}
		node[TDX_HPA_LL_NEXT] = i + 1 < o->nnodes ?
			page_to_phys(o->nodes[i + 1]) : TDX_HPA_LL_UNUSED;
	}
	o->cap = (u64)o->ndata * PAGE_SIZE;
	return 0;
nomem:
	st_out_free(o);
	return -ENOMEM;
}

static u64 st_out_pa(const struct st_out *o)
{
	return page_to_phys(o->nodes[0]);
}

/* The first len bytes of the output, in a new buffer. */
static u8 *st_out_copy(const struct st_out *o, u64 len)
{
	u8 *buf;
	u64 off;

	if (len > o->cap)
		return NULL;
	buf = kvmalloc(len ? len : 1, GFP_KERNEL);
	if (!buf)
		return NULL;
	for (off = 0; off < len; off += PAGE_SIZE)
		memcpy(buf + off, page_address(o->data[off / PAGE_SIZE]),
		       min_t(u64, PAGE_SIZE, len - off));
	return buf;
}

static bool st_out_has_magic(const struct st_out *o)
{
	return !memcmp(page_address(o->data[0]), st_quote_magic,
		       sizeof(st_quote_magic));
}

static u64 st_blob_handle(const u8 *blob)
{
	__le64 h;

	memcpy(&h, blob, sizeof(h));
	return le64_to_cpu(h);
}

/* --- MEM.ADD ------------------------------------------------------------ */

/* Donate entries first..last of the list page; *rcx: RCX at the end. */
static u64 st_mem_add(const struct st_ctx *c, struct page *list,
		      unsigned int first, unsigned int last,
		      struct st_loop *lr, u64 *rcx)
{
	struct tdx_ext_args a = {
		.rcx = tdx_hpa_list_info(page_to_phys(list), first, last),
	};
	u64 ret = st_loop(c, TDH_EXT_MEM_ADD, &a, lr);

	if (rcx)
		*rcx = a.rcx;
	return ret;
}

/*
 * One MEM.ADD with a raw HPA_LIST_INFO, expected to fail exactly with
 * want.  Returns true when it did (then no entry was taken).
 */
static bool st_hpa_fault(const struct st_ctx *c, const char *name, u64 info,
			 u64 want)
{
	struct tdx_ext_args a = { .rcx = info };
	struct st_loop lr;

	st_loop(c, TDH_EXT_MEM_ADD, &a, &lr);
	if (!st_judge(c, name, &lr, want, false))
		return false;
	st_ok(c, name);
	return true;
}

/*
 * Allocate n order-0 pages: blocks of order <= 9 split with split_page(),
 * falling back to smaller orders.  Returns how many were allocated.
 */
static unsigned int st_alloc_pages(struct page **pages, unsigned int n)
{
	unsigned int got = 0, i;
	int order;

	while (got < n) {
		struct page *p = NULL;

		order = min_t(int, ST_MAX_ORDER, ilog2(n - got));
		for (; order >= 0; order--) {
			gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;

			if (order)
				gfp |= __GFP_NORETRY;
			p = alloc_pages(gfp, order);
			if (p)
				break;
		}
		if (!p)
			break;
		if (order)
			split_page(p, order);
		for (i = 0; i < (1u << order); i++)
			pages[got++] = p + i;
		cond_resched();
	}
	return got;
}

enum st_donated { ST_DONATED_ALL, ST_DONATED_FULL, ST_DONATED_ERR };

/*
 * Donate count fresh pages in 512-entry batches.  ST_DONATED_FULL: the
 * simulator answered TDX_EXT_MEMORY_POOL_FULL, *taken pages were accepted
 * and the others freed.  ST_DONATED_ERR: a failure, already recorded as
 * not ok name.
 */
static enum st_donated st_donate(const struct st_ctx *c, const char *name,
				 u64 count, u64 *taken)
{
	enum st_donated ret = ST_DONATED_ERR;
	u64 done = 0, resumes = 0, calls = 0, rcx, sent;
	struct page **pages, *list;
	unsigned int n, got, i, first;
	struct st_loop lr;
	u64 *lp;

	list = st_page();
	pages = kcalloc(ST_BATCH, sizeof(*pages), GFP_KERNEL);
	if (!list || !pages) {
		st_fail(c, name, "out of memory for the list page");
		goto out;
	}
	lp = page_address(list);
	while (done < count) {
		n = min_t(u64, ST_BATCH, count - done);
		got = st_alloc_pages(pages, n);
		if (got < n) {
			for (i = 0; i < got; i++)
				__free_page(pages[i]);
			st_fail(c, name, "could allocate only %llu of %llu pages",
				done + got, count);
			goto out;
		}
		st_list_reset(lp);
		for (i = 0; i < n; i++)
			lp[i] = page_to_phys(pages[i]);
		sent = tdx_hpa_list_info(page_to_phys(list), 0, n - 1);
		st_mem_add(c, list, 0, n - 1, &lr, &rcx);
		calls += lr.calls;
		resumes += lr.resumes;
		if (lr.st == TDX_EXT_MEMORY_POOL_FULL && !lr.stalled) {
			/* The entries from the returned FIRST on were not taken. */
			first = tdx_hpa_list_first(rcx);
			if (tdx_hpa_list_pa(rcx) != tdx_hpa_list_pa(sent) ||
			    tdx_hpa_list_last(rcx) != n - 1 || first > n - 1) {
				st.pool_leaked += n;
				st_fail(c, name, "TDX_EXT_MEMORY_POOL_FULL with RCX 0x%016llx for list 0x%016llx: cannot tell which pages were taken",
					rcx, sent);
				goto out;
			}
			for (i = first; i < n; i++)
				__free_page(pages[i]);
			st.pool_given += first;
			done += first;
			ret = ST_DONATED_FULL;
			goto out;
		}
		if (!st_judge(c, name, &lr, TDX_SUCCESS, false)) {
			/* Unclear which pages were taken: leave them all. */
			st.pool_leaked += n;
			goto out;
		}
		st.pool_given += n;
		if (!st.pool_pa)
			st.pool_pa = page_to_phys(pages[0]);
		done += n;
	}
	ret = ST_DONATED_ALL;
out:
	pr_info("%s/%s: %llu of %llu pages donated in %llu calls (%llu resumed)\n",
		c->tag, name, done, count, calls, resumes);
	*taken = done;
	kfree(pages);
	if (list)
		__free_page(list);
	return ret;
}

/* Donate what the pool still lacks; the case passes when all was taken. */
static bool st_fill_pool(const struct st_ctx *c, const char *name)
{
	u64 need, taken;

	if (!st.have_pool_required) {
		st_fail(c, name, "MEMORY_POOL_REQUIRED_PAGES unknown");
		return false;
	}
	need = st.pool_required > st.pool_given ?
	       st.pool_required - st.pool_given : 0;
	switch (st_donate(c, name, need, &taken)) {
	case ST_DONATED_ALL:
		st_ok(c, name);
		return true;
	case ST_DONATED_FULL:
		st_fail(c, name, "TDX_EXT_MEMORY_POOL_FULL after %llu of the %llu pages still needed (required %llu, given before %llu)",
			taken, need, st.pool_required, st.pool_given - taken);
		return false;
	default:
		return false;
	}
}

/* --- one-step helpers --------------------------------------------------- */

/* A single call (no resuming) expected to return want. */
static void st_once(const struct st_ctx *c, const char *name, u64 fn,
		    struct tdx_ext_args *a, u64 want, bool class_only)
{
	u64 ret = st_call(fn, a);

	if (st_status_is(ret, want, class_only))
		st_ok(c, name);
	else
		st_fail(c, name, "RAX 0x%llx: status 0x%016llx, expected %s0x%016llx",
			fn, ret, class_only ? "class " : "", want);
}

/* A resumable leaf without inputs, run to its end, expected to give want. */
static bool st_leaf_expect(const struct st_ctx *c, const char *name, u64 fn,
			   u64 want, bool class_only)
{
	struct tdx_ext_args a = {};
	struct st_loop lr;

	st_loop(c, fn, &a, &lr);
	if (!st_judge(c, name, &lr, want, class_only))
		return false;
	st_ok(c, name);
	return true;
}

/* --- QUOTE.GET ---------------------------------------------------------- */

struct st_q {
	struct page *in;
	struct st_out out;
	u64 handle;
};

static void st_q_free(struct st_q *q)
{
	if (q->in)
		__free_page(q->in);
	q->in = NULL;
	st_out_free(&q->out);
}

/* The input page (the report in its first 1024 bytes) and the output list. */
static int st_q_prep(struct st_q *q, const u8 *blob, u64 out_bytes)
{
	memset(q, 0, sizeof(*q));
	q->in = st_page();
	if (!q->in)
		return -ENOMEM;
	if (blob) {
		memcpy(page_address(q->in), blob + 8, TDX_REPORT_SIZE);
		q->handle = st_blob_handle(blob);
	}
	if (st_out_alloc(&q->out, out_bytes)) {
		st_q_free(q);
		return -ENOMEM;
	}
	return 0;
}

static void st_q_args(const struct st_q *q, struct tdx_ext_args *a, u64 rcx)
{
	memset(a, 0, sizeof(*a));
	a->rcx = rcx;
	a->rdx = ST_QUOTE_RDX;
	a->r8 = page_to_phys(q->in);
	a->r9 = ST_QUOTE_INPUT_LEN;
	a->r10 = st_out_pa(&q->out);
	a->r11 = q->out.cap;
}

/* Run a QUOTE.GET to its end; *len: RCX at the end. */
static u64 st_q_get(const struct st_ctx *c, struct tdx_ext_args *a,
		    struct st_loop *lr, u64 *len)
{
	u64 ret = st_loop(c, TDH_QUOTE_GET, a, lr);

	*len = a->rcx;
	return ret;
}

/* A successful quote: length within the buffer, CWT/COSE_Sign1 magic. */
static bool st_q_check_quote(const struct st_ctx *c, const char *name,
			     const struct st_out *o, u64 len, u64 r11)
{
	if (len <= sizeof(st_quote_magic) || len > r11) {
		st_fail(c, name, "quote length %llu (RCX) outside 5..%llu (R11)",
			len, r11);
		return false;
	}
	if (!st_out_has_magic(o)) {
		const u8 *b = page_address(o->data[0]);

		st_fail(c, name, "quote starts %02x %02x %02x %02x, not d8 3d d2 84",
			b[0], b[1], b[2], b[3]);
		return false;
	}
	return true;
}

static bool st_q_save(const struct st_ctx *c, const char *name,
		      const struct st_q *q, u64 len)
{
	u8 *buf = st_out_copy(&q->out, len);

	if (!buf) {
		st_fail(c, name, "out of memory copying a %llu-byte quote", len);
		return false;
	}
	kvfree(st.quote);
	st.quote = buf;
	st.quote_len = len;
	return true;
}

static bool st_need_reports(const struct st_ctx *c, const char *name,
			    bool second)
{
	if (st.report_len != ST_REPORT_BLOB) {
		st_fail(c, name, "no report: write 8-byte handle + 1024-byte TDREPORT to report first (have %zu bytes)",
			st.report_len);
		return false;
	}
	if (second && st.report2_len != ST_REPORT_BLOB) {
		st_fail(c, name, "no second report: write one to report2 first (have %zu bytes)",
			st.report2_len);
		return false;
	}
	return true;
}

static bool st_need_mqs(const struct st_ctx *c, const char *name)
{
	if (st.have_mqs)
		return true;
	return st_read_mqs(c, name);
}

/* One QUOTE.GET case with an exact status; true if it had it. */
static bool st_q_refused(const struct st_ctx *c, const char *name,
			 struct tdx_ext_args *a, u64 want)
{
	struct st_loop lr;
	u64 len;

	st_q_get(c, a, &lr, &len);
	if (!st_judge(c, name, &lr, want, false))
		return false;
	st_ok(c, name);
	return true;
}

/* One QUOTE.GET case expected to fail: a with fields already set. */
static void st_q_fails(const struct st_ctx *c, const char *name,
		       struct tdx_ext_args *a, u64 want, bool class_only)
{
	struct st_loop lr;
	u64 len;

	st_q_get(c, a, &lr, &len);
	if (st_judge(c, name, &lr, want, class_only))
		st_ok(c, name);
}

/*
 * A RAM page the kernel keeps reserved (memblock: the memory map, early
 * page tables, ...) below the top of RAM: found from the top down, where
 * memblock allocates, far from the kernel image.  0 if there is none.
 */
static u64 st_reserved_pa(void)
{
	unsigned long top = PHYS_PFN(virt_to_phys(high_memory - 1));
	unsigned long pfn, n;

	for (pfn = top, n = 0; pfn > 0 && n < (1ul << 20); pfn--, n++) {
		if (pfn_valid(pfn) && page_is_ram(pfn) &&
		    PageReserved(pfn_to_page(pfn)))
			return PFN_PHYS(pfn);
		if (!(n % 4096))
			cond_resched();
	}
	return 0;
}

/*
 * Pages no driver owns, which a real TDX module would refuse (not
 * convertible memory, or its own) and the simulator, sharing the kernel's
 * memory, must refuse: a page of kernel text, the zero page, a reserved
 * page, a slab page, the TD's TDR page and a page of the simulator's own
 * text.  Each as the input page (R8), then as the first node (R10), then
 * as a data page of node 0.  The simulator only reads the input page and
 * the nodes; a data page it accepted would be written with the quote, so
 * those cases run only when every page was refused as input and node.
 */
static void st_q_not_host_pages(const struct st_ctx *c, struct st_q *q,
				u64 *node, u64 saved)
{
	struct st_bad { const char *what; u64 pa; } bad[] = {
		{ "kernel-text", __pa_symbol(kfree) & PAGE_MASK },
		{ "zero-page", page_to_phys(ZERO_PAGE(0)) },
		{ "reserved", st_reserved_pa() },
		{ "slab", 0 },
		{ "tdr", q->handle },
		{ "sim-text", PFN_PHYS(vmalloc_to_pfn(st_seamcall)) },
	};
	struct tdx_ext_args a;
	bool all = true;
	char name[64];
	unsigned int i;
	void *slab;

	slab = kmalloc(64, GFP_KERNEL);
	if (slab)
		bad[3].pa = virt_to_phys(slab) & PAGE_MASK;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (!bad[i].pa) {
			snprintf(name, sizeof(name), "get-not-host-%s", bad[i].what);
			st_fail(c, name, "no such page found");
			all = false;
			continue;
		}
		snprintf(name, sizeof(name), "get-input-%s", bad[i].what);
		st_q_args(q, &a, q->handle);
		a.r8 = bad[i].pa;
		all &= st_q_refused(c, name, &a,
				    TDX_OPERAND_INVALID | TDX_OPERAND_ID_R8);
		snprintf(name, sizeof(name), "get-output-node-%s", bad[i].what);
		st_q_args(q, &a, q->handle);
		a.r10 = bad[i].pa;
		all &= st_q_refused(c, name, &a,
				    TDX_OPERAND_INVALID | TDX_OPERAND_ID_R10);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (!bad[i].pa)
			continue;
		snprintf(name, sizeof(name), "get-output-entry-%s", bad[i].what);
		if (!all) {
			st_fail(c, name, "skipped: a page was accepted as input or node, the quote could be written into it");
			continue;
		}
		node[0] = bad[i].pa;
		st_q_args(q, &a, q->handle);
		st_q_refused(c, name, &a, TDX_QUOTE_OUTPUT_LIST_INVALID | 0);
		node[0] = saved;
	}
	kfree(slab);

	/* The same list with its own page back: a quote. */
	st_q_args(q, &a, q->handle);
	memset(page_address(q->out.data[0]), 0, PAGE_SIZE);
	if (st_q_refused(c, "get-after-not-host-pages", &a, TDX_SUCCESS)) {
		if (st_out_has_magic(&q->out))
			st_ok(c, "get-after-not-host-pages-quote");
		else
			st_fail(c, "get-after-not-host-pages-quote", "no quote in the output");
	}
}

/* --- groups ------------------------------------------------------------- */

static void grp_sys_rd(struct st_ctx *c)
{
	st_read_features(c, "features0");
	st_read_ext_required(c, "ext-required");
	st_read_pool_required(c, "pool-pages");
}

static void grp_pre(struct st_ctx *c)
{
	struct page *list, *p, *q;
	bool p_ours = true, q_ours = true;
	struct tdx_ext_args a;
	struct st_loop lr;
	struct st_q qq;
	u64 *lp, lpa, ret;

	st_read_features(c, "sys-rd-features0");
	st_read_ext_required(c, "sys-rd-ext-required");
	st_read_pool_required(c, "sys-rd-pool-pages");
	st_sys_rd_fails(c, "sys-rd-unknown-field", ST_MD_UNKNOWN,
			TDX_METADATA_FIELD_ID_INCORRECT);

	/* Other leaves, other versions: TDX_OPERAND_INVALID, operand RAX. */
	a = (struct tdx_ext_args){ .rdx = TDX_MD_FEATURES0 };
	st_once(c, "unknown-leaf-99", ST_LEAF_UNKNOWN, &a,
		TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX, false);
	a = (struct tdx_ext_args){ .rdx = TDX_MD_FEATURES0 };
	st_once(c, "unknown-leaf-65535", 0xffff, &a,
		TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX, false);
	a = (struct tdx_ext_args){ .rdx = TDX_MD_FEATURES0 };
	st_once(c, "leaf-version-sys-rd", TDH_SYS_RD | 1ull << 16, &a,
		TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX, false);
	a = (struct tdx_ext_args){};
	st_once(c, "leaf-version-ext-init", TDH_EXT_INIT | 1ull << 16, &a,
		TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX, false);

	/* Order violations. */
	st_sys_rd_fails(c, "max-quote-size-before-quote-init",
			TDX_MD_MAX_QUOTE_SIZE, TDX_SYS_STATE_INCORRECT);
	st_leaf_expect(c, "ext-init-before-pool", TDH_EXT_INIT,
		       TDX_SYS_STATE_INCORRECT, true);
	st_leaf_expect(c, "quote-init-before-ext-init", TDH_QUOTE_INIT,
		       TDX_SYS_STATE_INCORRECT, true);
	if (st_q_prep(&qq, st.report_len == ST_REPORT_BLOB ? st.report : NULL,
		      PAGE_SIZE)) {
		st_fail(c, "quote-get-before-quote-init", "out of memory");
	} else {
		st_q_args(&qq, &a, qq.handle);
		st_q_fails(c, "quote-get-before-quote-init", &a,
			   TDX_SYS_STATE_INCORRECT, true);
		st_q_free(&qq);
	}

	/* HPA_LIST_INFO faults: none of them may take a page. */
	list = st_page();
	p = st_page();
	q = st_page();
	if (!list || !p || !q) {
		st_fail(c, "hpa-list-setup", "out of memory");
		goto out;
	}
	lp = page_address(list);
	lpa = page_to_phys(list);
	st_list_reset(lp);
	lp[0] = page_to_phys(p);
	p_ours &= st_hpa_fault(c, "hpa-reserved-bits-2-0",
			       tdx_hpa_list_info(lpa, 0, 0) | 1,
			       TDX_EXT_HPA_LIST_RESERVED);
	p_ours &= st_hpa_fault(c, "hpa-reserved-bits-54-52",
			       tdx_hpa_list_info(lpa, 0, 0) | 1ull << 52,
			       TDX_EXT_HPA_LIST_RESERVED);
	p_ours &= st_hpa_fault(c, "hpa-first-gt-last",
			       tdx_hpa_list_info(lpa, 1, 0),
			       TDX_EXT_HPA_LIST_FIRST_GT_LAST);
	st_hpa_fault(c, "hpa-list-not-ram",
		     tdx_hpa_list_info(ST_NOT_RAM_PA, 0, 0),
		     TDX_EXT_HPA_LIST_NOT_RAM);
	/* The faulty entry at index 3, the only one processed. */
	lp[3] = page_to_phys(p) + 8;
	st_hpa_fault(c, "hpa-entry-misaligned", tdx_hpa_list_info(lpa, 3, 3),
		     TDX_EXT_HPA_ENTRY_MISALIGNED | 3);
	lp[3] = 1ull << 60;
	st_hpa_fault(c, "hpa-entry-above-2-52", tdx_hpa_list_info(lpa, 3, 3),
		     TDX_EXT_HPA_ENTRY_MISALIGNED | 3);
	lp[3] = ST_NOT_RAM_PA;
	st_hpa_fault(c, "hpa-entry-not-ram", tdx_hpa_list_info(lpa, 3, 3),
		     TDX_EXT_HPA_ENTRY_NOT_RAM | 3);

	/*
	 * p twice in one list: entry 4 is the duplicate.  Whether entry 3 was
	 * taken before the fault is the simulator's choice, so donate p once
	 * more alone: success or a duplicate at 0 both leave p in the pool.
	 */
	lp[3] = page_to_phys(p);
	lp[4] = page_to_phys(p);
	st_hpa_fault(c, "hpa-entry-duplicate-in-list",
		     tdx_hpa_list_info(lpa, 3, 4),
		     TDX_EXT_HPA_ENTRY_DUPLICATE | 4);
	p_ours = false;
	st_list_reset(lp);
	lp[0] = page_to_phys(p);
	ret = st_mem_add(c, list, 0, 0, &lr, NULL);
	if (ret == TDX_SUCCESS || ret == (TDX_EXT_HPA_ENTRY_DUPLICATE | 0)) {
		st.pool_given++;
	} else {
		st.pool_leaked++;
		st_fail(c, "hpa-duplicate-page-in-pool",
			"donating the duplicated page alone: status 0x%016llx, expected success or 0x%016llx",
			ret, TDX_EXT_HPA_ENTRY_DUPLICATE);
	}

	/* q accepted by one call, then offered again by another. */
	st_list_reset(lp);
	lp[0] = page_to_phys(q);
	st_mem_add(c, list, 0, 0, &lr, NULL);
	q_ours = false;
	if (st_judge(c, "hpa-donate-one-page", &lr, TDX_SUCCESS, false)) {
		st.pool_given++;
		st.pool_pa = page_to_phys(q);
		st_ok(c, "hpa-donate-one-page");
		st_hpa_fault(c, "hpa-entry-donated-earlier",
			     tdx_hpa_list_info(lpa, 0, 0),
			     TDX_EXT_HPA_ENTRY_DUPLICATE | 0);
	} else {
		st.pool_leaked++;
		st_fail(c, "hpa-entry-donated-earlier", "needs hpa-donate-one-page");
	}
out:
	if (list)
		__free_page(list);
	if (p && p_ours)
		__free_page(p);
	if (q && q_ours)
		__free_page(q);
}

static void grp_mem_add(struct st_ctx *c)
{
	st_read_pool_required(c, "pool-required");
	st_fill_pool(c, "mem-add");
}

static void grp_ext_init(struct st_ctx *c)
{
	struct tdx_ext_args a = {};
	struct st_loop lr;

	st_loop(c, TDH_EXT_INIT, &a, &lr);
	st_judge_params(c, "ext-init", &lr);
}

static void grp_quote_init(struct st_ctx *c)
{
	struct tdx_ext_args a = {};
	struct st_loop lr;

	st_loop(c, TDH_QUOTE_INIT, &a, &lr);
	st_judge_params(c, "quote-init", &lr);
}

/* One more page for a complete pool: refused, and still ours to free. */
static void st_pool_full(const struct st_ctx *c, const char *name)
{
	u64 taken;

	switch (st_donate(c, name, 1, &taken)) {
	case ST_DONATED_FULL:
		if (taken)
			st_fail(c, name, "TDX_EXT_MEMORY_POOL_FULL but RCX says the page was taken");
		else
			st_ok(c, name);
		break;
	case ST_DONATED_ALL:
		st_fail(c, name, "a page beyond MEMORY_POOL_REQUIRED_PAGES (%llu) was accepted",
			st.pool_required);
		break;
	default:
		break;
	}
}

static void grp_pool_full(struct st_ctx *c)
{
	st_pool_full(c, "mem-add-pool-full");
}

static void grp_bringup(struct st_ctx *c)
{
	st_read_features(c, "features0");
	st_read_ext_required(c, "ext-required");
	st_read_pool_required(c, "pool-required");
	st_fill_pool(c, "mem-add");
	st_leaf_expect(c, "ext-init", TDH_EXT_INIT, TDX_SUCCESS, false);
	st_leaf_expect(c, "quote-init", TDH_QUOTE_INIT, TDX_SUCCESS, false);
	st_read_mqs(c, "max-quote-size");
	st_leaf_expect(c, "ext-init-again", TDH_EXT_INIT,
		       TDX_EXT_ALREADY_INITIALIZED, true);
	st_pool_full(c, "mem-add-pool-full");
}

/*
 * One QUOTE.GET to its end: the first TD's report (report=2: the
 * second's) under its handle (rcx0=1: RCX 0).  A quote of the first TD's
 * report is kept for the quote file.  A case expected to fail needs no
 * MAX_QUOTE_SIZE (it may be unreadable then): one page of output.
 */
static void grp_quote_get(struct st_ctx *c)
{
	const char *name = "quote-get";
	bool fails = c->has_expect && c->expect != TDX_SUCCESS;
	struct tdx_ext_args a;
	struct st_loop lr;
	struct st_q q;
	u64 len;

	if (!st_need_reports(c, name, c->report2))
		return;
	if (!fails && !st_need_mqs(c, "max-quote-size"))
		return;
	if (st_q_prep(&q, c->report2 ? st.report2 : st.report,
		      st.have_mqs ? st.max_quote_size : PAGE_SIZE)) {
		st_fail(c, name, "out of memory");
		return;
	}
	st_q_args(&q, &a, c->rcx0 ? 0 : q.handle);
	st_q_get(c, &a, &lr, &len);
	if (st_judge_params(c, name, &lr) && lr.st == TDX_SUCCESS &&
	    st_q_check_quote(c, "quote-get-content", &q.out, len, q.out.cap) &&
	    (c->report2 || st_q_save(c, "quote-get-content", &q, len)))
		st_ok(c, "quote-get-content");
	st_q_free(&q);
}

/*
 * BUFFER_TOO_SMALL: R11 one byte below the quote's length len, the output
 * list exactly R11 bytes; then a list of the length RCX named.
 */
static void st_q_short(const struct st_ctx *c, struct st_q *q, u64 len)
{
	struct tdx_ext_args a;
	struct st_out o;
	struct st_loop lr;
	u64 need, got;

	if (st_out_alloc(&o, len - 1)) {
		st_fail(c, "get-buffer-too-small", "out of memory");
		st_fail(c, "get-needed-length", "needs get-buffer-too-small");
		return;
	}
	st_q_args(q, &a, q->handle);
	a.r10 = st_out_pa(&o);
	a.r11 = len - 1;
	st_q_get(c, &a, &lr, &need);
	st_out_free(&o);
	if (!st_judge(c, "get-buffer-too-small", &lr,
		      TDX_QUOTE_BUFFER_TOO_SMALL, true)) {
		st_fail(c, "get-needed-length", "needs get-buffer-too-small");
		return;
	}
	if (need <= len - 1 || need > st.max_quote_size) {
		st_fail(c, "get-buffer-too-small", "RCX %llu: not above R11 %llu, or above MAX_QUOTE_SIZE %llu",
			need, len - 1, st.max_quote_size);
		st_fail(c, "get-needed-length", "needs get-buffer-too-small");
		return;
	}
	st_ok(c, "get-buffer-too-small");

	if (st_out_alloc(&o, need)) {
		st_fail(c, "get-needed-length", "out of memory");
		return;
	}
	st_q_args(q, &a, q->handle);
	a.r10 = st_out_pa(&o);
	a.r11 = need;
	st_q_get(c, &a, &lr, &got);
	if (st_judge(c, "get-needed-length", &lr, TDX_SUCCESS, false)) {
		if (got != need)
			st_fail(c, "get-needed-length", "quote length %llu, but BUFFER_TOO_SMALL said %llu",
				got, need);
		else if (st_q_check_quote(c, "get-needed-length", &o, got, need))
			st_ok(c, "get-needed-length");
	}
	st_out_free(&o);
}

static void grp_quote(struct st_ctx *c)
{
	u64 len = 0, got, h2 = 0, saved, *node;
	struct tdx_ext_args a;
	struct st_q q, q2;
	struct st_loop lr;
	bool have2;
	u8 *rd;

	if (!st_need_reports(c, "get", false) || !st_read_mqs(c, "max-quote-size"))
		return;
	if (st_q_prep(&q, st.report, st.max_quote_size)) {
		st_fail(c, "get", "out of memory");
		return;
	}
	have2 = st.report2_len == ST_REPORT_BLOB;
	if (have2)
		h2 = st_blob_handle(st.report2);

	/* The right handle. */
	st_q_args(&q, &a, q.handle);
	st_q_get(c, &a, &lr, &len);
	if (st_judge(c, "get", &lr, TDX_SUCCESS, false) &&
	    st_q_check_quote(c, "get", &q.out, len, q.out.cap) &&
	    st_q_save(c, "get", &q, len))
		st_ok(c, "get");
	else
		len = 0;

	/*
	 * Handle 0 names no TDR page: refused, unless the simulator was
	 * loaded with td_wildcard=1 (then: the TD the report names).
	 */
	st_q_args(&q, &a, 0);
	if (c->td_wildcard) {
		st_q_get(c, &a, &lr, &got);
		if (st_judge(c, "get-handle-0", &lr, TDX_SUCCESS, false) &&
		    st_q_check_quote(c, "get-handle-0", &q.out, got, q.out.cap))
			st_ok(c, "get-handle-0");
	} else {
		st_q_fails(c, "get-handle-0", &a,
			   TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX, false);
	}

	/* The other TD, with its own report and handle. */
	if (!have2) {
		st_fail(c, "get-td2", "no second report: write one to report2");
	} else if (st_q_prep(&q2, st.report2, st.max_quote_size)) {
		st_fail(c, "get-td2", "out of memory");
	} else {
		st_q_args(&q2, &a, h2);
		st_q_get(c, &a, &lr, &got);
		if (st_judge(c, "get-td2", &lr, TDX_SUCCESS, false) &&
		    st_q_check_quote(c, "get-td2", &q2.out, got, q2.out.cap))
			st_ok(c, "get-td2");
		st_q_free(&q2);
	}

	/* The first TD's report under the other TD's handle. */
	if (!have2) {
		st_fail(c, "get-wrong-handle", "no second report: write one to report2");
	} else {
		st_q_args(&q, &a, h2);
		st_q_fails(c, "get-wrong-handle", &a, TDX_QUOTE_TD_MISMATCH, true);
	}

	/* RCX naming no TDR at all (a page of ours). */
	st_q_args(&q, &a, page_to_phys(q.in));
	st_q_fails(c, "get-unknown-tdr", &a,
		   TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX, false);

	/* One REPORTDATA byte flipped: the MAC no longer verifies. */
	rd = (u8 *)page_address(q.in) + TDX_REPORT_REPORTDATA_OFF;
	rd[17] ^= 0x20;
	st_q_args(&q, &a, q.handle);
	st_q_fails(c, "get-report-invalid", &a, TDX_QUOTE_REPORT_INVALID, true);
	rd[17] ^= 0x20;

	/*
	 * R11 one byte short, with an output list of exactly R11 bytes: RCX
	 * says what is needed; then a list of that length works.
	 */
	if (!len) {
		st_fail(c, "get-buffer-too-small", "needs the length from get");
		st_fail(c, "get-needed-length", "needs the length from get");
	} else {
		st_q_short(c, &q, len);
	}

	/* The input: R9 must be 1024, R8 an aligned RAM page (operand R8). */
	st_q_args(&q, &a, q.handle);
	a.r9 = ST_QUOTE_INPUT_LEN - 1;
	st_q_fails(c, "get-input-len-1023", &a, TDX_QUOTE_INPUT_INVALID, true);
	st_q_args(&q, &a, q.handle);
	a.r9 = TDX_QUOTE_GET_MAX_INPUT;
	st_q_fails(c, "get-input-len-4096", &a, TDX_QUOTE_INPUT_INVALID, true);
	st_q_args(&q, &a, q.handle);
	a.r8 += 8;
	st_q_fails(c, "get-input-misaligned", &a,
		   TDX_OPERAND_INVALID | TDX_OPERAND_ID_R8, false);

	/*
	 * The output list: the first node misaligned is a bad operand (R10);
	 * a data page that is not RAM is a bad list (node 0).
	 */
	st_q_args(&q, &a, q.handle);
	a.r10 += 8;
	st_q_fails(c, "get-output-node-misaligned", &a,
		   TDX_OPERAND_INVALID | TDX_OPERAND_ID_R10, false);
	node = page_address(q.out.nodes[0]);
	saved = node[0];
	node[0] = ST_NOT_RAM_PA;
	st_q_args(&q, &a, q.handle);
	st_q_fails(c, "get-output-entry-not-ram", &a,
		   TDX_QUOTE_OUTPUT_LIST_INVALID | 0, false);
	node[0] = saved;

	/* A page of the pool is the TDX module's: neither input nor output. */
	if (!st.pool_pa) {
		st_fail(c, "get-pool-page", "no page known to be in the pool");
	} else {
		st_q_args(&q, &a, q.handle);
		a.r8 = st.pool_pa;
		st_q_fails(c, "get-input-pool-page", &a,
			   TDX_OPERAND_INVALID | TDX_OPERAND_ID_R8, false);
		st_q_args(&q, &a, q.handle);
		a.r10 = st.pool_pa;
		st_q_fails(c, "get-output-node-pool-page", &a,
			   TDX_OPERAND_INVALID | TDX_OPERAND_ID_R10, false);
		node[0] = st.pool_pa;
		st_q_args(&q, &a, q.handle);
		st_q_fails(c, "get-output-entry-pool-page", &a,
			   TDX_QUOTE_OUTPUT_LIST_INVALID | 0, false);
		node[0] = saved;
	}
	st_q_not_host_pages(c, &q, node, saved);

	/* A list of several nodes cut after the first: node 1 is missing. */
	if (q.out.nnodes > 1) {
		saved = node[TDX_HPA_LL_NEXT];
		node[TDX_HPA_LL_NEXT] = TDX_HPA_LL_UNUSED;
		st_q_args(&q, &a, q.handle);
		st_q_fails(c, "get-output-node-missing", &a,
			   TDX_QUOTE_OUTPUT_LIST_INVALID | 1, false);
		node[TDX_HPA_LL_NEXT] = saved;
	}

	st_q_free(&q);
}

/* A QUOTE.GET left pending; the same leaf with other inputs is busy. */
static void grp_resume_busy(struct st_ctx *c)
{
	struct tdx_ext_args a, b, orig;
	struct st_loop lr;
	struct st_q q;
	u64 ret, len;

	if (!st_need_reports(c, "first-call-interrupted", false) ||
	    !st_need_mqs(c, "max-quote-size"))
		return;
	if (st_q_prep(&q, st.report, st.max_quote_size)) {
		st_fail(c, "first-call-interrupted", "out of memory");
		return;
	}
	if (st.abandoned[0]) {
		st_fail(c, "first-call-interrupted", "skipped: %s gave up while resumable, the simulator still has that call pending",
			st.abandoned);
		goto out;
	}
	st_q_args(&q, &orig, q.handle);
	a = orig;
	ret = st_call(TDH_QUOTE_GET, &a);
	if (ret == TDX_SUCCESS) {
		st_fail(c, "first-call-interrupted", "QUOTE.GET finished in one call: the simulator must run one step per call (every_step=1 or slice_us=0)");
		goto out;
	} else if (ret != TDX_INTERRUPTED_RESUMABLE) {
		st_fail(c, "first-call-interrupted", "status 0x%016llx, expected 0x%016llx",
			ret, TDX_INTERRUPTED_RESUMABLE);
		goto out;
	}
	st_ok(c, "first-call-interrupted");

	/* Other inputs: the same TD, a buffer said to be a byte shorter. */
	b = orig;
	b.r11--;
	ret = st_call(TDH_QUOTE_GET, &b);
	if (TDX_STATUS_CLASS(ret) == TDX_OPERAND_BUSY)
		st_ok(c, "other-inputs-busy");
	else
		st_fail(c, "other-inputs-busy", "status 0x%016llx, expected class 0x%016llx",
			ret, TDX_OPERAND_BUSY);

	/* QUOTE.INIT would re-key under the pending quote: busy too. */
	memset(&b, 0, sizeof(b));
	ret = st_call(TDH_QUOTE_INIT, &b);
	if (ret == TDX_OPERAND_BUSY)
		st_ok(c, "quote-init-busy");
	else
		st_fail(c, "quote-init-busy", "status 0x%016llx, expected 0x%016llx",
			ret, TDX_OPERAND_BUSY);

	a = orig;
	st_q_get(c, &a, &lr, &len);
	if (st_judge(c, "finish", &lr, TDX_SUCCESS, false) &&
	    st_q_check_quote(c, "finish", &q.out, len, q.out.cap))
		st_ok(c, "finish");
out:
	st_q_free(&q);
}

/*
 * A QUOTE.GET left pending by the group pending-get.  Its buffers stay
 * allocated until unload (or the next pending-get): the simulator may
 * still write into them.
 */
static struct st_q st_pend;

static void grp_pending_get(struct st_ctx *c)
{
	struct tdx_ext_args a;
	u64 ret;

	if (!st_need_reports(c, "pending-get", false))
		return;
	st_q_free(&st_pend);
	if (st_q_prep(&st_pend, st.report,
		      st.have_mqs ? st.max_quote_size : PAGE_SIZE)) {
		st_fail(c, "pending-get", "out of memory");
		return;
	}
	st_q_args(&st_pend, &a, st_pend.handle);
	ret = st_call(TDH_QUOTE_GET, &a);
	if (ret == TDX_INTERRUPTED_RESUMABLE)
		st_ok(c, "pending-get");
	else
		st_fail(c, "pending-get", "first call: status 0x%016llx, expected 0x%016llx (the simulator must take one step per call)",
			ret, TDX_INTERRUPTED_RESUMABLE);
}

/*
 * A page the host freed while the simulator had it (debugfs
 * test_host_free_page, pfn=): with the simulator's own reference the page
 * never went back to the allocator, so allocating pages does not hand it
 * out again.  Without one it would: then this module and the simulator
 * would both think they own it.  A page found is kept until unload.
 */
#define ST_GRAB_PAGES	8192

static struct page *st_grabbed;

static void grp_grab_pfn(struct st_ctx *c)
{
	struct page **pages;
	unsigned int i, n;

	if (!c->pfn) {
		st_fail(c, "params", "grab-pfn needs pfn=N");
		return;
	}
	pages = kvcalloc(ST_GRAB_PAGES, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		st_fail(c, "not-reallocated", "out of memory");
		return;
	}
	for (n = 0; n < ST_GRAB_PAGES; n++) {
		pages[n] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!pages[n] || page_to_pfn(pages[n]) == c->pfn)
			break;
	}
	if (n < ST_GRAB_PAGES && pages[n]) {
		st_grabbed = pages[n];
		st_fail(c, "not-reallocated", "pfn %#llx, freed by the host while donated, was allocated again after %u pages",
			c->pfn, n);
	} else {
		st_ok(c, "not-reallocated");
	}
	for (i = 0; i < n; i++)
		__free_page(pages[i]);
	kvfree(pages);
}

/*
 * A host that rewrites its output list while QUOTE.GET walks it: a thread
 * flips node 0's first entry between the host's data page and a page of
 * the pool.  Whatever the walk read must be what it checked and used:
 * every call either quotes into the host's page or refuses node 0; a
 * success with nothing in the host's page means the quote went where the
 * check did not look (into the pool).
 */
#define ST_RACE_TRIES		400
#define ST_RACE_MS		10000

struct st_flip {
	u64 *slot;
	u64 a, b;
};

static int st_flipper(void *data)
{
	struct st_flip *f = data;
	unsigned long n = 0;
	unsigned int k;

	while (!kthread_should_stop()) {
		WRITE_ONCE(*f->slot, f->b);
		for (k = 0; k < 8; k++)
			cpu_relax();
		WRITE_ONCE(*f->slot, f->a);
		for (k = 0; k < 8; k++)
			cpu_relax();
		if (!(++n % 4096))
			cond_resched();
	}
	return 0;
}

static void grp_list_race(struct st_ctx *c)
{
	unsigned int ok = 0, refused = 0, misdirected = 0, other = 0, i;
	unsigned long end = jiffies + msecs_to_jiffies(ST_RACE_MS);
	struct task_struct *t;
	struct tdx_ext_args a;
	struct st_flip f;
	struct st_loop lr;
	struct st_q q;
	u64 last = 0;

	if (!st_need_reports(c, "list-race", false) ||
	    !st_need_mqs(c, "max-quote-size"))
		return;
	if (!st.pool_pa) {
		st_fail(c, "list-race", "no page known to be in the pool");
		return;
	}
	if (st_q_prep(&q, st.report, st.max_quote_size)) {
		st_fail(c, "list-race", "out of memory");
		return;
	}
	f.slot = page_address(q.out.nodes[0]);
	f.a = *f.slot;
	f.b = st.pool_pa;
	t = kthread_run(st_flipper, &f, "st_flip");
	if (IS_ERR(t)) {
		st_fail(c, "list-race", "kthread_run: %ld", PTR_ERR(t));
		goto out;
	}
	for (i = 0; i < ST_RACE_TRIES && time_before(jiffies, end); i++) {
		memset(page_address(q.out.data[0]), 0, sizeof(st_quote_magic));
		st_q_args(&q, &a, q.handle);
		st_loop(c, TDH_QUOTE_GET, &a, &lr);
		if (lr.st == TDX_SUCCESS && st_out_has_magic(&q.out)) {
			ok++;
		} else if (lr.st == TDX_SUCCESS) {
			misdirected++;
		} else if (lr.st == (TDX_QUOTE_OUTPUT_LIST_INVALID | 0)) {
			refused++;
		} else {
			other++;
			last = lr.st;
		}
		if (lr.gave_up || lr.signal || other)
			break;
	}
	kthread_stop(t);
	*f.slot = f.a;
	if (misdirected || other)
		st_fail(c, "list-race", "%u calls: %u quoted, %u refused, %u succeeded without writing the host's page, %u other (last 0x%016llx)",
			i, ok, refused, misdirected, other, last);
	else if (!ok || !refused)
		st_fail(c, "list-race", "%u calls: %u quoted, %u refused: the flip was not seen both ways",
			i, ok, refused);
	else
		st_ok(c, "list-race");
	pr_info("list-race: %u calls: %u quoted, %u refused, %u misdirected, %u other\n",
		i, ok, refused, misdirected, other);
out:
	st_q_free(&q);
}

/*
 * Every leaf once, single calls, as the platform answers before any leaf
 * runs (the simulator's tdx_state): expect= for each, expect_sys_rd= for
 * TDH.SYS.RD, expect_version= for a leaf with a non-zero version.
 */
static void grp_leaves(struct st_ctx *c)
{
	u64 want = c->expect, ret, *lp;
	struct page *list, *p;
	struct tdx_ext_args a;
	struct st_q q;

	if (!c->has_expect || c->expect_class) {
		st_fail(c, "params", "leaves needs expect=HEX");
		return;
	}
	a = (struct tdx_ext_args){ .rdx = TDX_MD_FEATURES0 };
	st_once(c, "sys-rd", TDH_SYS_RD, &a,
		c->has_expect_sys_rd ? c->expect_sys_rd : want, false);
	a = (struct tdx_ext_args){ .rdx = TDX_MD_FEATURES0 };
	st_once(c, "sys-rd-version-1", TDH_SYS_RD | 1ull << 16, &a,
		c->has_expect_version ? c->expect_version : want, false);

	/* One fresh page: taken only on success. */
	list = st_page();
	p = st_page();
	if (!list || !p) {
		st_fail(c, "mem-add", "out of memory");
	} else {
		lp = page_address(list);
		st_list_reset(lp);
		lp[0] = page_to_phys(p);
		a = (struct tdx_ext_args){
			.rcx = tdx_hpa_list_info(page_to_phys(list), 0, 0),
		};
		ret = st_call(TDH_EXT_MEM_ADD, &a);
		if (ret == TDX_SUCCESS) {
			st.pool_given++;
			p = NULL;
		}
		if (ret == want)
			st_ok(c, "mem-add");
		else
			st_fail(c, "mem-add", "status 0x%016llx, expected 0x%016llx",
				ret, want);
	}
	if (list)
		__free_page(list);
	if (p)
		__free_page(p);

	a = (struct tdx_ext_args){};
	st_once(c, "ext-init", TDH_EXT_INIT, &a, want, false);
	a = (struct tdx_ext_args){};
	st_once(c, "quote-init", TDH_QUOTE_INIT, &a, want, false);

	if (st_q_prep(&q, st.report_len == ST_REPORT_BLOB ? st.report : NULL,
		      PAGE_SIZE)) {
		st_fail(c, "quote-get", "out of memory");
	} else {
		st_q_args(&q, &a, q.handle);
		ret = st_call(TDH_QUOTE_GET, &a);
		if (ret == want)
			st_ok(c, "quote-get");
		else
			st_fail(c, "quote-get", "status 0x%016llx, expected 0x%016llx",
				ret, want);
		/* Started after all: the simulator may write into it later. */
		if (ret == TDX_INTERRUPTED_RESUMABLE) {
			st_q_free(&st_pend);
			st_pend = q;
		} else {
			st_q_free(&q);
		}
	}

	a = (struct tdx_ext_args){ .rdx = TDX_MD_FEATURES0 };
	st_once(c, "unknown-leaf", ST_LEAF_UNKNOWN, &a, want, false);
}

/* The TDX module's version: four u16 metadata fields. */
static void grp_version(struct st_ctx *c)
{
	static const struct {
		const char *name;
		u64 field;
	} f[] = {
		{ "version-major", TDX_MD_MAJOR_VERSION },
		{ "version-minor", TDX_MD_MINOR_VERSION },
		{ "version-update", TDX_MD_UPDATE_VERSION },
		{ "version-build", TDX_MD_BUILD_NUM },
	};
	bool all = true;
	u64 v, ret;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		ret = st_sys_rd(f[i].field, &v);
		if (ret != TDX_SUCCESS) {
			st_fail(c, f[i].name, "SYS.RD 0x%016llx: status 0x%016llx",
				f[i].field, ret);
			all = false;
		} else if (v > U16_MAX) {
			st_fail(c, f[i].name, "0x%llx does not fit the u16 field", v);
			all = false;
		} else {
			st.version[i] = v;
			st_ok(c, f[i].name);
		}
	}
	st.have_version = all;
}

/*
 * One fresh page donated alone, judged by the group parameters (busy=N:
 * a retry after a busy that had taken the page would be a duplicate).
 */
static void grp_mem_add_one(struct st_ctx *c)
{
	struct page *list = st_page(), *p = st_page();
	struct st_loop lr;
	u64 *lp;

	if (!list || !p) {
		st_fail(c, "mem-add-one", "out of memory");
		goto out;
	}
	lp = page_address(list);
	st_list_reset(lp);
	lp[0] = page_to_phys(p);
	st_mem_add(c, list, 0, 0, &lr, NULL);
	if (lr.st == TDX_SUCCESS) {
		st.pool_given++;
		if (!st.pool_pa)
			st.pool_pa = page_to_phys(p);
		p = NULL;
	} else if (lr.gave_up || lr.skipped || lr.signal) {
		st.pool_leaked++;	/* unclear: leave it */
		p = NULL;
	}
	/* Otherwise an error or TDX_EXT_MEMORY_POOL_FULL: not taken. */
	st_judge_params(c, "mem-add-one", &lr);
out:
	if (list)
		__free_page(list);
	if (p)
		__free_page(p);
}

/* A page the simulator accepted earlier, offered again (expect= or dup). */
static void grp_mem_add_dup(struct st_ctx *c)
{
	struct tdx_ext_args a;
	struct page *list;
	struct st_loop lr;
	u64 *lp;

	if (!st.pool_pa) {
		st_fail(c, "mem-add-dup", "no page known to be in the pool: donate one first");
		return;
	}
	list = st_page();
	if (!list) {
		st_fail(c, "mem-add-dup", "out of memory");
		return;
	}
	lp = page_address(list);
	st_list_reset(lp);
	lp[0] = st.pool_pa;
	a = (struct tdx_ext_args){
		.rcx = tdx_hpa_list_info(page_to_phys(list), 0, 0),
	};
	if (!c->has_expect) {
		c->has_expect = true;
		c->expect = TDX_EXT_HPA_ENTRY_DUPLICATE | 0;
	}
	st_loop(c, TDH_EXT_MEM_ADD, &a, &lr);
	st_judge_params(c, "mem-add-dup", &lr);
	__free_page(list);
}

/*
 * After a runtime update: the Extensions and quoting state is gone, the
 * pool is not.  The refusals first, then EXT.INIT and QUOTE.INIT again,
 * without MEM.ADD.  expect=: what QUOTE.INIT finally returns (default
 * success; TDX_QUOTE_NOT_CONFIGURED after an update that did not
 * configure quoting, which the quoting leaves then return throughout).
 */
static void grp_reinit(struct st_ctx *c)
{
	u64 want = c->has_expect ? c->expect : TDX_SUCCESS, before, mqs;
	struct tdx_ext_args a;
	struct st_q q;

	before = want == TDX_SUCCESS ? TDX_SYS_STATE_INCORRECT : want;
	mqs = st.max_quote_size;
	st_sys_rd_fails(c, "max-quote-size-before-quote-init",
			TDX_MD_MAX_QUOTE_SIZE, TDX_SYS_STATE_INCORRECT);
	if (st_q_prep(&q, st.report_len == ST_REPORT_BLOB ? st.report : NULL,
		      PAGE_SIZE)) {
		st_fail(c, "quote-get-before-quote-init", "out of memory");
	} else {
		st_q_args(&q, &a, q.handle);
		st_q_fails(c, "quote-get-before-quote-init", &a, before, false);
		st_q_free(&q);
	}
	st_leaf_expect(c, "quote-init-before-ext-init", TDH_QUOTE_INIT, before,
		       false);
	st_leaf_expect(c, "ext-init", TDH_EXT_INIT, TDX_SUCCESS, false);
	if (!st_leaf_expect(c, "quote-init", TDH_QUOTE_INIT, want, false))
		return;
	if (want != TDX_SUCCESS) {
		st_sys_rd_fails(c, "max-quote-size-unavailable",
				TDX_MD_MAX_QUOTE_SIZE, TDX_SYS_STATE_INCORRECT);
		return;
	}
	if (st_read_mqs(c, "max-quote-size") && mqs &&
	    st.max_quote_size != mqs)
		st_fail(c, "max-quote-size-kept", "MAX_QUOTE_SIZE %llu, was %llu before the update",
			st.max_quote_size, mqs);
}

static const struct st_group {
	const char *name;
	void (*run)(struct st_ctx *c);
} st_groups[] = {
	{ "pre", grp_pre },
	{ "bringup", grp_bringup },
	{ "quote", grp_quote },
	{ "resume-busy", grp_resume_busy },
	{ "sys-rd", grp_sys_rd },
	{ "mem-add", grp_mem_add },
	{ "ext-init", grp_ext_init },
	{ "quote-init", grp_quote_init },
	{ "quote-get", grp_quote_get },
	{ "leaves", grp_leaves },
	{ "version", grp_version },
	{ "mem-add-one", grp_mem_add_one },
	{ "mem-add-dup", grp_mem_add_dup },
	{ "pool-full", grp_pool_full },
	{ "reinit", grp_reinit },
	{ "pending-get", grp_pending_get },
	{ "grab-pfn", grp_grab_pfn },
	{ "list-race", grp_list_race },
};

/* --- debugfs ------------------------------------------------------------ */

static int st_parse_param(struct st_ctx *c, char *kv)
{
	char *v = strchr(kv, '=');
	u64 n;
	size_t i;

	if (!v)
		return -EINVAL;
	*v++ = 0;
	if (!strcmp(kv, "tag")) {
		if (!*v || strlen(v) >= sizeof(c->tag))
			return -EINVAL;
		for (i = 0; v[i]; i++)
			if (!isalnum(v[i]) && !strchr("._-/", v[i]))
				return -EINVAL;
		strscpy(c->tag, v, sizeof(c->tag));
		return 0;
	}
	if (!strcmp(kv, "expect_u16"))
		return kstrtobool(v, &c->expect_u16);
	if (!strcmp(kv, "td_wildcard"))
		return kstrtobool(v, &c->td_wildcard);
	if (!strcmp(kv, "rcx0"))
		return kstrtobool(v, &c->rcx0);
	if (!strcmp(kv, "report")) {
		if (strcmp(v, "1") && strcmp(v, "2"))
			return -EINVAL;
		c->report2 = v[0] == '2';
		return 0;
	}
	if (!strcmp(kv, "expect_sys_rd")) {
		c->has_expect_sys_rd = true;
		return kstrtou64(v, 16, &c->expect_sys_rd);
	}
	if (!strcmp(kv, "expect_version")) {
		c->has_expect_version = true;
		return kstrtou64(v, 16, &c->expect_version);
	}
	if (!strcmp(kv, "expect") || !strcmp(kv, "expect_class")) {
		if (kstrtou64(v, 16, &c->expect))
			return -EINVAL;
		c->has_expect = true;
		c->expect_class = kv[6] == '_';
		return 0;
	}
	if (kstrtou64(v, 0, &n))
		return -EINVAL;
	if (!strcmp(kv, "limit") && n >= 1)
		c->limit = n;
	else if (!strcmp(kv, "timeout_ms") && n >= 1 && n <= 3600000)
		c->timeout_ms = n;
	else if (!strcmp(kv, "calls") && n <= S64_MAX)
		c->calls = n;
	else if (!strcmp(kv, "no_entropy") && n <= S64_MAX)
		c->no_entropy = n;
	else if (!strcmp(kv, "busy") && n <= S64_MAX)
		c->busy = n;
	else if (!strcmp(kv, "pfn"))
		c->pfn = n;
	else
		return -EINVAL;
	return 0;
}

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	const struct st_group *g = NULL;
	char buf[256], *s, *tok, *name;
	struct st_ctx c = {
		.limit = loop_limit ? loop_limit : 1,
		.timeout_ms = loop_timeout_ms ? loop_timeout_ms : 1,
		.calls = -1,
		.no_entropy = -1,
		.busy = -1,
	};
	size_t i;
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = 0;
	s = strim(buf);
	name = strsep(&s, " \t");
	for (i = 0; i < ARRAY_SIZE(st_groups); i++)
		if (!strcmp(name, st_groups[i].name))
			g = &st_groups[i];
	if (!g) {
		pr_err("run: unknown group '%s'\n", name);
		return -EINVAL;
	}
	strscpy(c.tag, g->name, sizeof(c.tag));
	while ((tok = strsep(&s, " \t"))) {
		if (!*tok)
			continue;
		if (st_parse_param(&c, tok)) {
			pr_err("run %s: bad parameter '%s'\n", g->name, tok);
			return -EINVAL;
		}
	}
	ret = mutex_lock_interruptible(&st.lock);
	if (ret)
		return ret;
	pr_info("run %s (tag %s)\n", g->name, c.tag);
	g->run(&c);
	mutex_unlock(&st.lock);
	return count;
}

static ssize_t results_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	ssize_t ret;

	if (mutex_lock_interruptible(&st.lock))
		return -EINTR;
	ret = simple_read_from_buffer(ubuf, count, ppos, st.results,
				      st.results_len);
	mutex_unlock(&st.lock);
	return ret;
}

static ssize_t results_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	if (mutex_lock_interruptible(&st.lock))
		return -EINTR;
	st.results_len = 0;
	st.results_trunc = false;
	mutex_unlock(&st.lock);
	return count;
}

static ssize_t quote_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	ssize_t ret;

	if (mutex_lock_interruptible(&st.lock))
		return -EINTR;
	ret = simple_read_from_buffer(ubuf, count, ppos, st.quote,
				      st.quote_len);
	mutex_unlock(&st.lock);
	return ret;
}

/* report and report2: i_private is 1 or 2. */
static void st_report_slot(struct file *file, u8 **buf, size_t **len)
{
	if (file->f_inode->i_private == (void *)2) {
		*buf = st.report2;
		*len = &st.report2_len;
	} else {
		*buf = st.report;
		*len = &st.report_len;
	}
}

static int report_open(struct inode *inode, struct file *file)
{
	size_t *len;
	u8 *buf;

	if (!(file->f_mode & FMODE_WRITE))
		return -EACCES;
	if (mutex_lock_interruptible(&st.lock))
		return -EINTR;
	st_report_slot(file, &buf, &len);
	*len = 0;	/* a new report starts with each open */
	mutex_unlock(&st.lock);
	return nonseekable_open(inode, file);
}

static ssize_t report_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	size_t *len;
	ssize_t ret;
	u8 *buf;

	if (mutex_lock_interruptible(&st.lock))
		return -EINTR;
	st_report_slot(file, &buf, &len);
	if (*len + count > ST_REPORT_BLOB) {
		ret = -EFBIG;
	} else if (copy_from_user(buf + *len, ubuf, count)) {
		ret = -EFAULT;
	} else {
		*len += count;
		ret = count;
	}
	mutex_unlock(&st.lock);
	return ret;
}

static int info_show(struct seq_file *m, void *v)
{
	int i;

	if (mutex_lock_interruptible(&st.lock))
		return -EINTR;
	seq_printf(m, "features0=0x%016llx\n", st.features0);
	seq_printf(m, "ext_required=%llu\n", st.ext_required);
	seq_printf(m, "pool_required=%llu\n", st.pool_required);
	seq_printf(m, "pool_field=%s\n", st.pool_field);
	seq_printf(m, "pool_given=%llu\n", st.pool_given);
	seq_printf(m, "pool_leaked=%llu\n", st.pool_leaked);
	seq_printf(m, "max_quote_size=%llu\n", st.max_quote_size);
	seq_printf(m, "quote_len=%zu\n", st.quote_len);
	seq_printf(m, "report_len=%zu\n", st.report_len);
	seq_printf(m, "report2_len=%zu\n", st.report2_len);
	for (i = 0; i < SL_NR; i++) {
		seq_printf(m, "%s_calls=%llu\n", st_leaf_names[i], st.stats[i].calls);
		seq_printf(m, "%s_resumes=%llu\n", st_leaf_names[i], st.stats[i].resumes);
		seq_printf(m, "%s_no_entropy=%llu\n", st_leaf_names[i],
			   st.stats[i].no_entropy);
		seq_printf(m, "%s_busy=%llu\n", st_leaf_names[i],
			   st.stats[i].busy);
	}
	if (st.have_version)
		seq_printf(m, "version=%llu.%llu.%llu\nbuild=%llu\n",
			   st.version[0], st.version[1], st.version[2],
			   st.version[3]);
	seq_printf(m, "last_status=0x%016llx\n", st.last.st);
	seq_printf(m, "last_calls=%llu\n", st.last.calls);
	seq_printf(m, "last_resumes=%llu\n", st.last.resumes);
	seq_printf(m, "last_no_entropy=%llu\n", st.last.no_entropy);
	seq_printf(m, "last_busy=%llu\n", st.last.busy);
	seq_printf(m, "results_truncated=%d\n", st.results_trunc);
	mutex_unlock(&st.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(info);

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.write = run_write,
};

static const struct file_operations results_fops = {
	.owner = THIS_MODULE,
	.read = results_read,
	.write = results_write,
	.llseek = default_llseek,
};

static const struct file_operations quote_fops = {
	.owner = THIS_MODULE,
	.read = quote_read,
	.llseek = default_llseek,
};

static const struct file_operations report_fops = {
	.owner = THIS_MODULE,
	.open = report_open,
	.write = report_write,
};

static int __init st_init(void)
{
	st_seamcall = symbol_get(tdx_sim_seamcall);
	if (!st_seamcall) {
		pr_err("symbol tdx_sim_seamcall not found: load a tdx_ext_sim.ko that exports its dispatcher first\n");
		return -ENODEV;
	}
	st.results = kvzalloc(ST_RESULTS_SIZE, GFP_KERNEL);
	if (!st.results)
		goto nomem;
	st.dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(st.dir)) {
		pr_err("debugfs is required: %ld\n", PTR_ERR(st.dir));
		kvfree(st.results);
		symbol_put(tdx_sim_seamcall);
		return PTR_ERR(st.dir);
	}
	debugfs_create_file("run", 0200, st.dir, NULL, &run_fops);
	debugfs_create_file("results", 0600, st.dir, NULL, &results_fops);
	debugfs_create_file("report", 0200, st.dir, (void *)1, &report_fops);
	debugfs_create_file("report2", 0200, st.dir, (void *)2, &report_fops);
	debugfs_create_file("quote", 0400, st.dir, NULL, &quote_fops);
	debugfs_create_file("info", 0400, st.dir, NULL, &info_fops);
	pr_info("loaded: driving tdx_ext_sim's dispatcher (test only)\n");
	return 0;
nomem:
	symbol_put(tdx_sim_seamcall);
	return -ENOMEM;
}

static void __exit st_exit(void)
{
	debugfs_remove_recursive(st.dir);
	st_q_free(&st_pend);
	if (st_grabbed)
		__free_page(st_grabbed);
	kvfree(st.quote);
	kvfree(st.results);
	symbol_put(tdx_sim_seamcall);
}

module_init(st_init);
module_exit(st_exit);

MODULE_DESCRIPTION("Test-only driver of tdx_ext_sim's SEAMCALL dispatcher");
MODULE_AUTHOR("tdx-ext developers");
MODULE_LICENSE("GPL");
