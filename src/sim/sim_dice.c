// SPDX-License-Identifier: GPL-2.0
/*
 * DICE in the simulator: TDH.QUOTE.INIT derives a layered key chain from
 * the unique device secret and certifies it (simulated root CA ->
 * platform/SEAM -> quote key, the layers below the root with their TCG
 * DICE TcbInfo, the quote key with its key purpose); TDH.QUOTE.GET checks
 * a TDREPORT and turns it into the signed quote document of ABI.md
 * section 7, written into the host's HPA_LINKED_LIST.  All working state
 * lives in the donated pool.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "sim.h"
#include "tdx_x509.h"

#define CERT_SLOT(i)	(SIM_POOL_CERTS_OFF + (i) * SIM_CERT_MAX)

enum { CERT_ROOT, CERT_PLATFORM, CERT_QUOTE };

/*
 * eat_profile, as DER content octets: the simulator's own profile, the UUID
 * OID 2.25.187683495578185925455535580376002142914 (UUID
 * 8d3286c3-7839-4b7a-98f3-1e54802322c2), not Intel's TDX DICE quote
 * profile 2.16.840.1.113741.1.13.1.  A simulated quote must never pass as
 * Intel's: a verifier accepts this profile only when told to
 * (tdx-quote verify --profile tdx-ext-simulator, docs/verifier.md step 25).
 */
static const u8 sim_profile[] = {
	0x69, 0x82, 0x9a, 0xb2, 0xc3, 0xb0, 0xef, 0x83, 0xca, 0xad,
	0xf5, 0x98, 0xf9, 0xc7, 0xca, 0xc8, 0x81, 0x8c, 0xc5, 0x42 };

static const struct tdx_x509_attr root_name[] = {
	{ TDX_X509_ATTR_CN, "tdx-ext simulated DICE Root CA" },
	{ TDX_X509_ATTR_O, "tdx-ext simulator (not trustworthy)" },
};

static const struct tdx_x509_attr platform_name[] = {
	{ TDX_X509_ATTR_CN, "tdx-ext simulated TDX platform (SEAM)" },
	{ TDX_X509_ATTR_O, "tdx-ext simulator (not trustworthy)" },
};

static const struct tdx_x509_attr quote_name[] = {
	{ TDX_X509_ATTR_CN, "tdx-ext simulated TDX quote signing key" },
	{ TDX_X509_ATTR_O, "tdx-ext simulator (not trustworthy)" },
};

/*
 * The TCG DICE extensions, as a DICE chain carries them: each layer below
 * the root says in a tcg-dice-TcbInfo (critical) what it is, and the
 * quote key says in its extendedKeyUsage (critical) that it attests.
 * The vendor is the one a verifier expects of a TDX module by default
 * (docs/verifier.md step 27); the models say that this one is simulated.
 */
#define SIM_TCB_VENDOR		"Intel Corporation"
#define SIM_TCB_MODEL_SEAM	"TDX module (tdx-ext simulator)"
#define SIM_TCB_MODEL_QUOTE	"TDX quoting (tdx-ext simulator)"
/* "major.minor.update.build", each a u16 */
#define SIM_VERSION_MAX		sizeof("65535.65535.65535.65535")

static const u8 oid_sha384[] = {		/* 2.16.840.1.101.3.4.2.2 */
	0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02 };

static const u8 oid_kp_attest_init[] = {	/* 2.23.133.5.4.100.8 */
	0x67, 0x81, 0x05, 0x05, 0x04, 0x64, 0x08 };

static const struct tdx_x509_oid quote_purposes[] = {
	{ oid_kp_attest_init, sizeof(oid_kp_attest_init) },
};

static const struct tdx_x509_eku quote_eku = {
	.purposes = quote_purposes,
	.count = ARRAY_SIZE(quote_purposes),
	.critical = true,
};

static const struct tdx_x509_tcb_info quote_tcb = {
	.vendor = SIM_TCB_VENDOR,
	.model = SIM_TCB_MODEL_QUOTE,
	.has_layer = true,
	.layer = 1,
};

static const struct {
	const struct tdx_x509_attr *name;
	unsigned int n;
	const char *label;
} chain[SIM_NR_CERTS] = {
	[CERT_ROOT] = { root_name, ARRAY_SIZE(root_name),
			"tdx-ext-sim root CA key" },
	[CERT_PLATFORM] = { platform_name, ARRAY_SIZE(platform_name),
			    "tdx-ext-sim platform key" },
	[CERT_QUOTE] = { quote_name, ARRAY_SIZE(quote_name),
			 "tdx-ext-sim quote key" },
};

