// SPDX-License-Identifier: GPL-2.0
/*
 * The engine: one kthread owns every SEAMCALL.  It takes jobs in FIFO
 * order and re-issues each while the TDX module answers
 * TDX_INTERRUPTED_RESUMABLE, with cond_resched() between calls, a deadline,
 * bounded TDX_RND_NO_ENTROPY and busy retries, and counters.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "tdx_ext.h"

#define CREATE_TRACE_POINTS
#include "tdx_ext_trace.h"

static struct {
	/*
	 * Protects queue, queued, stopping and running: submitters add jobs
	 * from any context that may sleep, the kthread takes them off, and
	 * tdx_ext_engine_stop() closes the queue and fails what is left.
	 * stopping and running are written under it and also read without
	 * it (READ_ONCE) by wait conditions, which re-check under it.
	 */
	spinlock_t lock;
	struct list_head queue;
	unsigned int queued;		/* jobs counting against queue_depth */
	bool stopping;			/* no job is queued or started any more */
	bool running;			/* the kthread has a job in flight */
	wait_queue_head_t work_wq;	/* the kthread waits for jobs */
	wait_queue_head_t space_wq;	/* submitters wait for queue room */
	wait_queue_head_t idle_wq;	/* stop waits for the job in flight */
	/*
	 * Set once by tdx_ext_engine_stop() before the kthread is told to
	 * stop; read after, by the last calls at unload.
	 */
	unsigned long stop_deadline;
	struct task_struct *task;
	bool stopped;			/* under stop_lock */
} eng;

/*
 * Serialises tdx_ext_engine_stop() between the reboot notifier and
 * unload: the engine stops once, the second caller finds it stopped.
 */
static DEFINE_MUTEX(stop_lock);

/* The deadline of one job, as jiffies from its start: no overflow. */
static unsigned long timeout_jiffies(void)
{
	return (unsigned long)tdx_ext.timeout_s * HZ;
}

/*
 * The errno of a TDX status.  A TDX module that stays busy, or keeps
 * running out of entropy (TDX_RND_NO_ENTROPY: its RDRAND/RDSEED failed)
 * through the engine's re-issues, failed for now, not for good: -EBUSY,
 * "try again" (docs/uapi.md), as for a lock another SEAMCALL held.
 */
int tdx_ext_status_errno(u64 status)
{
	if (!(status & TDX_STATUS_ERROR))
		return 0;
	switch (status) {
	case TDX_SEAMCALL_VMFAILINVALID:
		return -ENODEV;
	case TDX_SEAMCALL_GP:
		return -EOPNOTSUPP;
	case TDX_SEAMCALL_UD:
		return -EACCES;
	}
	switch (TDX_STATUS_CLASS(status)) {
	case TDX_OPERAND_BUSY:
	case TDX_SYS_BUSY:
	case TDX_RND_NO_ENTROPY:
		return -EBUSY;
	default:
		return -EIO;
	}
}

/*
 * Issue @job's call until it completes or job->deadline passes.  Only on the
 * engine thread, or once it has stopped (kthread_stop() has returned): one
 * thread at a time issues SEAMCALLs.
 */
void tdx_ext_job_run(struct tdx_ext_job *job)
{
	struct tdx_ext_args args = job->in, sent;
	u64 start = ktime_get_ns(), t0, ns, st;
	unsigned int busy = 0;

	for (;;) {
		sent = args;
		t0 = ktime_get_ns();
		st = tdx_ext.seam->call(job->fn, &args);
		ns = ktime_get_ns() - t0;
		job->seam_ns += ns;
		atomic64_inc(&tdx_ext.stats.calls);
		atomic64_add(ns, &tdx_ext.stats.seam_ns);
		trace_tdx_ext_seamcall(job->fn, st, job->resumes, ns);

		if (st == TDX_INTERRUPTED_RESUMABLE) {
			job->resumes++;
			atomic64_inc(&tdx_ext.stats.resumes);
		} else if (st == TDX_RND_NO_ENTROPY &&
			   job->retries < TDX_EXT_RND_RETRIES) {
			job->retries++;
			atomic64_inc(&tdx_ext.stats.retries);
		} else if ((TDX_STATUS_CLASS(st) == TDX_OPERAND_BUSY ||
			    TDX_STATUS_CLASS(st) == TDX_SYS_BUSY) &&
			   busy < TDX_EXT_BUSY_RETRIES) {
			busy++;
			atomic64_inc(&tdx_ext.stats.busy);
		} else {
			job->err = tdx_ext_status_errno(st);
			break;
		}
		if (time_after(jiffies, job->deadline)) {
			job->err = -ETIMEDOUT;
			atomic64_inc(&tdx_ext.stats.timeouts);
			pr_warn_ratelimited("SEAMCALL leaf %llu unfinished after %llu ms and %llu resumes: deadline (%u s) passed\n",
					    job->fn,
					    div_u64(ktime_get_ns() - start, NSEC_PER_MSEC),
					    job->resumes, tdx_ext.timeout_s);
			break;
		}
		/*
		 * The resume rule: MEM.ADD continues from the RCX it returned
		 * (FIRST_ENTRY advanced); every other leaf gets its original
		 * inputs again, since its progress lives in the TDX module.
		 * A call refused as busy or out of entropy did nothing: it goes
		 * again exactly as it was sent.
		 */
		if (st != TDX_INTERRUPTED_RESUMABLE) {
			args = sent;
		} else if (job->resume == TDX_EXT_RESUME_FEED_RCX) {
			u64 rcx = args.rcx;

			args = job->in;
			args.rcx = rcx;
		} else {
			args = job->in;
		}
		/* A busy lock is someone else's short SEAMCALL: let it end. */
		if (st != TDX_INTERRUPTED_RESUMABLE &&
		    st != TDX_RND_NO_ENTROPY)
			usleep_range(10, 50);
		else
			cond_resched();
	}
	job->status = st;
	job->out = args;
	job->wall_ns = ktime_get_ns() - start;
	atomic64_add(job->wall_ns, &tdx_ext.stats.wall_ns);
	if (job->err)
		atomic64_inc(&tdx_ext.stats.errors);
	trace_tdx_ext_job_done(job->fn, st, job->err, job->resumes,
			       job->retries, job->wall_ns);
}

