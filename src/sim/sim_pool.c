// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's side of TDX Module Extensions memory: TDH.EXT.MEM.ADD
 * (HPA_LIST_INFO validation, page accounting), TDH.EXT.INIT, and the pool
 * as the home of the simulator's working state, checksummed per page so
 * that a host that frees or writes donated memory is caught.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "sim.h"
#include "tdx_hpa_list.h"

#define PA_LIMIT	BIT_ULL(52)

bool sim_pa_is_ram(u64 pa)
{
	unsigned long pfn = PHYS_PFN(pa);

	return pa < PA_LIMIT && pfn_valid(pfn) && page_is_ram(pfn);
}

/* Was the page at pa donated to the pool (whether initialised or not)? */
bool sim_pa_in_pool(u64 pa)
{
	return xa_load(&sim.pfn_index, PHYS_PFN(pa));
}

/*
 * A page the host may give: RAM that the host allocated as an ordinary
 * order-0 page.  Anything else (a free page, a slab page, part of a
 * compound page) would let a buggy host hand over memory it does not own,
 * and the simulator, unlike a real TDX module, shares the kernel's memory.
 */
static bool donatable(struct page *page)
{
	return page_count(page) > 0 && !PageReserved(page) &&
	       !PageSlab(page) && !PageCompound(page);
}

/*
 * The simulator's own memory, which stands in for the TDX module's SEAM
 * range: its module image.  (Its slab objects are slab pages, refused
 * anyway; the pool is indexed on its own.)
 */
static void own_range(const void *va, size_t len)
{
	unsigned long pfn;
	size_t off;

	for (off = 0; off < len; off += PAGE_SIZE) {
		if (virt_addr_valid(va + off))
			pfn = page_to_pfn(virt_to_page(va + off));
		else
			pfn = vmalloc_to_pfn(va + off);
		if (pfn)
			xa_store(&sim.own, pfn, xa_mk_value(1), GFP_KERNEL);
	}
}

static unsigned long own_pages(void)
{
	unsigned long pfn, n = 0;
	void *e;

	xa_for_each(&sim.own, pfn, e)
		n++;
	return n;
}

static void own_module_memory(void)
{
#ifdef TDX_HAVE_MODULE_MEMORY
	for_each_mod_mem_type(t)
		if (mod_mem_type_is_core(t))
			own_range(THIS_MODULE->mem[t].base,
				  THIS_MODULE->mem[t].size);
#else
	own_range(THIS_MODULE->core_layout.base,
		  THIS_MODULE->core_layout.size);
#endif
}

/*
 * Ordinary RAM the host can own, whole pages of it: what it may donate, and
 * what it may hand the TDX module to read or write.  A real TDX module
 * refuses its own pages and memory that is not convertible; the simulator
 * shares the kernel's memory and must refuse more: reserved pages (the
 * kernel image, text to bss, with the zero page in it: memblock reserves
 * it and every reserved range is PageReserved from boot, while the __init
 * sections freed after boot become ordinary pages; firmware ranges; early
 * allocations), free pages, slab and compound pages, the test TDs' TDR
 * pages and the simulator's own image.  (A module cannot name _text or
 * _end, and the resource tree's "Kernel code" entries sit under System RAM
 * where walk_iomem_res_desc() does not descend: PageReserved is the
 * kernel's own record of the same ranges.)
 */
static bool host_owned(u64 pa)
{
	unsigned long pfn = PHYS_PFN(pa);

	if (pa & ~PAGE_MASK || !sim_pa_is_ram(pa))
		return false;
	if (pfn == page_to_pfn(ZERO_PAGE(0)) || !donatable(pfn_to_page(pfn)))
		return false;
	return !xa_load(&sim.own, pfn) && !sim_td_by_handle(pa);
}

/*
 * QUOTE.GET's input page and the nodes and pages of its output list: the
 * host's own, and not the pool's.
 */
bool sim_pa_host_page(u64 pa)
{
	return host_owned(pa) && !sim_pa_in_pool(pa);
}

