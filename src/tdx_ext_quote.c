// SPDX-License-Identifier: GPL-2.0
/*
 * The quote service behind /dev/tdx_quote: TDH.QUOTE.GET as an engine job.
 *
 * The input page and the output HPA_LINKED_LIST (sized from MAX_QUOTE_SIZE,
 * several nodes when large) are built once and shared by all requests; the
 * engine runs one job at a time, and each job fills the input page and
 * copies the quote out of the list on the engine thread (before/after
 * hooks), so requests never see each other's data.
 *
 * A QUOTE.GET the engine gives up on (its deadline passed) stays pending in
 * the TDX module, which answers any QUOTE.GET with other inputs
 * TDX_OPERAND_BUSY until that one is re-issued with its original inputs
 * and completes (ABI.md).  Its inputs name the shared buffers by address,
 * so they stay untouched meanwhile: the next job first finishes the
 * abandoned call, discards its output, and only then writes its own input.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/linux/tdx_quote.h>

#include "tdx_ext.h"

static struct {
	struct page *in;		/* the input page (R8) */
	struct page **nodes;		/* HPA_LINKED_LIST nodes (R10) */
	struct page **data;		/* its data pages */
	unsigned int nr_nodes, nr_data;
	u32 out_len;			/* R11: nr_data pages */
	/*
	 * The abandoned QUOTE.GET, if any.  No lock: only the engine thread
	 * touches these (the before/after hooks, one job at a time), and then
	 * tdx_ext_quote_exit(), after kthread_stop() has waited for that
	 * thread to exit.
	 */
	bool abandoned;
	struct tdx_ext_args abandoned_in;
} qs;

struct quote_job {
	struct tdx_ext_job job;
	void *input;
	u32 in_len;
	void *quote;			/* the quote, copied out after the job */
	u32 quote_len;
};

/* With @leak, the pages stay allocated: a pending call still holds them. */
static void free_list(bool leak)
{
	unsigned int i;

	for (i = 0; !leak && qs.data && i < qs.nr_data; i++)
		if (qs.data[i])
			__free_page(qs.data[i]);
	for (i = 0; !leak && qs.nodes && i < qs.nr_nodes; i++)
		if (qs.nodes[i])
			__free_page(qs.nodes[i]);
	kvfree(qs.data);
	kvfree(qs.nodes);
	if (qs.in && !leak)
		__free_page(qs.in);
	memset(&qs, 0, sizeof(qs));
}

/*
 * Is the call still pending in the TDX module?  Interrupted when the
 * deadline passed, or out of entropy; @started: some earlier call of it
 * was interrupted, so the TDX module holds its progress (a call that only
 * ever got TDX_RND_NO_ENTROPY was never taken).
 */
static bool call_pending(const struct tdx_ext_job *job, bool started)
{
	return job->status == TDX_INTERRUPTED_RESUMABLE ||
	       (job->status == TDX_RND_NO_ENTROPY && (started || job->resumes));
}

/*
 * Re-issue the abandoned QUOTE.GET with its original inputs until it
 * completes (success or error; its output is discarded) or @deadline
 * passes.  Engine thread only, or at unload once the engine has stopped.
 * Returns 0 once it is finished and forgotten; otherwise it stays
 * remembered, and the error (-ETIMEDOUT, or out of entropy) and TDX status
 * are the caller's.
 */
static int finish_abandoned(unsigned long deadline, u64 *status)
{
	struct tdx_ext_job cj;

	tdx_ext_job_init(&cj, TDH_QUOTE_GET, TDX_EXT_RESUME_REISSUE,
			 &qs.abandoned_in, NULL);
	cj.deadline = deadline;
	tdx_ext_job_run(&cj);
	*status = cj.status;
	if (call_pending(&cj, true))
		return cj.err ?: -EIO;
	qs.abandoned = false;
	atomic64_inc(&tdx_ext.stats.abandoned_finished);
	pr_info_ratelimited("an abandoned TDH.QUOTE.GET finished with status %#llx\n",
			    cj.status);
	return 0;
}

