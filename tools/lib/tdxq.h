/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libtdxquote: the parser, verifier and device access behind tdx-quote,
 * tdx-qgsd and the tests.  Built as a static archive (tools/build/
 * libtdxquote.a); links with -lcbor -lcrypto.
 *
 * Verification rules: docs/verifier.md (normative; keep in step with it).
 * Not thread-safe objects, but no global state: different threads may use
 * different objects.
 */
#ifndef TDXQ_H
#define TDXQ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Outcomes; also tdx-quote's exit status (docs/verifier.md). */
enum tdxq_status {
	TDXQ_OK = 0,
	TDXQ_USAGE = 1,		/* arguments, I/O, out of memory */
	TDXQ_MALFORMED = 2,
	TDXQ_UNTRUSTED = 3,
	TDXQ_SIGNATURE = 4,
	TDXQ_POLICY = 5,
};

#define TDXQ_MAX_QUOTE_SIZE	(16u << 20)
#define TDXQ_MAX_DEPTH		16
#define TDXQ_MAX_ITEMS		65536	/* CBOR heads per item checked */
#define TDXQ_MAX_CERTS		8
#define TDXQ_SIG_SIZE		96
#define TDXQ_REPORT_DATA_SIZE	64
#define TDXQ_TDREPORT_SIZE	1024

/* Why something failed: one line, no trailing newline. */
struct tdxq_err {
	char msg[256];
	int step;			/* tdxq_verify(): the failing step of
					 * docs/verifier.md (0: none) */
};

const char *tdxq_status_name(enum tdxq_status s);	/* "ok", "malformed"... */

/* ---- quote document --------------------------------------------------- */

enum tdxq_vtype { TDXQ_V_DIGEST, TDXQ_V_BYTES, TDXQ_V_UINTS };

struct tdxq_value {
	int64_t key;			/* e.g. -83 */
	enum tdxq_vtype type;
	int64_t alg;			/* digest: its alg, or -1 for a bare bstr */
	uint8_t *data;			/* DIGEST/BYTES: the bytes */
	size_t len;
	uint64_t *uints;		/* UINTS */
	size_t n_uints;
};

struct tdxq_evidence {			/* one concise evidence ("0" or "1") */
	struct tdxq_value *v;		/* known keys only, in document order */
	size_t n;
};

enum tdxq_submod_id {
	TDXQ_SM_PLATFORM = 1,
	TDXQ_SM_TD = 4,
	TDXQ_SM_SERVICE_TD = 7,
	TDXQ_SM_SEAM = 8,
};

struct tdxq_submod {
	int id;				/* enum tdxq_submod_id */
	struct tdxq_evidence origin;	/* "0" */
	struct tdxq_evidence current;	/* "1", if has_current */
	int has_current;		/* required for the platform only */
};

/* Which evidence a claim is read from (docs/verifier.md step 24). */
enum tdxq_which {
	TDXQ_LATEST,			/* "1" if the submodule has it, else "0" */
	TDXQ_ORIGIN,			/* "0" */
	TDXQ_CURRENT,			/* "1"; none without it */
};

struct tdxq_cert {
	uint8_t *der;
	size_t len;
};

struct tdxq_quote {
	/* envelope (tdxq_parse) */
	int chain_label;		/* 32 x5bag or 33 x5chain */
	struct tdxq_cert certs[TDXQ_MAX_CERTS];
	size_t n_certs;
	uint8_t *protected_hdr;		/* bstr contents as received */
	size_t protected_len;
	uint8_t *payload;
	size_t payload_len;
	uint8_t sig[TDXQ_SIG_SIZE];
	uint8_t *kid;			/* NULL if absent; unsigned */
	size_t kid_len;
	char *content_type;		/* NULL if absent; unsigned; a uint is
					 * shown as its decimal text */
	size_t content_type_len;	/* it may hold NULs */
	/* claims (tdxq_parse_claims) */
	int have_claims;
	char *iss, *sub;		/* NULL if absent; the payload's own
					 * bytes (NULs, invalid UTF-8 kept)
					 * and a NUL after them */
	size_t iss_len, sub_len;
	uint8_t *profile;		/* eat_profile, NULL if absent */
	size_t profile_len;
	uint8_t report_data[TDXQ_REPORT_DATA_SIZE];
	struct tdxq_submod submods[4];	/* the known ones present, in
					 * document order */
	size_t n_submods;
	int have_report_data;		/* report_data filled (also when
					 * tdxq_parse_claims failed later:
					 * what did parse stays in q) */
};