int sim_pool_alloc(void)
{
	xa_init(&sim.pfn_index);
	xa_init(&sim.own);
	own_module_memory();
	if (!sim.pool_required)
		return 0;
	sim.pages = kvcalloc(sim.pool_required, sizeof(*sim.pages), GFP_KERNEL);
	sim.csum = kvcalloc(sim.pool_required, sizeof(*sim.csum), GFP_KERNEL);
	if (!sim.pages || !sim.csum) {
		xa_destroy(&sim.own);
		kvfree(sim.pages);
		kvfree(sim.csum);
		sim.pages = NULL;
		sim.csum = NULL;
		return -ENOMEM;
	}
	return 0;
}

/*
 * References to a donated page: the host's own, which it gave up with the
 * page, and the one MEM.ADD took.  A host that frees a donated page only
 * drops the first (the page stays allocated, the simulator's writes land
 * in memory nobody else got); fewer than two means it did.  More is fine:
 * speculative references (compaction, memory-failure) come and go.
 */
#define SIM_PAGE_REFS	2

/*
 * Has the host freed donated page idx?  Said once per page (pr_err naming
 * the PFN, debugfs pool_check's host_freed).
 */
static bool host_freed(unsigned long idx)
{
	struct page *page = sim.pages[idx];
	unsigned long pfn = page_to_pfn(page);

	if (page_count(page) >= SIM_PAGE_REFS)
		return false;
	if (!xa_get_mark(&sim.pfn_index, pfn, XA_MARK_0)) {
		xa_set_mark(&sim.pfn_index, pfn, XA_MARK_0);
		sim.host_freed++;
		pr_err("host bug: donated page %lu (pfn %#lx) was freed by the host (%d references left of %d)\n",
		       idx, pfn, page_count(page), SIM_PAGE_REFS);
	}
	return true;
}

/*
 * The simulated TDX module goes away: the one time donated pages may be
 * freed, by dropping both references.  A page the host freed behind our
 * back has only ours left, and dropping it frees the page once; one freed
 * twice (no reference left) is already the allocator's and is not touched.
 */
void sim_pool_free(void)
{
	unsigned long i;
	struct page *page;

	sim_pool_forget();
	for (i = 0; i < sim.npages; i++) {
		page = sim.pages[i];
		if (!host_freed(i))
			put_page(page);
		if (page_count(page) > 0)
			put_page(page);
	}
	if (sim.host_freed)
		pr_err("%llu donated pages had been freed by the host\n",
		       sim.host_freed);
	if (sim.npages)
		pr_info("released the %lu-page pool\n", sim.npages);
	xa_destroy(&sim.pfn_index);
	xa_destroy(&sim.own);
	kvfree(sim.pages);
	kvfree(sim.csum);
	sim.pages = NULL;
	sim.csum = NULL;
	sim.npages = 0;
	sim.host_freed = 0;
}

/*
 * A runtime update: the new TDX module keeps the donated pages (the same
 * pages, still indexed, so MEM.ADD still finds the pool full or a page
 * given twice) but not what the old one made of them.  The mapping and the
 * checksums go; EXT.INIT maps and prepares every page again.
 */
void sim_pool_forget(void)
{
	if (sim.va)
		vunmap(sim.va);
	sim.va = NULL;
	if (sim.csum)
		memset(sim.csum, 0, sim.pool_required * sizeof(*sim.csum));
	sim.init_done = 0;
	sim.scrub_next = 0;
	sim.ext_ready = false;
}

