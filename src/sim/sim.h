/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdx_ext_sim internals.  One global simulator instance; sim.lock
 * serialises everything, as a TDX module runs one SEAMCALL of a kind at a
 * time and debugfs changes must not land in the middle of one.
 */
#ifndef TDX_EXT_SIM_H
#define TDX_EXT_SIM_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "tdx_abi.h"
#include "tdx_quote_doc.h"

#define SIM_P384_BYTES		48
#define SIM_P384_DIGITS		6
#define SIM_PUBKEY_BYTES	(1 + 2 * SIM_P384_BYTES)
#define SIM_SIG_BYTES		(2 * SIM_P384_BYTES)
#define SIM_SECRET_BYTES	48
#define SIM_KEYID_BYTES		20
#define SIM_NR_CERTS		3	/* root, platform (SEAM), quote key */
#define SIM_CERT_MAX		1024

struct sim_p384_key {
	u64 d[SIM_P384_DIGITS];		/* private scalar, native digits */
	u8 pub[SIM_PUBKEY_BYTES];	/* 04 || X || Y */
	u8 keyid[SIM_KEYID_BYTES];	/* truncated SHA-384 of pub */
};

/*
 * Layout of the simulator's working state inside the pool (byte offsets
 * into the vmap of all donated pages).
 */
#define SIM_POOL_HDR_OFF	0
#define SIM_POOL_KEYS_OFF	PAGE_SIZE
#define SIM_POOL_CERTS_OFF	(2 * PAGE_SIZE)
#define SIM_POOL_INPUT_OFF	(6 * PAGE_SIZE)
#define SIM_POOL_SCRATCH_OFF	(16 * PAGE_SIZE)

/* What QUOTE.INIT leaves in the pool at SIM_POOL_KEYS_OFF. */
struct sim_pool_keys {
	struct sim_p384_key key[SIM_NR_CERTS];
	u32 cert_len[SIM_NR_CERTS];
};

enum sim_leaf_idx { SIM_L_SYS_RD, SIM_L_MEM_ADD, SIM_L_EXT_INIT,
		    SIM_L_QUOTE_INIT, SIM_L_QUOTE_GET, SIM_L_OTHER, SIM_L_NR };

/* What a SEAMCALL finds on the platform (parameter and debugfs tdx_state). */
enum sim_tdx_state {
	SIM_TDX_READY,		/* the kernel initialised the TDX module */
	SIM_TDX_UNINIT,		/* loaded, but TDH.SYS.INIT/LP.INIT not done */
	SIM_TDX_VMX_OFF,	/* SEAMCALL raises #UD: the CPU is not post-VMXON */
	SIM_TDX_NO_MODULE,	/* SEAMCALL fails with VMfailInvalid */
	SIM_TDX_NR
};

extern const char * const sim_tdx_state_names[SIM_TDX_NR];

/* The TDX module's version: TDH.SYS.RD's four u16 version fields. */
struct sim_version {
	u16 major, minor, update, build;
};

/*
 * The simulated TDX module's TCB as TEE_TCB_INFO reports it (sim_td.c),
 * fixed when the simulator loads; the DICE chain certifies the same
 * values (sim_dice.c).
 */
struct sim_tcb {
	u8 tee_tcb_svn[TDX_REPORT_TEE_TCB_SVN_SIZE];
	u8 tee_tcb_svn2[TDX_REPORT_TEE_TCB_SVN2_SIZE];
	u8 mrseam[TDX_REPORT_DIGEST_SIZE];
	u8 mrsignerseam[TDX_REPORT_DIGEST_SIZE];
};

/* Components of TEE_TCB_SVN and TEE_TCB_SVN2 (as Intel's DCAP reads them). */
#define SIM_TCB_SVN_MODULE_MINOR	0	/* the TDX module's SVN */
#define SIM_TCB_SVN_MODULE_MAJOR	1	/* its major version */
#define SIM_TCB_SVN_SEAMLDR		2	/* the SEAM loader's patch SVN */

struct sim_td {
	struct list_head node;
	unsigned int id;
	struct page *tdr;		/* its address is the TD's handle */
	u8 tdinfo[TDX_REPORT_TDINFO_SIZE];
	struct dentry *dir;
};

/* A pending QUOTE.INIT or QUOTE.GET, resumed by identical re-issues. */
struct sim_p384_sign;

struct sim_job {
	bool active;
	u64 fn;
	struct tdx_ext_args in;
	unsigned int step;
	size_t pos;			/* bytes copied out so far */
	size_t tbs_len, quote_len;
	u8 hash[SIM_P384_BYTES];
	u8 sig[SIM_SIG_BYTES];
	struct sim_p384_sign *sign;	/* the signature being made */
	unsigned int nr_out;		/* data pages of the output buffer */
	u64 *out_pa;			/* their addresses (kvmalloc) */
};

struct sim {
	struct mutex lock;	/* see the comment at the top of this file */