/*
 * Steps 1-7 of docs/verifier.md.  On TDXQ_OK *out is a new quote (claims
 * not yet parsed); otherwise *out is NULL and e says why.
 */
enum tdxq_status tdxq_parse(const uint8_t *buf, size_t len,
			    struct tdxq_quote **out, struct tdxq_err *e);
/* Steps 20-23: fills the claims of q.  TDXQ_OK or TDXQ_MALFORMED. */
enum tdxq_status tdxq_parse_claims(struct tdxq_quote *q, struct tdxq_err *e);
void tdxq_quote_free(struct tdxq_quote *q);

/*
 * Step 2 alone: is buf one well-formed CBOR item by the rules of
 * docs/verifier.md (definite lengths, counts that fit, depth <= 16)?
 * TDXQ_OK or TDXQ_MALFORMED.  Decodes nothing; safe on any input.
 */
enum tdxq_status tdxq_cbor_check(const uint8_t *buf, size_t len,
				 struct tdxq_err *e);

/* The value with key in submodule id's evidence (step 24). */
const struct tdxq_value *tdxq_claim(const struct tdxq_quote *q, int id,
				    int64_t key, enum tdxq_which which);
const char *tdxq_submod_name(int id);	/* "td", "seam", "platform"... */
/* "mrtd", "rtmr0"...; the platform's -125 is "tee_tcb_svn" (in "0"; its
 * "1" is tee_tcb_svn2). */
const char *tdxq_value_name(int id, int64_t key);

/* ---- trust anchors ----------------------------------------------------- */

struct tdxq_trust;
struct tdxq_trust *tdxq_trust_new(void);
void tdxq_trust_free(struct tdxq_trust *t);
/* A PEM file (one or more certificates) or one DER certificate. */
enum tdxq_status tdxq_trust_add_file(struct tdxq_trust *t, const char *path,
				     struct tdxq_err *e);
/* Every *.pem in dir; a missing directory adds nothing (not an error). */
enum tdxq_status tdxq_trust_add_dir(struct tdxq_trust *t, const char *dir,
				    struct tdxq_err *e);
size_t tdxq_trust_count(const struct tdxq_trust *t);
#define TDXQ_ROOTS_DIR		"/etc/tdx-ext/roots"
#define TDXQ_ROOTS_ENV		"TDX_QUOTE_ROOTS"

/* ---- policy (docs/verifier.md steps 25-30) ------------------------------ */

struct tdxq_policy;
struct tdxq_policy *tdxq_policy_new(void);
void tdxq_policy_free(struct tdxq_policy *p);
/*
 * One "name = value" of docs/verifier.md "Writing policy": a value of a set
 * is added to the set; a single-valued name given twice, an unknown name
 * or a bad value is TDXQ_USAGE.  E.g. ("mrtd", HEX), ("mrtd@origin", HEX),
 * ("eat_profile", "tdx-ext-simulator"), ("allow_debug", "yes").
 */
enum tdxq_status tdxq_policy_set(struct tdxq_policy *p, const char *name,
				 const char *value, struct tdxq_err *e);
/* "name = value" lines, '#' comments, blank lines; errors name the line. */
enum tdxq_status tdxq_policy_load(struct tdxq_policy *p, const char *path,
				  struct tdxq_err *e);
#define TDXQ_PROFILE_INTEL	"2.16.840.1.113741.1.13.1"
#define TDXQ_PROFILE_SIM	"2.25.187683495578185925455535580376002142914"
/* Dotted text of OID content octets (b, n) into out: 0 or -1. */
int tdxq_oid_text(const uint8_t *b, size_t n, char *out, size_t cap);

