/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdx_ext internals: the engine that runs SEAMCALLs, the memory pool, and
 * the driver state shown in sysfs.
 */
#ifndef TDX_EXT_H
#define TDX_EXT_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>

#include "tdx_abi.h"
#include "tdx_ext_hw.h"

/* TDX_RND_NO_ENTROPY is retried this often, as the kernel's TDX code does. */
#define TDX_EXT_RND_RETRIES	10

/*
 * TDX_OPERAND_BUSY and TDX_SYS_BUSY: another SEAMCALL (KVM's, on another
 * CPU) holds a lock this one needs.  Those are short, so the call is
 * re-issued this often, a few microseconds apart, before -EBUSY.
 */
#define TDX_EXT_BUSY_RETRIES	16

/*
 * MAX_QUOTE_SIZE (a u32 of metadata, in bytes) is trusted only from 1 to
 * 64 MiB: the output list is allocated whole at load (16384 data pages and
 * 33 list nodes at the cap), and quotes are "several MB" at most even with
 * post-quantum chains (ABI.md 7), so anything larger is a broken value,
 * not a quote this host should pin memory for.  docs/uapi.md.
 */
#define TDX_EXT_MAX_QUOTE_CAP	(64u << 20)

/*
 * The status left by a call that never reached the TDX module (it failed
 * before it was queued: -ENOMEM): a software error, never a success.
 */
#define TDX_EXT_NO_CALL		TDX_SW_ERROR

/* The longest diagnosis line kept for sysfs ("cause; remedy: ..."). */
#define TDX_EXT_DIAG_LEN	384

enum tdx_ext_resume {
	TDX_EXT_RESUME_REISSUE,		/* re-issue the original inputs */
	TDX_EXT_RESUME_FEED_RCX,	/* MEM.ADD: feed back the RCX it returned */
};

/*
 * One SEAMCALL as the engine runs it: re-issued while the TDX module says
 * TDX_INTERRUPTED_RESUMABLE, until it completes or the deadline passes.
 * Two references: the submitter's and the engine's.  A submitter that
 * gives up (killed) drops its own; the engine finishes the call anyway and
 * the last put releases the job.
 */
struct tdx_ext_job {
	struct list_head node;
	refcount_t ref;
	struct completion done;
	bool queued_limit;		/* counts against queue_depth */

	u64 fn;
	enum tdx_ext_resume resume;
	unsigned long deadline;		/* jiffies, set when the job starts */
	struct tdx_ext_args in;		/* pristine inputs */
	struct tdx_ext_args out;	/* registers after the last call */

	u64 status;			/* TDX status of the last call */
	int err;			/* 0, or why the job failed */
	u64 resumes, retries;
	u64 seam_ns;			/* time inside SEAMCALL */
	u64 wall_ns;			/* from first call to last */

	/*
	 * Optional, run on the engine thread right before the first call and
	 * right after the last: for work on buffers that jobs share (the
	 * quote's input page and output list).  before may issue calls of its
	 * own (tdx_ext_job_run(), within job->deadline); when it returns an
	 * error, that is the job's, and neither the call nor after runs.
	 */
	int (*before)(struct tdx_ext_job *job);
	void (*after)(struct tdx_ext_job *job);
	void (*release)(struct tdx_ext_job *job);
};

/* Engine counters, shown in sysfs. */
struct tdx_ext_stats {
	atomic64_t jobs, calls, resumes, retries, timeouts, errors;
	atomic64_t seam_ns;		/* inside SEAMCALL */
	atomic64_t wall_ns;		/* jobs from first call to last */
	atomic64_t quotes, quote_errors;
	atomic64_t abandoned;		/* QUOTE.GETs left pending */
	atomic64_t abandoned_finished;	/* ... and finished later */
	atomic64_t busy;		/* busy statuses re-issued */
};

