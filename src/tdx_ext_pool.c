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
 * One MEM.ADD batch of n pages.  Returns how many the TDX module took;
 * *status and the errno describe the end of the call.  The module reports
 * its progress in RCX's FIRST_ENTRY, so entries from there on were not
 * taken (on a fault of the SEAMCALL itself RCX comes back as it was sent:
 * nothing taken).
 */
static unsigned int donate_batch(struct page **batch, unsigned int n,
				 u64 *list, u64 *status, int *err)
{
	struct tdx_ext_args args = { };
	unsigned int i, taken;

	for (i = 0; i < n; i++)
		list[i] = page_to_phys(batch[i]);
	args.rcx = tdx_hpa_list_info(virt_to_phys(list), 0, n - 1);
	*status = TDX_EXT_NO_CALL;
	*err = tdx_ext_seamcall(TDH_EXT_MEM_ADD, TDX_EXT_RESUME_FEED_RCX,
				&args, status);
	if (*status == TDX_SUCCESS && !*err)
		return n;
	taken = min(tdx_hpa_list_first(args.rcx), n);
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

int tdx_ext_pool_donate(void)
{
	struct page_source src = { .order = BLOCK_ORDER };
	unsigned int n, i, taken;
	struct page **batch;
	u64 *list, status = TDX_EXT_NO_CALL, t0 = ktime_get_ns();
	bool probe = true, checked = false;
	int err = 0;

	batch = kmalloc_array(TDX_HPA_LIST_ENTRIES, sizeof(*batch), GFP_KERNEL);
	/* The list page: read by the TDX module during the call, not kept. */
	list = (u64 *)get_zeroed_page(GFP_KERNEL);
	if (!batch || !list) {
		err = -ENOMEM;
		goto out;
	}

	/*
	 * No metadata field says how much of the pool the TDX module holds
	 * already (a reloaded driver: all of it), so the first MEM.ADD gives
	 * one page: TDX_EXT_MEMORY_POOL_FULL, and nothing more is allocated;
	 * otherwise the module took that page, and only then is memory for
	 * the rest demanded.
	 */
	while (tdx_ext.pool_donated < tdx_ext.pool_required) {
		if (!probe && !checked) {
			err = check_available();
			if (err)
				break;
			checked = true;
		}
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
		taken = donate_batch(batch, n, list, &status, &err);
		tdx_ext.pool_donated += taken;
		if (status == TDX_EXT_MEMORY_POOL_FULL) {
			/* Complete already: a reloaded driver donates nothing. */
			if (!tdx_ext.pool_donated)
				pr_info("the TDX module's pool is complete already (driver reloaded); donating nothing\n");
			break;
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
	return err;
}