/* ---- TCG DICE extensions (docs/verifier.md step 17) ---------------------- */

#define TDXQ_TCB_MAX_ENTRIES	16	/* MultiTcbInfo, and fwids */
#define TDXQ_TCB_STR_MAX	255

struct tdxq_fwid {
	uint8_t alg[32];		/* hashAlg: OID content octets */
	size_t alg_len;
	uint8_t digest[64];
	size_t len;
};

struct tdxq_tcb_info {			/* one DiceTcbInfo */
	size_t cert;			/* index in tdxq_result.path */
	int multi;			/* an element of a MultiTcbInfo */
	int critical;			/* its extension was critical */
	/* absent strings are "", absent integers -1 */
	char vendor[TDXQ_TCB_STR_MAX + 1];
	char model[TDXQ_TCB_STR_MAX + 1];
	char version[TDXQ_TCB_STR_MAX + 1];
	int64_t svn, layer, index;
	struct tdxq_fwid fwid[TDXQ_TCB_MAX_ENTRIES];
	size_t n_fwids;
	int64_t flags, flags_mask;	/* bit n of the BIT STRING is 1 << n;
					 * -1: absent */
	size_t vendor_info_len, type_len; /* SIZE_MAX: absent */
};

/* ---- the whole verification ------------------------------------------- */

struct tdxq_chain_info {		/* one certificate of the path */
	char subject[256];		/* one-line RFC 2253 text */
	char issuer[256];
	time_t not_before, not_after;
	int is_ca;
	uint8_t sha256[32];		/* of the DER */
	int is_root;			/* the pinned root ending the path */
	char eku[192];			/* key purposes, comma-separated;
					 * "" without extendedKeyUsage */
	uint8_t ueid[64];		/* tcg-dice-Ueid */
	size_t ueid_len;		/* 0: none */
};

struct tdxq_result {
	struct tdxq_quote *quote;	/* set once parsed; freed by
					 * tdxq_result_free */
	struct tdxq_chain_info path[TDXQ_MAX_CERTS + 1]; /* leaf first */
	size_t path_len;		/* set once the chain verified */
	struct tdxq_tcb_info *tcb;	/* TCB info of the path, root
					 * included, in path order */
	size_t n_tcb;
	int signature_ok, chain_ok, claims_ok, policy_ok;
	char mismatch[64];		/* policy: the rule that failed */
	char rule[64];			/* any failure: "step N" or the
					 * policy rule ("mrtd", "tcb"...) */
};
void tdxq_result_free(struct tdxq_result *r);

/*
 * For showing an unverified certificate (DER, strict): ci, its TCB info
 * (*tcb malloc'd, *n_tcb entries; free() it) and key purposes.  0; 1 if a
 * TCG DICE extension is malformed (the entries before it are kept); -1 if
 * it is not a DER X.509 certificate.
 */
int tdxq_cert_dice(const uint8_t *der, size_t len,
		   struct tdxq_chain_info *ci, struct tdxq_tcb_info **tcb,
		   size_t *n_tcb);
/*
 * One TCG DICE extension value (step 17) by itself: kind 1 DiceTcbInfo,
 * 2 Ueid (into ci->ueid), 3 MultiTcbInfo.  0 or -1 (malformed, or no
 * memory); *tcb (free() it) holds the entries parsed.
 */
int tdxq_dice_ext(int kind, const uint8_t *v, size_t n,
		  struct tdxq_tcb_info **tcb, size_t *n_tcb,
		  struct tdxq_chain_info *ci);

/*
 * Every step of docs/verifier.md, in its order.  t must hold at least one
 * root (else TDXQ_USAGE).  policy may be NULL.  now: verification time,
 * (time_t)-1 for the current time.  res may be NULL; if not, it is zeroed
 * first and filled as far as verification went.
 */
enum tdxq_status tdxq_verify(const uint8_t *buf, size_t len,
			     const struct tdxq_trust *t,
			     const struct tdxq_policy *policy, time_t now,
			     struct tdxq_result *res, struct tdxq_err *e);

