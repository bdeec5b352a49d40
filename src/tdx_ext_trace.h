/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tdx_ext

#if !defined(TDX_EXT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define TDX_EXT_TRACE_H

#include <linux/tracepoint.h>

/* One SEAMCALL: leaf (RAX), TDX status, resumes of its job so far, time. */
TRACE_EVENT(tdx_ext_seamcall,
	    TP_PROTO(u64 fn, u64 status, u64 resumes, u64 ns),
	    TP_ARGS(fn, status, resumes, ns),
	    TP_STRUCT__entry(__field(u64, fn)
			     __field(u64, status)
			     __field(u64, resumes)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->fn = fn;
			   __entry->status = status;
			   __entry->resumes = resumes;
			   __entry->ns = ns;),
	    TP_printk("leaf=%llu status=0x%016llx resumes=%llu ns=%llu",
		      __entry->fn, __entry->status, __entry->resumes,
		      __entry->ns)
);

/* A job finished: leaf, final status, errno, resumes, retries, wall time. */
TRACE_EVENT(tdx_ext_job_done,
	    TP_PROTO(u64 fn, u64 status, int err, u64 resumes, u64 retries,
		     u64 ns),
	    TP_ARGS(fn, status, err, resumes, retries, ns),
	    TP_STRUCT__entry(__field(u64, fn)
			     __field(u64, status)
			     __field(int, err)
			     __field(u64, resumes)
			     __field(u64, retries)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->fn = fn;
			   __entry->status = status;
			   __entry->err = err;
			   __entry->resumes = resumes;
			   __entry->retries = retries;
			   __entry->ns = ns;),
	    TP_printk("leaf=%llu status=0x%016llx err=%d resumes=%llu retries=%llu ns=%llu",
		      __entry->fn, __entry->status, __entry->err,
		      __entry->resumes, __entry->retries, __entry->ns)
);

#endif /* TDX_EXT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE tdx_ext_trace
#include <trace/define_trace.h>