static struct sim_pool_keys *pool_keys(void)
{
	return sim_pool_ptr(SIM_POOL_KEYS_OFF);
}

/*
 * Layered derivation: the root key comes from the device secret; each
 * later layer's secret (CDI) is an HMAC of the previous one over what it
 * certifies, and its key comes from that CDI.  The platform (SEAM) layer
 * certifies the TDX module, named by its version: after a runtime update
 * QUOTE.INIT derives new platform and quote keys under the same root.
 */
static int derive_layer(unsigned int i, struct sim_p384_key *key)
{
	const __be16 seam[] = {
		cpu_to_be16(sim.version.major), cpu_to_be16(sim.version.minor),
		cpu_to_be16(sim.version.update), cpu_to_be16(sim.version.build),
	};
	u8 cdi[SIM_SECRET_BYTES];
	int ret;

	memcpy(cdi, sim.uds, sizeof(cdi));
	if (i >= CERT_PLATFORM) {
		ret = sim_hmac384(cdi, sizeof(cdi), "tdx-ext-sim CDI SEAM", 20,
				  seam, sizeof(seam), cdi);
		if (ret)
			goto out;
	}
	if (i >= CERT_QUOTE) {
		ret = sim_hmac384(cdi, sizeof(cdi), "tdx-ext-sim CDI quote", 21,
				  NULL, 0, cdi);
		if (ret)
			goto out;
	}
	ret = sim_p384_derive(cdi, chain[i].label, key);
out:
	memzero_explicit(cdi, sizeof(cdi));
	return ret;
}

/*
 * The platform (SEAM) layer certifies the TDX module: its version, its
 * SVN and its measurement, MRSEAM, the same 48 bytes the TDREPORT's
 * TEE_TCB_INFO carries.  The SVN is TEE_TCB_SVN's byte 0, the module's
 * minor SVN: it is the module's security version, the one Intel's TCB
 * info compares (byte 1 is the major version, which selects the module's
 * identity, and byte 2 the SEAM loader's SVN, another component).
 */
static void seam_tcb_info(struct tdx_x509_tcb_info *t,
			  struct tdx_x509_fwid *fwid, char *version,
			  size_t version_len)
{
	snprintf(version, version_len, "%u.%u.%u.%u", sim.version.major,
		 sim.version.minor, sim.version.update, sim.version.build);
	*fwid = (struct tdx_x509_fwid) {
		.hash_alg = { oid_sha384, sizeof(oid_sha384) },
		.digest = sim.tcb.mrseam,
		.digest_len = sizeof(sim.tcb.mrseam),
	};
	*t = (struct tdx_x509_tcb_info) {
		.vendor = SIM_TCB_VENDOR,
		.model = SIM_TCB_MODEL_SEAM,
		.version = version,
		.has_svn = true,
		.svn = sim.tcb.tee_tcb_svn[SIM_TCB_SVN_MODULE_MINOR],
		.has_layer = true,
		.layer = 0,
		.fwids = fwid,
		.n_fwids = 1,
	};
}