/*
 * Verifying many quotes: a cache of certificate chains that passed steps
 * 8-19, keyed by the SHA-256 of the certificates as received (label,
 * then each certificate's length and DER).  A quote whose chain is in it
 * is verified with one P-384 check (its COSE signature) instead of one
 * per certificate; its result is the one tdxq_verify() gives, always.
 * Only chains that passed are kept, each with the pinned roots it was
 * verified against (other roots, or roots added since, empty the cache)
 * and the window in which every certificate of its path is valid (a
 * verification time outside it verifies in full).  16 chains, the least
 * recently used replaced.  One cache per thread; t must not be freed
 * while a cache verified against it is used with it.
 */
struct tdxq_cache;
struct tdxq_cache_stats {
	unsigned long hits, misses, entries_added;
};
struct tdxq_cache *tdxq_cache_new(void);
void tdxq_cache_free(struct tdxq_cache *c);
void tdxq_cache_get_stats(const struct tdxq_cache *c,
			  struct tdxq_cache_stats *st);
/* tdxq_verify() with a cache (NULL: none). */
enum tdxq_status tdxq_verify_cached(const uint8_t *buf, size_t len,
				    const struct tdxq_trust *t,
				    const struct tdxq_policy *policy,
				    time_t now, struct tdxq_cache *cache,
				    struct tdxq_result *res,
				    struct tdxq_err *e);

/* ---- small helpers ------------------------------------------------------ */

/* One-line RFC 2253 text of an OpenSSL X509_NAME (truncated to cap). */
struct X509_name_st;
void tdxq_name_text(const struct X509_name_st *n, char *out, size_t cap);

/* Reads a whole file (max bytes; "-" is stdin).  0 or -errno. */
int tdxq_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);
/*
 * Length (1..4) of the strict UTF-8 sequence (no overlong forms,
 * surrogates, or code points above 0x10ffff) at p, n bytes available;
 * 0 when there is none.
 */
size_t tdxq_utf8_seq(const uint8_t *p, size_t n);
/* The first line of a small text file (sysfs), without its newline, into
 * buf (len bytes, NUL-terminated): 0 or -errno. */
int tdxq_read_line(const char *path, char *buf, size_t len);
/* Lower-case hex of len bytes into out (2 * len + 1 bytes). */
void tdxq_hex(const uint8_t *b, size_t len, char *out);
/* Parses even-length hex; returns the byte count or -1. */
long tdxq_unhex(const char *hex, uint8_t *out, size_t cap);

/* ---- /dev/tdx_quote ------------------------------------------------------ */

#define TDXQ_DEV_PATH		"/dev/tdx_quote"
#define TDXQ_SYSFS_DIR		"/sys/class/misc/tdx_quote"

struct tdx_quote_info;		/* <linux/tdx_quote.h> */

/* open(path or TDXQ_DEV_PATH, O_RDWR | O_CLOEXEC): fd or -errno. */
int tdxq_dev_open(const char *path);
/* TDX_QUOTE_GET_INFO: 0 or -errno. */
int tdxq_dev_info(int fd, struct tdx_quote_info *info);
/*
 * TDX_QUOTE_GET_QUOTE for in (in_len bytes, e.g. a TDREPORT) of TD td
 * (0: from the report).  The buffer is sized from GET_INFO's
 * max_quote_size and grown once if the driver answers -ENOSPC with a larger
 * length.  0 with *quote (malloc'd) and *len, or -errno; *tdx_status (may
 * be NULL) gets the TDX module's raw status either way.
 */
int tdxq_dev_get_quote(int fd, const uint8_t *in, size_t in_len, uint64_t td,
		       uint8_t **quote, size_t *len, uint64_t *tdx_status);
/* Reads sysfs attribute TDXQ_SYSFS_DIR/name into buf: 0 or -errno. */
int tdxq_sysfs_read(const char *name, char *buf, size_t len);

#endif /* TDXQ_H */