enum tdx_ext_state {
	TDX_EXT_STATE_INIT,		/* bring-up running */
	TDX_EXT_STATE_EXT_READY,	/* Extensions up, quoting unavailable */
	TDX_EXT_STATE_QUOTE_READY,	/* quoting available */
};

struct tdx_ext {
	const struct tdx_ext_seam *seam;
	enum tdx_ext_state state;
	u64 features;
	u64 pool_required;		/* pages the TDX module asked for */
	u64 pool_donated;		/* pages it accepted from this load */
	u64 pool_freed;			/* pages it refused, given back */
	/*
	 * Pages a failed MEM.ADD may or may not have kept: never freed,
	 * never given again (like sev-dev's leaked pages).  Written at load
	 * only, before /dev/tdx_quote exists.
	 */
	u64 pool_leaked;
	u32 max_quote_size;
	u64 quote_init_status;		/* why quoting is unavailable */
	u16 version[3];			/* major, minor, update; 0s: unknown */
	u16 build;
	struct tdx_ext_stats stats;

	/*
	 * Recovery after the TDX module lost its Extensions and quoting state
	 * (a runtime update).  recover_lock makes one caller re-initialise
	 * while the others wait for its outcome, and serialises the writers
	 * of everything below, of version[], build, max_quote_size and of
	 * state.  ioctls and sysfs read the words locklessly (READ_ONCE);
	 * sysfs reads diag under the lock, as it is not one word.
	 */
	struct mutex recover_lock;
	unsigned long generation;	/* bumped by every recovery */
	unsigned long module_updates;	/* updates noticed and survived */
	char diag[TDX_EXT_DIAG_LEN];	/* why quoting is unavailable */
	/*
	 * Quoting is held by a TDH.QUOTE.GET an earlier load left pending:
	 * quote requests try the bring-up again, at most once a second
	 * (retry_at, jiffies).
	 */
	bool quote_held;
	unsigned long retry_at;

	unsigned int timeout_s;
	unsigned int queue_depth;
};

extern struct tdx_ext tdx_ext;

/* tdx_ext_engine.c */
int tdx_ext_engine_start(void);
void tdx_ext_engine_stop(void);
unsigned long tdx_ext_engine_deadline(void);
void tdx_ext_job_init(struct tdx_ext_job *job, u64 fn,
		      enum tdx_ext_resume resume,
		      const struct tdx_ext_args *in,
		      void (*release)(struct tdx_ext_job *job));
int tdx_ext_job_submit(struct tdx_ext_job *job, bool limit, bool nonblock);
int tdx_ext_job_wait(struct tdx_ext_job *job);
void tdx_ext_job_put(struct tdx_ext_job *job);
void tdx_ext_job_run(struct tdx_ext_job *job);
int tdx_ext_seamcall(u64 fn, enum tdx_ext_resume resume,
		     struct tdx_ext_args *args, u64 *status);
int tdx_ext_status_errno(u64 status);

/*
 * TDH.QUOTE.INIT or .GET refused because the kernel configured the TDX
 * module without the quoting add-on: the simulator's [P] status, or the
 * leaf not enabled at all (TDX_OPERAND_INVALID on RAX), which is what a
 * TDX module answers for a leaf it does not offer.
 */
static inline bool tdx_ext_quote_not_configured(u64 status)
{
	return TDX_STATUS_CLASS(status) == TDX_QUOTE_NOT_CONFIGURED ||
	       status == (TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX);
}

/* tdx_ext_main.c */
int tdx_ext_recover(unsigned long generation);
bool tdx_ext_quote_size_ok(u64 size);

/* tdx_ext_pool.c */
int tdx_ext_pool_donate(void);

/* tdx_ext_quote.c */
int tdx_ext_quote_init(void);
u32 tdx_ext_quote_capacity(void);
void tdx_ext_quote_exit(void);
long tdx_ext_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* tdx_ext_sysfs.c */
extern const struct attribute_group *tdx_ext_groups[];

#endif /* TDX_EXT_H */