/* Certificate i, signed by certificate i - 1's key (the root by itself). */
static u64 make_cert(unsigned int i)
{
	struct sim_pool_keys *keys = pool_keys();
	const struct sim_p384_key *subj = &keys->key[i];
	const struct sim_p384_key *iss = &keys->key[i ? i - 1 : 0];
	u8 *tbs = sim_pool_ptr(SIM_POOL_SCRATCH_OFF);
	u8 hash[SIM_P384_BYTES], sig[SIM_SIG_BYTES], serial[16];
	char version[SIM_VERSION_MAX];
	struct tdx_x509_tcb_info seam_tcb;
	struct tdx_x509_fwid seam_fwid;
	struct tdx_x509_params p = {
		.serial = serial,
		.serial_len = sizeof(serial),
		.issuer = { chain[i ? i - 1 : 0].name, chain[i ? i - 1 : 0].n },
		.subject = { chain[i].name, chain[i].n },
		.not_before = { 2025, 1, 1, 0, 0, 0 },
		.not_after = { 9999, 12, 31, 23, 59, 59 },
		.pubkey = subj->pub,
		.ski = subj->keyid,
		.ski_len = sizeof(subj->keyid),
		.aki = iss->keyid,
		.aki_len = sizeof(iss->keyid),
		.ca = i != CERT_QUOTE,
		.path_len = i == CERT_PLATFORM ? 0 : -1,
	};
	int tbs_len, len;

	memcpy(serial, subj->keyid, sizeof(serial));
	serial[0] &= 0x7f;
	serial[0] |= 0x01;	/* positive, and never shortened */
	if (i == CERT_PLATFORM) {
		seam_tcb_info(&seam_tcb, &seam_fwid, version, sizeof(version));
		p.tcb_info = &seam_tcb;
	} else if (i == CERT_QUOTE) {
		p.tcb_info = &quote_tcb;
		p.eku = &quote_eku;
	}
	tbs_len = tdx_x509_tbs(tbs, SIM_CERT_MAX, &p);
	if (tbs_len < 0)
		goto bad;
	sim_pool_commit(SIM_POOL_SCRATCH_OFF, tbs_len);
	if (sim_sha384(tbs, tbs_len, hash) || sim_p384_sign(iss, hash, sig))
		return TDX_SYS_BUSY;
	len = tdx_x509_cert(sim_pool_ptr(CERT_SLOT(i)), SIM_CERT_MAX, tbs,
			    tbs_len, sig);
	if (len < 0)
		goto bad;
	keys->cert_len[i] = len;
	sim_pool_commit(SIM_POOL_KEYS_OFF, sizeof(*keys));
	sim_pool_commit(CERT_SLOT(i), len);
	return 0;
bad:
	pr_err("cannot encode certificate %u\n", i);
	return TDX_SYS_SHUTDOWN;
}

/*
 * Steps: three key derivations, three certificates.  Each is one minimal
 * step; QUOTE.INIT again later re-derives the same keys (re-keying after a
 * module update, on hardware).
 */
u64 sim_quote_init(void)
{
	u64 start = ktime_get_ns(), st;
	unsigned int step;

	if (sim.features & TDX_FEATURES0_EXT && !sim.ext_ready)
		return TDX_SYS_STATE_INCORRECT;
	if (sim.job.active)
		return TDX_OPERAND_BUSY;	/* a quote is being built */
	if (sim.quote_init_step == 0)
		sim.quote_ready = false;
	for (;;) {
		step = sim.quote_init_step;
		st = sim_pool_verify(SIM_POOL_KEYS_OFF, sizeof(struct sim_pool_keys));
		if (st)
			return st;
		if (step < SIM_NR_CERTS) {
			if (derive_layer(step, &pool_keys()->key[step]))
				return TDX_SYS_BUSY;
			sim_pool_commit(SIM_POOL_KEYS_OFF,
					sizeof(struct sim_pool_keys));
		} else {
			st = make_cert(step - SIM_NR_CERTS);
			if (st)
				return st;
		}
		sim.quote_init_step = step + 1;
		if (sim.quote_init_step == 2 * SIM_NR_CERTS)
			break;
		if (sim_out_of_time(start))
			return TDX_INTERRUPTED_RESUMABLE;
	}
	sim.quote_init_step = 0;
	sim.quote_ready = true;
	return TDX_SUCCESS;
}

int sim_root_cert(const u8 **der, size_t *len)
{
	if (!sim.quote_ready || sim.fatal)
		return -ENODATA;
	if (sim_pool_verify(CERT_SLOT(CERT_ROOT), pool_keys()->cert_len[CERT_ROOT]))
		return -EIO;
	*der = sim_pool_ptr(CERT_SLOT(CERT_ROOT));
	*len = pool_keys()->cert_len[CERT_ROOT];
	return 0;
}

void sim_job_reset(void)
{
	sim_p384_sign_free(sim.job.sign);
	kvfree(sim.job.out_pa);
	memset(&sim.job, 0, sizeof(sim.job));
}

/* A runtime update: keys, certificates and a pending quote are gone. */
void sim_quote_forget(void)
{
	sim_job_reset();
	sim.quote_init_step = 0;
	sim.quote_ready = false;
}

/*
 * Walk the HPA_LINKED_LIST at R10 covering R11 bytes: collect the data
 * pages, check every node and page, and that unused entries are ~0.  The
 * nodes are the host's memory and may change under the walk: each entry
 * is read once, and the value checked is the value used.
 */