/*
 * The next job for the kthread, or NULL: the queue is empty, or the engine
 * is stopping (what is queued then stays for tdx_ext_engine_stop()).
 */
static struct tdx_ext_job *next_job(void)
{
	struct tdx_ext_job *job = NULL;

	spin_lock(&eng.lock);
	if (!eng.stopping)
		job = list_first_entry_or_null(&eng.queue, struct tdx_ext_job,
					       node);
	if (job) {
		list_del_init(&job->node);
		WRITE_ONCE(eng.running, true);
	}
	spin_unlock(&eng.lock);
	return job;
}

static void finish_job(struct tdx_ext_job *job)
{
	if (job->queued_limit) {
		spin_lock(&eng.lock);
		eng.queued--;
		spin_unlock(&eng.lock);
		wake_up(&eng.space_wq);
	}
	complete(&job->done);
	tdx_ext_job_put(job);
}

static void run_job(struct tdx_ext_job *job)
{
	int err;

	atomic64_inc(&tdx_ext.stats.jobs);
	/* The deadline covers before's own calls too. */
	job->deadline = jiffies + timeout_jiffies();
	err = job->before ? job->before(job) : 0;
	if (err) {
		job->err = err;	/* the call was not issued */
	} else {
		tdx_ext_job_run(job);
		if (job->after)
			job->after(job);
	}
	finish_job(job);
}

/*
 * One job at a time, and a look at kthread_should_stop() between any two:
 * a stopping engine runs nothing more, the job in flight ends by its own
 * deadline, and tdx_ext_engine_stop() fails the rest.
 */
static int engine_thread(void *data)
{
	struct tdx_ext_job *job;

	for (;;) {
		/* Stopping: sleep until kthread_stop(), not spin on the queue. */
		wait_event_idle(eng.work_wq,
				(!list_empty(&eng.queue) &&
				 !READ_ONCE(eng.stopping)) ||
				kthread_should_stop());
		if (kthread_should_stop())
			break;
		job = next_job();
		if (!job)
			continue;
		run_job(job);
		spin_lock(&eng.lock);
		WRITE_ONCE(eng.running, false);
		spin_unlock(&eng.lock);
		wake_up(&eng.idle_wq);
	}
	return 0;
}

int tdx_ext_engine_start(void)
{
	spin_lock_init(&eng.lock);
	INIT_LIST_HEAD(&eng.queue);
	init_waitqueue_head(&eng.work_wq);
	init_waitqueue_head(&eng.space_wq);
	init_waitqueue_head(&eng.idle_wq);
	eng.queued = 0;
	eng.stopping = false;
	eng.running = false;
	eng.stopped = false;
	eng.task = kthread_run(engine_thread, NULL, "tdx_ext_engine");
	if (IS_ERR(eng.task)) {
		pr_err("cannot start the engine thread: %ld\n", PTR_ERR(eng.task));
		return PTR_ERR(eng.task);
	}
	return 0;
}

/*
 * Unload (or a failed load): nobody can submit any more (the device is
 * gone), the job in flight ends by its deadline, and every job still
 * queued, its caller killed or not, fails with -ENODEV without being run.
 * So this takes at most one job's deadline, whatever the queue held.
 *
 * The wait for the job in flight is TASK_IDLE: a deadline longer than the
 * hung-task timeout is not a hung task.  kthread_stop() then only has an
 * idle thread to wake.
 */