u64 sim_mem_add(struct tdx_ext_args *args)
{
	u64 info = args->rcx, list_pa, pa, st = TDX_SUCCESS;
	unsigned int i, first, last;
	u64 start = ktime_get_ns();
	struct page *page;
	u64 *list;

	switch (tdx_hpa_list_check(info)) {
	case TDX_HPA_LIST_RESERVED:
		return TDX_EXT_HPA_LIST_RESERVED;
	case TDX_HPA_LIST_FIRST_AFTER_LAST:
		return TDX_EXT_HPA_LIST_FIRST_GT_LAST;
	case TDX_HPA_LIST_OK:
		break;
	}
	list_pa = tdx_hpa_list_pa(info);
	first = tdx_hpa_list_first(info);
	last = tdx_hpa_list_last(info);
	if (!sim_pa_is_ram(list_pa))
		return TDX_EXT_HPA_LIST_NOT_RAM;
	if (sim.npages >= sim.pool_required)
		return TDX_EXT_MEMORY_POOL_FULL;

	list = kmap_local_page(pfn_to_page(PHYS_PFN(list_pa)));
	for (i = first; i <= last; i++) {
		if (sim.npages >= sim.pool_required) {
			st = TDX_EXT_MEMORY_POOL_FULL;
			break;
		}
		pa = READ_ONCE(list[i]);
		if (pa & ~PAGE_MASK || pa >= PA_LIMIT) {
			st = TDX_EXT_HPA_ENTRY_MISALIGNED | i;
			break;
		}
		if (!host_owned(pa)) {
			st = TDX_EXT_HPA_ENTRY_NOT_RAM | i;
			break;
		}
		if (xa_load(&sim.pfn_index, PHYS_PFN(pa))) {
			st = TDX_EXT_HPA_ENTRY_DUPLICATE | i;
			break;
		}
		/* A page freed since host_owned() has no reference to take. */
		page = pfn_to_page(PHYS_PFN(pa));
		if (!get_page_unless_zero(page)) {
			st = TDX_EXT_HPA_ENTRY_NOT_RAM | i;
			break;
		}
		if (xa_err(xa_store(&sim.pfn_index, PHYS_PFN(pa),
				    xa_mk_value(sim.npages), GFP_KERNEL))) {
			put_page(page);
			st = TDX_SYS_BUSY;	/* out of memory: try again */
			break;
		}
		sim.pages[sim.npages++] = page;
		if (i < last && sim_out_of_time(start)) {
			i++;
			st = TDX_INTERRUPTED_RESUMABLE;
			break;
		}
	}
	kunmap_local(list);
	/* On any early stop RCX names the first entry not taken. */
	if (st != TDX_SUCCESS)
		args->rcx = tdx_hpa_list_info(list_pa, i, last);
	return st;
}

static u64 page_sum(const void *p)
{
	const u64 *w = p;
	u64 h = 0xcbf29ce484222325ull;
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++) {
		h ^= w[i];
		h *= 0x100000001b3ull;
		h ^= h >> 29;
	}
	return h;
}

static u64 corrupted(unsigned long idx, const char *how)
{
	pr_err("pool page %lu (pfn %#lx) was %s by the host: simulated TDX module stops\n",
	       idx, page_to_pfn(sim.pages[idx]), how);
	sim.fatal = true;
	sim.fatal_status = TDX_EXT_POOL_CORRUPTED | idx;
	return sim.fatal_status;
}

static u64 verify_page(unsigned long idx)
{
	if (host_freed(idx))
		return corrupted(idx, "freed");
	if (page_sum(sim.va + idx * PAGE_SIZE) != sim.csum[idx])
		return corrupted(idx, "written");
	return 0;
}

u64 sim_ext_init(void)
{
	u64 start = ktime_get_ns(), *w;
	unsigned long i;
	unsigned int j;

	if (sim.ext_ready)
		return TDX_EXT_ALREADY_INITIALIZED;
	if (sim.npages < sim.pool_required)
		return TDX_SYS_STATE_INCORRECT;
	if (!sim.va) {
		sim.va = vmap(sim.pages, sim.npages, VM_MAP, PAGE_KERNEL);
		if (!sim.va)
			return TDX_SYS_BUSY;
	}
	/* Fill each page with a pattern of its own and record its sum. */
	for (i = sim.init_done; i < sim.npages; i++) {
		/*
		 * Nothing watched the pages before (or since an update):
		 * one the host freed meanwhile must not be written.
		 */
		if (host_freed(i))
			return corrupted(i, "freed");
		w = sim.va + i * PAGE_SIZE;
		for (j = 0; j < PAGE_SIZE / sizeof(u64); j++)
			w[j] = ((u64)i << 32 | j) ^ 0x5eed5eed5eed5eedull;
		sim.csum[i] = page_sum(w);
		sim.init_done = i + 1;
		if (sim.init_done < sim.npages && sim_out_of_time(start))
			return TDX_INTERRUPTED_RESUMABLE;
	}
	sim.ext_ready = true;
	return TDX_SUCCESS;
}