static u64 walk_output_list(const struct tdx_ext_args *in)
{
	unsigned int nr = DIV_ROUND_UP(in->r11, PAGE_SIZE), got = 0, node = 0;
	unsigned int i;
	u64 node_pa = in->r10, *ent, pa;

	sim.job.out_pa = kvmalloc_array(nr, sizeof(u64), GFP_KERNEL);
	if (!sim.job.out_pa)
		return TDX_SYS_BUSY;
	while (got < nr) {
		if (!sim_pa_host_page(node_pa))
			return TDX_QUOTE_OUTPUT_LIST_INVALID | node;
		ent = kmap_local_page(pfn_to_page(PHYS_PFN(node_pa)));
		for (i = 0; i < TDX_HPA_LL_DATA; i++) {
			pa = READ_ONCE(ent[i]);
			if (got < nr) {
				if (!sim_pa_host_page(pa))
					break;
				sim.job.out_pa[got++] = pa;
			} else if (pa != TDX_HPA_LL_UNUSED) {
				break;
			}
		}
		node_pa = READ_ONCE(ent[TDX_HPA_LL_NEXT]);
		kunmap_local(ent);
		if (i < TDX_HPA_LL_DATA)
			return TDX_QUOTE_OUTPUT_LIST_INVALID | node;
		node++;
	}
	sim.job.nr_out = nr;
	return 0;
}

static u64 quote_get_start(struct tdx_ext_args *in)
{
	u8 *report = sim_pool_ptr(SIM_POOL_INPUT_OFF);
	const struct sim_td *td;
	u64 st;
	void *p;

	if (in->rdx & ~(TDX_QUOTE_ID_MASK << TDX_QUOTE_ID_SHIFT) ||
	    ((in->rdx >> TDX_QUOTE_ID_SHIFT) & TDX_QUOTE_ID_MASK) !=
	    TDX_QUOTE_ID_DEFAULT)
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RDX;
	if (!sim_pa_host_page(in->r8))
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_R8;
	if (in->r9 != TDX_REPORT_SIZE)
		return TDX_QUOTE_INPUT_INVALID;
	if (!sim_pa_host_page(in->r10))
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_R10;
	if (!in->r11 || in->r11 > SZ_64M)
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_R11;
	/* RCX 0 names no TDR page: only td_wildcard makes it "any TD". */
	if (in->rcx ? !sim_td_by_handle(in->rcx) : !sim.td_wildcard)
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX;

	/* The input, copied into the pool, is what everything else uses. */
	p = kmap_local_page(pfn_to_page(PHYS_PFN(in->r8)));
	memcpy(report, p, TDX_REPORT_SIZE);
	kunmap_local(p);
	sim_pool_commit(SIM_POOL_INPUT_OFF, TDX_REPORT_SIZE);

	if (sim_report_verify(report))
		return TDX_QUOTE_REPORT_INVALID;
	td = sim_td_by_tdinfo(report + TDX_REPORT_TDINFO_OFF);
	if (!td || (in->rcx && page_to_phys(td->tdr) != in->rcx))
		return TDX_QUOTE_TD_MISMATCH;
	st = walk_output_list(in);
	return st;
}

static void doc_params(struct tdx_quote_doc_params *p, const u8 **certs,
		       size_t *lens)
{
	struct sim_pool_keys *keys = pool_keys();
	unsigned int i;

	/* The bag is unordered; leaf first is a courtesy. */
	for (i = 0; i < SIM_NR_CERTS; i++) {
		certs[i] = sim_pool_ptr(CERT_SLOT(SIM_NR_CERTS - 1 - i));
		lens[i] = keys->cert_len[SIM_NR_CERTS - 1 - i];
	}
	*p = (struct tdx_quote_doc_params) {
		.tdreport = sim_pool_ptr(SIM_POOL_INPUT_OFF),
		.kid = keys->key[CERT_QUOTE].keyid,
		.kid_len = sizeof(keys->key[CERT_QUOTE].keyid),
		.iss = "tdx-ext simulated TDX module",
		.sub = "tdx-ext simulated TD",
		.profile = sim_profile,
		.profile_len = sizeof(sim_profile),
		.certs = certs,
		.cert_lens = lens,
		.n_certs = SIM_NR_CERTS,
	};
}