	/* configuration, fixed at load */
	u64 features;
	u32 pool_required;
	bool pool_u16;
	u32 max_quote;
	u32 slice_us;
	bool td_wildcard;		/* QUOTE.GET: RCX 0 = the report's TD */

	/* what the kernel's TDX init, or the last runtime update, left */
	enum sim_tdx_state tdx_state;
	bool quote_configured;		/* TDH.SYS.CONFIG asked for quoting */
	struct sim_version version;
	u64 updates;			/* runtime updates since load */

	/* fault injection (debugfs) */
	u32 fail_leaf, fail_after;
	u64 fail_status;
	u32 rnd_no_entropy;
	u32 busy;			/* calls left to answer OPERAND_BUSY */
	bool never_finish, every_step, stall_quote_get;
	/*
	 * mem_add_uncertain: the next MEM.ADD to finish with a list longer
	 * than mem_add_lost_first entries takes all of them but answers this
	 * status with FIRST_ENTRY mem_add_lost_first, as a TDX module that
	 * failed after taking pages; 0: off.
	 */
	u64 mem_add_lost_status;
	u32 mem_add_lost_first;
	/*
	 * max_quote_md: what TDH.SYS.RD answers for MAX_QUOTE_SIZE instead
	 * of max_quote (any 64-bit value, for a driver's bounds), when set.
	 */
	bool max_quote_md_set;
	u64 max_quote_md;

	/* the pool */
	struct page **pages;		/* accepted pages, by index */
	u64 *csum;			/* checksum per page, after EXT.INIT */
	unsigned long npages;		/* pages accepted */
	struct xarray pfn_index;	/* pfn -> index + 1 */
	struct xarray own;		/* pfns of the simulator's own image */
	u64 host_freed;			/* donated pages the host freed */
	unsigned long test_freed_pfn;	/* test_host_free_page's last */
	void *va;			/* vmap of all pages, after EXT.INIT */
	unsigned long init_done;	/* pages EXT.INIT has prepared */
	unsigned long scrub_next;
	bool ext_ready, quote_ready, fatal;
	u64 fatal_status;

	struct sim_job job;

	/* DICE */
	struct sim_tcb tcb;		/* what TDREPORTs and the chain say */
	u8 uds[SIM_SECRET_BYTES];	/* unique device secret */
	u8 report_key[SIM_SECRET_BYTES];
	unsigned int quote_init_step;

	/* test TDs */
	struct list_head tds;
	unsigned int next_td_id, last_td_id;

	/* statistics */
	u64 calls[SIM_L_NR], resumes[SIM_L_NR], busy_injected[SIM_L_NR];
};

extern struct sim sim;

/* sim_crypto.c */
int sim_crypto_init(void);
void sim_crypto_exit(void);
int sim_sha384(const void *data, size_t len, u8 *out);
int sim_hmac384(const u8 *key, size_t klen, const void *a, size_t alen,
		const void *b, size_t blen, u8 *out);
int sim_p384_derive(const u8 *secret, const char *label,
		    struct sim_p384_key *key);
int sim_p384_sign(const struct sim_p384_key *key, const u8 *hash, u8 *sig);
/* The same signature in steps: 1 done (sig written), 0 more, < 0 failed. */
struct sim_p384_sign *sim_p384_sign_start(const struct sim_p384_key *key,
					  const u8 *hash);
int sim_p384_sign_step(struct sim_p384_sign *w, u8 *sig);
void sim_p384_sign_free(struct sim_p384_sign *w);
int sim_crypto_selftest(void);

/* sim_pool.c */
int sim_pool_alloc(void);
void sim_pool_free(void);
void sim_pool_forget(void);
u64 sim_mem_add(struct tdx_ext_args *args);
u64 sim_ext_init(void);
u64 sim_pool_verify(size_t off, size_t len);
void sim_pool_commit(size_t off, size_t len);
u64 sim_pool_scrub(unsigned int nr);
void *sim_pool_ptr(size_t off);
size_t sim_pool_bytes(void);
int sim_pool_scribble(unsigned long idx);
void sim_pool_debugfs_init(struct dentry *d);
bool sim_pa_is_ram(u64 pa);
bool sim_pa_in_pool(u64 pa);
bool sim_pa_host_page(u64 pa);

/* sim_dice.c */
u64 sim_quote_init(void);
u64 sim_quote_get(struct tdx_ext_args *args);
void sim_job_reset(void);
void sim_quote_forget(void);
int sim_root_cert(const u8 **der, size_t *len);

/* sim_td.c */
int sim_tcb_init(void);
int sim_td_debugfs_init(struct dentry *dir);
void sim_td_destroy_all(void);
int sim_report_verify(const u8 *report);
struct sim_td *sim_td_by_handle(u64 pa);
struct sim_td *sim_td_by_tdinfo(const u8 *tdinfo);

/* sim_seam.c */
bool sim_out_of_time(u64 start_ns);
bool sim_take_entropy(void);
int sim_runtime_update(bool quote);

#endif /* TDX_EXT_SIM_H */