void *sim_pool_ptr(size_t off)
{
	return sim.va + off;
}

size_t sim_pool_bytes(void)
{
	return sim.ext_ready ? sim.npages * PAGE_SIZE : 0;
}

/* Check the pages under [off, off + len) before their content is used. */
u64 sim_pool_verify(size_t off, size_t len)
{
	unsigned long i;
	u64 st;

	if (!len)
		return 0;
	for (i = off / PAGE_SIZE; i <= (off + len - 1) / PAGE_SIZE; i++) {
		st = verify_page(i);
		if (st)
			return st;
	}
	return 0;
}

/* Record new content of [off, off + len) after the simulator wrote it. */
void sim_pool_commit(size_t off, size_t len)
{
	unsigned long i;

	if (!len)
		return;
	for (i = off / PAGE_SIZE; i <= (off + len - 1) / PAGE_SIZE; i++)
		sim.csum[i] = page_sum(sim.va + i * PAGE_SIZE);
}

/* Re-check nr pages round-robin, so no page goes unchecked for long. */
u64 sim_pool_scrub(unsigned int nr)
{
	u64 st;

	if (!sim.ext_ready || !sim.npages)
		return 0;
	while (nr--) {
		st = verify_page(sim.scrub_next);
		if (st)
			return st;
		sim.scrub_next = (sim.scrub_next + 1) % sim.npages;
	}
	return 0;
}

/*
 * Test only: free a donated page as a buggy host would (__free_page, the
 * host's reference).  Refused for a page already freed: the simulator's
 * own reference must not be dropped by anyone but itself.
 */
static int sim_pool_host_free(unsigned long idx)
{
	if (idx >= sim.npages)
		return -EINVAL;
	if (page_count(sim.pages[idx]) < SIM_PAGE_REFS)
		return -EBUSY;
	sim.test_freed_pfn = page_to_pfn(sim.pages[idx]);
	__free_page(sim.pages[idx]);
	return 0;
}

/* Test only: write to a pool page as a buggy host would. */
int sim_pool_scribble(unsigned long idx)
{
	u64 *p;

	if (idx >= sim.npages)
		return -EINVAL;
	p = kmap_local_page(sim.pages[idx]);
	p[7] ^= 0xdeadbeefcafef00dull;
	kunmap_local(p);
	return 0;
}

static int host_free_set(void *data, u64 val)
{
	int ret;

	mutex_lock(&sim.lock);
	ret = sim_pool_host_free(val);
	mutex_unlock(&sim.lock);
	return ret;
}
DEFINE_DEBUGFS_ATTRIBUTE(host_free_fops, NULL, host_free_set, "%llu\n");

/* What the simulator knows about the host's pages and its own. */
static int pool_check_show(struct seq_file *m, void *v)
{
	mutex_lock(&sim.lock);
	seq_printf(m, "own_pages=%lu\nhost_freed=%llu\n", own_pages(),
		   sim.host_freed);
	seq_printf(m, "test_freed_pfn=%#lx\n", sim.test_freed_pfn);
	mutex_unlock(&sim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pool_check);

void sim_pool_debugfs_init(struct dentry *d)
{
	debugfs_create_file("pool_check", 0400, d, NULL, &pool_check_fops);
	debugfs_create_file_unsafe("test_host_free_page", 0200, d, NULL,
				   &host_free_fops);
}