/* Everything the quote is built from: keys, certificates, the input. */
static u64 verify_inputs(void)
{
	u64 st;

	st = sim_pool_verify(SIM_POOL_KEYS_OFF, sizeof(struct sim_pool_keys));
	if (!st)
		st = sim_pool_verify(SIM_POOL_CERTS_OFF,
				     SIM_NR_CERTS * SIM_CERT_MAX);
	if (!st)
		st = sim_pool_verify(SIM_POOL_INPUT_OFF, TDX_REPORT_SIZE);
	return st;
}

/*
 * One minimal step of a quote.  Returns true when the quote is finished,
 * successfully or not, with the final status in *st.
 */
static bool quote_step(struct tdx_ext_args *args, u64 *st)
{
	struct sim_job *job = &sim.job;
	size_t cap = sim_pool_bytes() - SIM_POOL_SCRATCH_OFF;
	u8 *scratch = sim_pool_ptr(SIM_POOL_SCRATCH_OFF);
	struct tdx_quote_doc_params p;
	const u8 *certs[SIM_NR_CERTS];
	size_t lens[SIM_NR_CERTS], n;
	void *dst;
	int len, ret;

	*st = TDX_SUCCESS;
	switch (job->step) {
	case 0:
		*st = quote_get_start(&job->in);
		break;
	case 1:		/* the bytes to sign, and their hash */
		*st = verify_inputs();
		if (*st)
			break;
		doc_params(&p, certs, lens);
		len = tdx_quote_doc_tbs(&p, scratch, cap);
		if (len < 0 || sim_sha384(scratch, len, job->hash)) {
			*st = TDX_SYS_BUSY;
			break;
		}
		sim_pool_commit(SIM_POOL_SCRATCH_OFF, len);
		job->tbs_len = len;
		break;
	case 2:		/* the signature, a bit of its nonce at a time */
		if (!job->sign) {
			*st = verify_inputs();
			if (*st)
				break;
			job->sign = sim_p384_sign_start(&pool_keys()->key[CERT_QUOTE],
							job->hash);
			if (!job->sign) {
				*st = TDX_SYS_BUSY;
				break;
			}
			return false;
		}
		ret = sim_p384_sign_step(job->sign, job->sig);
		if (ret < 0) {
			*st = TDX_SYS_BUSY;
			break;
		}
		if (!ret)
			return false;
		sim_p384_sign_free(job->sign);
		job->sign = NULL;
		break;
	case 3:		/* the document, into scratch */
		*st = verify_inputs();
		if (*st)
			break;
		doc_params(&p, certs, lens);
		len = tdx_quote_doc_build(&p, job->sig, scratch, cap);
		if (len < 0 || len > sim.max_quote) {
			*st = TDX_SYS_BUSY;
			break;
		}
		job->quote_len = len;
		sim_pool_commit(SIM_POOL_SCRATCH_OFF, len);
		if (len > job->in.r11) {
			args->rcx = len;
			*st = TDX_QUOTE_BUFFER_TOO_SMALL;
		}
		break;
	default:	/* copy one page out */
		n = min_t(size_t, PAGE_SIZE, job->quote_len - job->pos);
		*st = sim_pool_verify(SIM_POOL_SCRATCH_OFF + job->pos, n);
		if (*st)
			break;
		dst = kmap_local_page(pfn_to_page(PHYS_PFN(job->out_pa[job->pos / PAGE_SIZE])));
		memcpy(dst, scratch + job->pos, n);
		kunmap_local(dst);
		job->pos += n;
		if (job->pos == job->quote_len) {
			args->rcx = job->quote_len;
			return true;
		}
		break;
	}
	if (*st)
		return true;
	job->step++;
	return false;
}

u64 sim_quote_get(struct tdx_ext_args *args)
{
	struct sim_job *job = &sim.job;
	u64 start = ktime_get_ns(), st;

	if (!sim.quote_ready)
		return TDX_SYS_STATE_INCORRECT;
	if (job->active) {
		if (memcmp(&job->in, args, sizeof(*args)))
			return TDX_OPERAND_BUSY;
		if (sim.stall_quote_get)
			return TDX_INTERRUPTED_RESUMABLE;
	} else {
		sim_job_reset();
		job->active = true;
		job->in = *args;
	}
	/* stall_quote_get: a new call takes one step, then stays pending. */
	while (!quote_step(args, &st)) {
		if (sim.stall_quote_get || sim_out_of_time(start))
			return TDX_INTERRUPTED_RESUMABLE;
	}
	sim_job_reset();
	return st;
}
