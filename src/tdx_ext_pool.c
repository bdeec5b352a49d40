// SPDX-License-Identifier: GPL-2.0
/*
 * The Extensions memory pool: pages the host gives the TDX module with
 * TDH.EXT.MEM.ADD, 512 per HPA_LIST_INFO.  They need not be contiguous, so
 * take high-order blocks while they come cheaply and split them into
 * order-0 pages, falling back to smaller orders.
 *
 * A page the TDX module accepted is never freed, not even on unload: there
 * is no SEAMCALL to take it back.  It is counted and reported.  A page it
 * did not take is freed at once.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "tdx_ext.h"
#include "tdx_hpa_list.h"

#define BLOCK_ORDER	9	/* 2 MiB; below MAX_ORDER on every kernel */

/* A source of order-0 pages, carved from the current high-order block. */
struct page_source {
	struct page *block;
	unsigned int order;		/* of the blocks we try next */
	unsigned int used, size;	/* pages of block handed out, in it */
	u64 alloc_ns;			/* time spent in the page allocator */
};

static struct page *next_page(struct page_source *src)
{
	struct page *page;
	u64 t0;

	if (src->block && src->used < src->size)
		return src->block + src->used++;
	src->block = NULL;
	t0 = ktime_get_ns();
	for (;;) {
		/*
		 * Large blocks only while they come cheaply; single pages
		 * with effort, but failing rather than calling the OOM killer.
		 */
		gfp_t gfp = src->order ? GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY :
					 GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL;

		page = alloc_pages(gfp, src->order);
		if (page || !src->order)
			break;
		src->order--;
	}
	src->alloc_ns += ktime_get_ns() - t0;
	if (!page)
		return NULL;
	if (src->order)
		split_page(page, src->order);
	src->block = page;
	src->size = 1u << src->order;
	src->used = 1;
	return page;
}

/* Give back the rest of the current block. */
static void drain_source(struct page_source *src)
{
	while (src->block && src->used < src->size)
		__free_page(src->block + src->used++);
	src->block = NULL;
}

/*
 * May the entries from the returned FIRST_ENTRY on be taken back?  The
 * TDX module's progress counter says which it did not take -- when the
 * call ended and the module could still say so:
 * - the call never ran (not queued: nothing taken);
 * - RCX names the list that was sent, with FIRST_ENTRY in range;
 * - not a call still pending (the deadline passed on
 *   TDX_INTERRUPTED_RESUMABLE: the TDX module holds its progress and may
 *   take more when it is resumed), nor a TDX module that shut down under
 *   it (TDX_SYS_SHUTDOWN: its state, counter included, is gone);
 * - an entry it refused is the one FIRST_ENTRY names.
 * Anything else leaves the owner of those pages unknown.
 */
static bool rest_is_ours(u64 status, u64 sent, u64 rcx)
{
	unsigned int first = tdx_hpa_list_first(rcx);

	if (status == TDX_EXT_NO_CALL)
		return true;
	if (tdx_hpa_list_pa(rcx) != tdx_hpa_list_pa(sent) ||
	    tdx_hpa_list_last(rcx) != tdx_hpa_list_last(sent) ||
	    first > tdx_hpa_list_last(sent) + 1)
		return false;
	switch (TDX_STATUS_CLASS(status)) {
	case TDX_INTERRUPTED_RESUMABLE:
	case TDX_SYS_SHUTDOWN:
		return false;
	case TDX_EXT_HPA_ENTRY_MISALIGNED:
	case TDX_EXT_HPA_ENTRY_NOT_RAM:
	case TDX_EXT_HPA_ENTRY_DUPLICATE:
		return TDX_STATUS_DETAIL(status) == first;
	}
	return true;
}

/*
 * One MEM.ADD batch of n pages.  Returns how many the TDX module took;
 * *status and the errno describe the end of the call.  The module reports
 * its progress in RCX's FIRST_ENTRY, so entries from there on were not
 * taken (on a fault of the SEAMCALL itself RCX comes back as it was sent:
 * nothing taken) -- when rest_is_ours() says the answer can be trusted.
 * When it cannot, the rest is kept, never freed: they may be the TDX
 * module's now, and a page it owns must not go back to the allocator.
 * They are counted in pool_leaked and *leaked.
 */
static unsigned int donate_batch(struct page **batch, unsigned int n,
				 u64 *list, u64 *status, int *err,
				 unsigned int *leaked)
{
	struct tdx_ext_args args = { };
	unsigned int i, taken;
	u64 sent;

	for (i = 0; i < n; i++)
		list[i] = page_to_phys(batch[i]);
	sent = tdx_hpa_list_info(virt_to_phys(list), 0, n - 1);
	args.rcx = sent;
	*status = TDX_EXT_NO_CALL;
	*leaked = 0;
	*err = tdx_ext_seamcall(TDH_EXT_MEM_ADD, TDX_EXT_RESUME_FEED_RCX,
				&args, status);
	if (*status == TDX_SUCCESS && !*err)
		return n;
	taken = min(tdx_hpa_list_first(args.rcx), n);
	if (!rest_is_ours(*status, sent, args.rcx)) {
		/*
		 * Not freed, and not kmemleak_not_leak()ed either: kmemleak
		 * does not track the page allocator, so it never reports
		 * these pages; the pointers simply go.
		 */
		*leaked = n - taken;
		tdx_ext.pool_leaked += n - taken;
		return taken;
	}
	for (i = taken; i < n; i++)
		__free_page(batch[i]);
	tdx_ext.pool_freed += n - taken;
	return taken;
}

/*
 * Memory for the rest of the pool, less an eighth of RAM: better a clear
 * error than a host squeezed to its last pages.  (The allocations can
 * still fail.)
 */