/* Built once, when quoting is up: MAX_QUOTE_SIZE decides its size. */
int tdx_ext_quote_init(void)
{
	unsigned int i, j;
	u64 *node;

	qs.nr_data = DIV_ROUND_UP(tdx_ext.max_quote_size, PAGE_SIZE);
	qs.nr_nodes = DIV_ROUND_UP(qs.nr_data, TDX_HPA_LL_DATA);
	qs.out_len = qs.nr_data * PAGE_SIZE;
	qs.data = kvcalloc(qs.nr_data, sizeof(*qs.data), GFP_KERNEL);
	qs.nodes = kvcalloc(qs.nr_nodes, sizeof(*qs.nodes), GFP_KERNEL);
	qs.in = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!qs.data || !qs.nodes || !qs.in)
		goto nomem;
	for (i = 0; i < qs.nr_data; i++) {
		qs.data[i] = alloc_page(GFP_KERNEL);
		if (!qs.data[i])
			goto nomem;
	}
	for (i = 0; i < qs.nr_nodes; i++) {
		qs.nodes[i] = alloc_page(GFP_KERNEL);
		if (!qs.nodes[i])
			goto nomem;
	}
	/* Entries 0-510: data pages; 511: the next node; unused: ~0. */
	for (i = 0; i < qs.nr_nodes; i++) {
		node = page_address(qs.nodes[i]);
		for (j = 0; j < TDX_HPA_LL_DATA; j++) {
			unsigned int d = i * TDX_HPA_LL_DATA + j;

			node[j] = d < qs.nr_data ? page_to_phys(qs.data[d]) :
						   TDX_HPA_LL_UNUSED;
		}
		node[TDX_HPA_LL_NEXT] = i + 1 < qs.nr_nodes ?
					page_to_phys(qs.nodes[i + 1]) :
					TDX_HPA_LL_UNUSED;
	}
	return 0;
nomem:
	free_list(false);
	return -ENOMEM;
}

/* Bytes the output list holds: the largest quote this load can take. */
u32 tdx_ext_quote_capacity(void)
{
	return qs.out_len;
}

/*
 * After tdx_ext_engine_stop(): no job runs any more, so this thread may
 * issue the last calls.  An abandoned QUOTE.GET gets what is left of the
 * stop's deadline to finish (at least one call), so that unload takes one
 * deadline in all; if it does not, the TDX module still holds the input
 * page and the output list by address, and memory handed to the TDX
 * module is never freed: they are leaked.
 */
void tdx_ext_quote_exit(void)
{
	bool leak = false;
	u64 status;

	if (qs.abandoned &&
	    finish_abandoned(tdx_ext_engine_deadline(), &status)) {
		pr_warn("an abandoned TDH.QUOTE.GET is still pending (status %#llx): leaking its %u buffer pages\n",
			status, 1 + qs.nr_nodes + qs.nr_data);
		leak = true;
	}
	free_list(leak);
}

/*
 * Engine thread, before TDH.QUOTE.GET: an abandoned call is finished first
 * (its inputs are in the shared buffers), within this job's deadline; then
 * the input goes into the page.
 */
static int quote_before(struct tdx_ext_job *job)
{
	struct quote_job *qj = container_of(job, struct quote_job, job);
	void *in = page_address(qs.in);
	int ret;

	if (qs.abandoned) {
		ret = finish_abandoned(job->deadline, &job->status);
		if (ret)
			return ret;
	}
	memcpy(in, qj->input, qj->in_len);
	memset(in + qj->in_len, 0, PAGE_SIZE - qj->in_len);
	return 0;
}

/* Engine thread, after: a good quote is copied out of the list. */
static void quote_after(struct tdx_ext_job *job)
{
	struct quote_job *qj = container_of(job, struct quote_job, job);
	u64 len = job->out.rcx;
	unsigned int i;
	size_t n;

	/* Given up on, still pending: remembered for the next job. */
	if (call_pending(job, false)) {
		qs.abandoned = true;
		qs.abandoned_in = job->in;
		atomic64_inc(&tdx_ext.stats.abandoned);
		return;
	}
	if (job->err || job->status != TDX_SUCCESS)
		return;
	/* Never an empty quote, nor one longer than the buffer it is in. */
	if (!len || len > qs.out_len) {
		pr_err_ratelimited("TDH.QUOTE.GET returned a quote length of %llu (buffer %u)\n",
				   len, qs.out_len);
		job->err = -EIO;
		return;
	}
	qj->quote = kvmalloc(len, GFP_KERNEL);
	if (!qj->quote) {
		job->err = -ENOMEM;
		return;
	}
	for (i = 0; i * PAGE_SIZE < len; i++) {
		n = min_t(size_t, PAGE_SIZE, len - i * PAGE_SIZE);
		memcpy(qj->quote + i * PAGE_SIZE, page_address(qs.data[i]), n);
	}
	qj->quote_len = len;
}