void tdx_ext_engine_stop(void)
{
	struct tdx_ext_job *job;
	unsigned int failed = 0;

	mutex_lock(&stop_lock);
	if (eng.stopped) {
		mutex_unlock(&stop_lock);
		return;
	}
	eng.stop_deadline = jiffies + timeout_jiffies();
	spin_lock(&eng.lock);
	WRITE_ONCE(eng.stopping, true);
	spin_unlock(&eng.lock);
	wake_up_all(&eng.space_wq);
	wait_event_idle(eng.idle_wq, !READ_ONCE(eng.running));
	kthread_stop(eng.task);

	for (;;) {
		spin_lock(&eng.lock);
		job = list_first_entry_or_null(&eng.queue, struct tdx_ext_job,
					       node);
		if (job)
			list_del_init(&job->node);
		spin_unlock(&eng.lock);
		if (!job)
			break;
		job->err = -ENODEV;
		finish_job(job);
		failed++;
	}
	if (failed)
		pr_info("stopping: %u queued requests failed with -ENODEV, not run\n",
			failed);
	eng.stopped = true;
	mutex_unlock(&stop_lock);
}

/**
 * tdx_ext_engine_deadline() - the deadline of the last calls at unload
 *
 * After tdx_ext_engine_stop(): one job's deadline from when the stop
 * began, so the job in flight and what unload issues after it (finishing
 * an abandoned QUOTE.GET) share one deadline between them.
 *
 * Return: a time in jiffies, perhaps passed already.
 */
unsigned long tdx_ext_engine_deadline(void)
{
	return eng.stop_deadline;
}

void tdx_ext_job_init(struct tdx_ext_job *job, u64 fn,
		      enum tdx_ext_resume resume,
		      const struct tdx_ext_args *in,
		      void (*release)(struct tdx_ext_job *job))
{
	INIT_LIST_HEAD(&job->node);
	refcount_set(&job->ref, 1);
	init_completion(&job->done);
	job->fn = fn;
	job->resume = resume;
	job->in = *in;
	job->release = release;
}

void tdx_ext_job_put(struct tdx_ext_job *job)
{
	if (refcount_dec_and_test(&job->ref))
		job->release(job);
}

static bool room(void)
{
	return eng.stopping || eng.queued < tdx_ext.queue_depth;
}

/*
 * Queue a job.  With @limit it counts against queue_depth: then a full
 * queue means -EAGAIN with @nonblock, else a killable wait for room.
 * On success the engine holds its own reference.
 */
int tdx_ext_job_submit(struct tdx_ext_job *job, bool limit, bool nonblock)
{
	int ret;

	spin_lock(&eng.lock);
	while (limit && !room()) {
		spin_unlock(&eng.lock);
		if (nonblock)
			return -EAGAIN;
		ret = wait_event_killable(eng.space_wq, room());
		if (ret)
			return ret;
		spin_lock(&eng.lock);
	}
	if (eng.stopping) {
		spin_unlock(&eng.lock);
		return -ENODEV;
	}
	if (limit)
		eng.queued++;
	job->queued_limit = limit;
	refcount_inc(&job->ref);
	list_add_tail(&job->node, &eng.queue);
	spin_unlock(&eng.lock);
	wake_up(&eng.work_wq);
	return 0;
}

/* Killable: -EINTR leaves the job to finish on its own. */
int tdx_ext_job_wait(struct tdx_ext_job *job)
{
	return wait_for_completion_killable(&job->done) ? -EINTR : 0;
}

static void free_job(struct tdx_ext_job *job)
{
	kfree(job);
}

/*
 * Test only: the Nth tdx_ext_seamcall() of this load fails as if its
 * allocation had, before the call is queued, so a test can reach every
 * "the call never ran" path of bring-up and recovery in turn.  A plain
 * counter rather than the kernel's fault-injection framework: Debian's
 * kernels are built without CONFIG_FAULT_INJECTION, and the tests run there.
 */
static unsigned int fail_seamcall;
module_param(fail_seamcall, uint, 0444);
MODULE_PARM_DESC(fail_seamcall,
		 "test only: the Nth SEAMCALL of bring-up or recovery fails with -ENOMEM before it is queued, once (default: 0, never)");
static atomic_t seamcall_nr = ATOMIC_INIT(0);

static bool inject_failure(u64 fn)
{
	int nr;

	if (!fail_seamcall)
		return false;
	nr = atomic_inc_return(&seamcall_nr);
	if (nr != fail_seamcall)
		return false;
	pr_info("fail_seamcall: call %d (leaf %llu) fails with -ENOMEM before it is queued (test only)\n",
		nr, fn);
	return true;
}

/*
 * One SEAMCALL through the engine, waiting for it without a way out: the
 * bring-up path, whose calls are bounded by the deadline anyway and whose
 * results (pages taken or not) must be known.  *status is left alone when
 * the call is not queued: callers start it as TDX_EXT_NO_CALL.
 */
int tdx_ext_seamcall(u64 fn, enum tdx_ext_resume resume,
		     struct tdx_ext_args *args, u64 *status)
{
	struct tdx_ext_job *job;
	int ret;

	job = inject_failure(fn) ? NULL : kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	tdx_ext_job_init(job, fn, resume, args, free_job);
	ret = tdx_ext_job_submit(job, false, false);
	if (!ret) {
		wait_for_completion(&job->done);
		*args = job->out;
		*status = job->status;
		ret = job->err;
	}
	tdx_ext_job_put(job);
	return ret;
}