static int check_available(void)
{
	u64 missing = tdx_ext.pool_required - tdx_ext.pool_donated;
	unsigned long avail = si_mem_available();

	if (missing + totalram_pages() / 8 <= avail)
		return 0;
	pr_err("not enough memory for the %llu-page pool (%llu pages missing): %lu pages available\n",
	       tdx_ext.pool_required, missing, avail);
	return -ENOMEM;
}

/*
 * Is the pool complete already (a reloaded driver)?  No metadata field
 * says how much of it the TDX module holds, so ask MEM.ADD with a list of
 * one entry that no TDX module can take, a misaligned address: nothing of
 * ours is at stake.  TDX_EXT_MEMORY_POOL_FULL: complete (1); the entry
 * refused, as when there is room: not complete (0); any other answer is
 * a MEM.ADD that fails (-errno), and so does the load.
 */
static int pool_complete(u64 *list)
{
	struct tdx_ext_args args = { };
	u64 status = TDX_EXT_NO_CALL;
	int err;

	list[0] = 1;
	args.rcx = tdx_hpa_list_info(virt_to_phys(list), 0, 0);
	err = tdx_ext_seamcall(TDH_EXT_MEM_ADD, TDX_EXT_RESUME_FEED_RCX, &args,
			       &status);
	if (status == TDX_EXT_MEMORY_POOL_FULL)
		return 1;
	switch (TDX_STATUS_CLASS(status)) {
	case TDX_EXT_HPA_ENTRY_MISALIGNED:
	case TDX_EXT_HPA_ENTRY_NOT_RAM:
	case TDX_OPERAND_INVALID:
		return 0;
	}
	pr_err("TDH.EXT.MEM.ADD failed: status %#llx, error %d, asking whether the pool is complete\n",
	       status, err);
	return err ?: -EIO;
}

int tdx_ext_pool_donate(void)
{
	struct page_source src = { .order = BLOCK_ORDER };
	unsigned int n, i, taken, leaked;
	struct page **batch;
	u64 *list, status = TDX_EXT_NO_CALL, t0 = ktime_get_ns();
	bool probe = false, uncertain = false;
	int err = 0;

	batch = kmalloc_array(TDX_HPA_LIST_ENTRIES, sizeof(*batch), GFP_KERNEL);
	/*
	 * The list page: read by the TDX module only during a MEM.ADD whose
	 * RCX names it, and never kept by it, so it is freed even after a
	 * call left pending (deadline passed): MEM.ADD's progress is in the
	 * RCX it returns, "all protocol state stays inside the TDX module"
	 * (ABI.md section 3), and no later call of ours names this page.
	 */
	list = (u64 *)get_zeroed_page(GFP_KERNEL);
	if (!batch || !list) {
		err = -ENOMEM;
		goto out;
	}

	/* A reload asks first, and then allocates nothing. */
	err = pool_complete(list);
	if (err > 0) {
		pr_info("the TDX module's pool is complete already (driver reloaded); donating nothing\n");
		err = 0;
		goto out;
	}
	if (!err)
		err = check_available();
	if (err)
		goto out;

	/*
	 * After a MEM.ADD whose outcome is unknown, one page: is the pool
	 * complete, does the TDX module still take pages?
	 */
	while (tdx_ext.pool_donated < tdx_ext.pool_required) {
		n = probe ? 1 : min_t(u64, TDX_HPA_LIST_ENTRIES,
				      tdx_ext.pool_required - tdx_ext.pool_donated);
		for (i = 0; i < n; i++) {
			batch[i] = next_page(&src);
			if (!batch[i])
				break;
		}
		if (i < n) {
			while (i--)
				__free_page(batch[i]);
			pr_err("not enough memory for the %llu-page pool (%llu pages donated so far stay with the TDX module)\n",
			       tdx_ext.pool_required, tdx_ext.pool_donated);
			err = -ENOMEM;
			break;
		}
		taken = donate_batch(batch, n, list, &status, &err, &leaked);
		tdx_ext.pool_donated += taken;
		if (status == TDX_EXT_MEMORY_POOL_FULL)
			break;	/* complete: what was not taken went back */
		if (leaked)
			pr_err("TDH.EXT.MEM.ADD failed (status %#llx, error %d) leaving unknown whether the TDX module kept %u of its pages: they are kept, never freed (pool_leaked %llu)\n",
			       status, err, leaked, tdx_ext.pool_leaked);
		if (leaked && !probe && !uncertain) {
			/* Once: ask again with one page. */
			uncertain = true;
			probe = true;
			err = 0;
			continue;
		}
		if (err || status != TDX_SUCCESS) {
			pr_err("TDH.EXT.MEM.ADD failed: status %#llx, error %d, after %llu of %llu pages\n",
			       status, err, tdx_ext.pool_donated,
			       tdx_ext.pool_required);
			err = err ?: -EIO;
			break;
		}
		probe = false;
	}
out:
	drain_source(&src);
	free_page((unsigned long)list);
	kfree(batch);
	if (tdx_ext.pool_donated)
		pr_info("pool: %llu pages (%llu KiB) given to the TDX module in %llu ms (%llu ms allocating); they are never freed\n",
			tdx_ext.pool_donated, tdx_ext.pool_donated * (PAGE_SIZE / 1024),
			div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC),
			div_u64(src.alloc_ns, NSEC_PER_MSEC));
	if (tdx_ext.pool_leaked)
		pr_warn("pool: %llu pages of failed TDH.EXT.MEM.ADDs are leaked: the TDX module may own them, so they are never freed\n",
			tdx_ext.pool_leaked);
	return err;
}