static void quote_release(struct tdx_ext_job *job)
{
	struct quote_job *qj = container_of(job, struct quote_job, job);

	kvfree(qj->quote);
	kfree(qj->input);
	kfree(qj);
}

/* The TDX status of a finished QUOTE.GET as the errno user space sees. */
static int quote_errno(const struct tdx_ext_job *job)
{
	u64 class = TDX_STATUS_CLASS(job->status);

	if (job->err == -ETIMEDOUT || job->err == -ENOMEM)
		return job->err;
	if (job->status == TDX_SUCCESS)
		return job->err;
	/* td=0 where the TDX module wants the TD's TDR page (ABI.md 3). */
	if (job->status == (TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX) &&
	    !job->in.rcx) {
		pr_info_once("TDH.QUOTE.GET refused td=0: this TDX module needs the TD's handle (its TDR page); see docs/hardware.md\n");
		return -EDESTADDRREQ;
	}
	switch (class) {
	case TDX_QUOTE_REPORT_INVALID:
	case TDX_QUOTE_TD_MISMATCH:
		return -EBADMSG;
	case TDX_OPERAND_INVALID:
	case TDX_QUOTE_INPUT_INVALID:
		return -EINVAL;
	}
	return job->err ?: -EIO;
}

/*
 * Did the TDX module lose its quoting state (a runtime update) under this
 * call?  Then the driver re-initialises it and the request is tried again.
 */
static bool quote_state_lost(const struct tdx_ext_job *job)
{
	return TDX_STATUS_CLASS(job->status) == TDX_SYS_STATE_INCORRECT ||
	       tdx_ext_quote_not_configured(job->status);
}

/* One TDH.QUOTE.GET job for @req; on success *qjp is the finished job. */
static int quote_once(struct file *file, const struct tdx_quote_req *req,
		      const void *input, struct quote_job **qjp)
{
	struct tdx_ext_args args = { };
	struct quote_job *qj;
	int ret;

	qj = kzalloc(sizeof(*qj), GFP_KERNEL);
	if (!qj)
		return -ENOMEM;
	qj->input = kmemdup(input, req->in_len, GFP_KERNEL);
	if (!qj->input) {
		kfree(qj);
		return -ENOMEM;
	}
	qj->in_len = req->in_len;

	args.rcx = req->td;
	args.rdx = TDX_QUOTE_ID_DEFAULT << TDX_QUOTE_ID_SHIFT;
	args.r8 = page_to_phys(qs.in);
	args.r9 = req->in_len;
	args.r10 = page_to_phys(qs.nodes[0]);
	args.r11 = qs.out_len;
	tdx_ext_job_init(&qj->job, TDH_QUOTE_GET, TDX_EXT_RESUME_REISSUE, &args,
			 quote_release);
	qj->job.before = quote_before;
	qj->job.after = quote_after;

	ret = tdx_ext_job_submit(&qj->job, true, file->f_flags & O_NONBLOCK);
	if (!ret)
		ret = tdx_ext_job_wait(&qj->job);
	if (ret) {
		/* the engine finishes and frees a started job */
		tdx_ext_job_put(&qj->job);
		return ret;
	}
	*qjp = qj;
	return 0;
}

/*
 * Quoting is unavailable because the TDX module holds a TDH.QUOTE.GET an
 * earlier load left pending: has it let go (a runtime update, or the call
 * ended)?  Asked at most once a second, so that callers polling a held
 * TDX module do not turn into a stream of TDH.QUOTE.INITs.
 */
static bool held_released(unsigned long gen)
{
	if (!READ_ONCE(tdx_ext.quote_held) ||
	    time_before(jiffies, READ_ONCE(tdx_ext.retry_at)))
		return false;
	return !tdx_ext_recover(gen);
}

static long get_quote(struct file *file, void __user *uarg)
{
	struct tdx_quote_req req;
	struct quote_job *qj;
	unsigned long gen;
	void *input;
	u32 usize;
	int recover_err = 0;
	long ret;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < sizeof(req))
		return -EINVAL;
	ret = copy_struct_from_user(&req, sizeof(req), uarg, usize);
	if (ret)
		return ret;
	if (req.flags || req.reserved || !req.in_len ||
	    req.in_len > TDX_QUOTE_MAX_INPUT)
		return -EINVAL;
	gen = READ_ONCE(tdx_ext.generation);
	if (READ_ONCE(tdx_ext.state) != TDX_EXT_STATE_QUOTE_READY &&
	    !held_released(gen))
		return -EOPNOTSUPP;

	input = memdup_user(u64_to_user_ptr(req.in_ptr), req.in_len);
	if (IS_ERR(input))
		return PTR_ERR(input);

	gen = READ_ONCE(tdx_ext.generation);
	ret = quote_once(file, &req, input, &qj);
	if (!ret && quote_state_lost(&qj->job)) {
		/* Once: a second loss in a row is reported, not chased. */
		recover_err = tdx_ext_recover(gen);
		if (!recover_err) {
			tdx_ext_job_put(&qj->job);
			ret = quote_once(file, &req, input, &qj);
		}
	}
	if (ret)
		goto out;

	ret = recover_err ?: quote_errno(&qj->job);
	req.tdx_status = qj->job.status;
	req.quote_len = 0;
	if (!ret) {
		req.quote_len = qj->quote_len;
		if (qj->quote_len > req.out_len)
			ret = -ENOSPC;
		else if (copy_to_user(u64_to_user_ptr(req.out_ptr), qj->quote,
				      qj->quote_len))
			ret = -EFAULT;
	}
	if (copy_to_user(uarg, &req, sizeof(req)))
		ret = -EFAULT;
	if (ret)
		atomic64_inc(&tdx_ext.stats.quote_errors);
	else
		atomic64_inc(&tdx_ext.stats.quotes);
	tdx_ext_job_put(&qj->job);
out:
	kfree(input);
	return ret;
}

static long get_info(void __user *uarg)
{
	struct tdx_quote_info info;
	u32 usize;
	int ret;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < sizeof(info))
		return -EINVAL;
	ret = copy_struct_from_user(&info, sizeof(info), uarg, usize);
	if (ret)
		return ret;
	/* Held by an earlier load's call: has it let go? (once a second) */
	if (READ_ONCE(tdx_ext.state) != TDX_EXT_STATE_QUOTE_READY)
		held_released(READ_ONCE(tdx_ext.generation));
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.abi_version = TDX_QUOTE_ABI_VERSION;
	info.backend = strcmp(tdx_ext.seam->name, "sim") ?
		       TDX_QUOTE_BACKEND_HW : TDX_QUOTE_BACKEND_SIM;
	switch (READ_ONCE(tdx_ext.state)) {
	case TDX_EXT_STATE_QUOTE_READY:
		info.state = TDX_QUOTE_STATE_READY;
		break;
	case TDX_EXT_STATE_EXT_READY:
		info.state = TDX_QUOTE_STATE_EXT_READY;
		break;
	default:
		info.state = TDX_QUOTE_STATE_INIT;
		break;
	}
	info.features = tdx_ext.features;
	info.pool_pages = tdx_ext.pool_required;
	info.max_quote_size = READ_ONCE(tdx_ext.max_quote_size);
	info.max_input_size = TDX_QUOTE_MAX_INPUT;
	info.quotes = atomic64_read(&tdx_ext.stats.quotes);
	info.quote_errors = atomic64_read(&tdx_ext.stats.quote_errors);
	info.seamcalls = atomic64_read(&tdx_ext.stats.calls);
	info.resumes = atomic64_read(&tdx_ext.stats.resumes);
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

/*
 * Dispatched on the command's type and number: its size bits are ignored,
 * since the structs carry their own size (copy_struct_from_user() rules).
 */
long tdx_ext_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (_IOC_TYPE(cmd) != TDX_QUOTE_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	switch (_IOC_NR(cmd)) {
	case _IOC_NR(TDX_QUOTE_GET_INFO):
		return get_info(uarg);
	case _IOC_NR(TDX_QUOTE_GET_QUOTE):
		return get_quote(file, uarg);
	default:
		return -ENOTTY;
	}
}
