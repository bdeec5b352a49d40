// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for src/common/tdx_quote_doc.c.
 *
 * A quote is built from a synthetic TDREPORT and two OpenSSL-made P-384
 * certificates (root, leaf), signed with the leaf key through the two-phase
 * API, then handed to an independent checker, check_quote_doc.py (cbor2 and
 * cryptography under Debian's /usr/bin/python3), which decodes it, checks
 * deterministic encoding, verifies the ES384 signature and compares every
 * measurement with the TDREPORT's bytes.
 */
#include <errno.h>
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "unit.h"
#include "tdx_quote_doc.h"

#define PYTHON "/usr/bin/python3"
#define CHECKER "check_quote_doc.py"
#define ISS "tdx-ext unit test issuer"
#define SUB "tdx-ext unit test TD"

/* 2.16.840.1.113741.1.13.2 as OID content octets (placeholder profile) */
static const u8 profile_oid[] = {
	0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x02,
};

struct fixture {
	u8 tdreport[TDX_REPORT_SIZE];
	EVP_PKEY *root_key, *leaf_key;
	u8 *root_der, *leaf_der;
	size_t root_len, leaf_len;
	u8 kid[32];
	const u8 *certs[2];
	size_t cert_lens[2];
	struct tdx_quote_doc_params p;
};

/* Every byte differs from its neighbours and from bytes 48/64/256 away. */
static void fill_tdreport(u8 *r)
{
	unsigned int i;

	for (i = 0; i < TDX_REPORT_SIZE; i++)
		r[i] = (u8)(i * 131 + (i >> 8) * 17 + 5);
	r[TDX_REPORT_TYPE_OFF] = TDX_REPORT_TYPE_TDX;
}

static EVP_PKEY *gen_p384(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
}

/* A DER certificate for key, named cn, signed by signer (issuer_cn). */
static int make_cert(EVP_PKEY *key, const char *cn, EVP_PKEY *signer,
		     const char *issuer_cn, long serial, u8 **der, size_t *len)
{
	X509 *x = X509_new();
	X509_NAME *subj = X509_NAME_new(), *iss = X509_NAME_new();
	int ok = 0, n;

	*der = NULL;
	if (!x || !subj || !iss)
		goto out;
	if (!X509_set_version(x, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), serial) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 3600) ||
	    !X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(iss, "CN", MBSTRING_ASC,
					(const unsigned char *)issuer_cn,
					-1, -1, 0) ||
	    !X509_set_subject_name(x, subj) || !X509_set_issuer_name(x, iss) ||
	    !X509_set_pubkey(x, key) || !X509_sign(x, signer, EVP_sha384()))
		goto out;
	n = i2d_X509(x, der);
	if (n <= 0)
		goto out;
	*len = (size_t)n;
	ok = 1;
out:
	X509_NAME_free(subj);
	X509_NAME_free(iss);
	X509_free(x);
	return ok;
}

static int fixture_init(struct fixture *f)
{
	unsigned char *spki = NULL;
	unsigned int kid_len = 0;
	int n;

	memset(f, 0, sizeof(*f));
	fill_tdreport(f->tdreport);
	f->root_key = gen_p384();
	f->leaf_key = gen_p384();
	if (!f->root_key || !f->leaf_key)
		return 0;
	if (!make_cert(f->root_key, "tdx-ext test root", f->root_key,
		       "tdx-ext test root", 1, &f->root_der, &f->root_len) ||
	    !make_cert(f->leaf_key, "tdx-ext test leaf", f->root_key,
		       "tdx-ext test root", 2, &f->leaf_der, &f->leaf_len))
		return 0;
	/* kid: SHA-256 of the leaf's SubjectPublicKeyInfo */
	n = i2d_PUBKEY(f->leaf_key, &spki);
	if (n <= 0 || !EVP_Digest(spki, (size_t)n, f->kid, &kid_len,
				  EVP_sha256(), NULL) || kid_len != 32) {
		OPENSSL_free(spki);
		return 0;
	}
	OPENSSL_free(spki);

	f->certs[0] = f->leaf_der;
	f->cert_lens[0] = f->leaf_len;
	f->certs[1] = f->root_der;
	f->cert_lens[1] = f->root_len;
	f->p.tdreport = f->tdreport;
	f->p.kid = f->kid;
	f->p.kid_len = sizeof(f->kid);
	f->p.content_type = NULL;
	f->p.iss = ISS;
	f->p.sub = SUB;
	f->p.profile = profile_oid;
	f->p.profile_len = sizeof(profile_oid);
	f->p.certs = f->certs;
	f->p.cert_lens = f->cert_lens;
	f->p.n_certs = 2;
	return 1;
}

static void fixture_fini(struct fixture *f)
{
	EVP_PKEY_free(f->root_key);
	EVP_PKEY_free(f->leaf_key);
	OPENSSL_free(f->root_der);
	OPENSSL_free(f->leaf_der);
}

/* ES384 over msg, as COSE wants it: r || s, 48 bytes each. */
static int sign_es384(EVP_PKEY *key, const u8 *msg, size_t len, u8 *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char der[160];
	const unsigned char *pp = der;
	size_t der_len = sizeof(der);
	const BIGNUM *r, *s;
	ECDSA_SIG *es = NULL;
	int ok = 0;

	if (!ctx ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, key) != 1 ||
	    EVP_DigestSign(ctx, der, &der_len, msg, len) != 1)
		goto out;
	es = d2i_ECDSA_SIG(NULL, &pp, (long)der_len);
	if (!es)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	ok = BN_bn2binpad(r, sig, 48) == 48 && BN_bn2binpad(s, sig + 48, 48) == 48;
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* tbs -> sign -> build; *doc and *tbs are malloc()ed. */
static int make_quote(struct fixture *f, u8 **doc, int *doc_len, u8 **tbs,
		      int *tbs_len, u8 *sig)
{
	int n;

	*doc = NULL;
	*tbs = NULL;
	n = tdx_quote_doc_tbs(&f->p, NULL, 0);
	CHECK(n > 0);
	if (n <= 0)
		return 0;
	*tbs = malloc((size_t)n);
	if (!*tbs)
		return 0;
	*tbs_len = tdx_quote_doc_tbs(&f->p, *tbs, (size_t)n);
	CHECK_EQ(*tbs_len, n);
	if (*tbs_len != n || !sign_es384(f->leaf_key, *tbs, (size_t)n, sig))
		return 0;

	n = tdx_quote_doc_build(&f->p, sig, NULL, 0);
	CHECK(n > 0);
	if (n <= 0)
		return 0;
	*doc = malloc((size_t)n);
	if (!*doc)
		return 0;
	*doc_len = tdx_quote_doc_build(&f->p, sig, *doc, (size_t)n);
	CHECK_EQ(*doc_len, n);
	return *doc_len == n;
}

/* --- files and the checker ------------------------------------------- */

struct tmp {
	char dir[64];
	char path[8][128];
	unsigned int n;
};

static const char *tmp_path(struct tmp *t, const char *name)
{
	char tmp[sizeof(t->path[0])];
	char *p = t->path[t->n++];

	snprintf(tmp, sizeof(tmp), "%s/%s", t->dir, name);
	memcpy(p, tmp, sizeof(tmp));
	return p;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");
	int ok;

	if (!fp)
		return 0;
	ok = fwrite(buf, 1, len, fp) == len;
	return fclose(fp) == 0 && ok;
}

static void tmp_cleanup(struct tmp *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		unlink(t->path[i]);
	if (rmdir(t->dir) != 0)
		UNIT_FAIL("rmdir %s: %s", t->dir, strerror(errno));
}

/* The checker's path: next to this source, in the cwd, or next to OUT. */
static const char *checker_path(void)
{
	static char path[PATH_MAX];
	const char *file = __FILE__;
	const char *slash = strrchr(file, '/');
	char exe[PATH_MAX];
	ssize_t n;

	if (slash) {
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - file),
			 file, CHECKER);
		if (access(path, R_OK) == 0)
			return path;
	}
	if (access(CHECKER, R_OK) == 0)
		return CHECKER;
	/* the default OUT is $(TOP)/.build/unit */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			snprintf(path, sizeof(path),
				 "%.*s/../../tests/unit/%s",
				 (int)(slash - exe), exe, CHECKER);
			if (access(path, R_OK) == 0)
				return path;
		}
	}
	return NULL;
}

static void hex(char *out, const u8 *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = 0;
}

/*
 * Run the checker on the given files; returns its exit status (-1 if it
 * did not exit normally).  Its output goes to a log, shown on surprise.
 */
static int run_checker(struct fixture *f, const char *quote, const char *pem,
		       const char *rep, const char *tbs, const char *leaf,
		       const char *root, const char *log, int want)
{
	const char *checker = checker_path();
	char kid[2 * 32 + 1], prof[2 * sizeof(profile_oid) + 1];
	char cmd[16384], line[512];
	int st, rc, n;
	FILE *fp;

	if (!checker) {
		UNIT_FAIL("%s not found", CHECKER);
		return -1;
	}
	hex(kid, f->kid, sizeof(f->kid));
	hex(prof, profile_oid, sizeof(profile_oid));
	n = snprintf(cmd, sizeof(cmd),
		     "'%s' '%s' '%s' '%s' '%s' --tbs '%s' --iss '%s' "
		     "--sub '%s' --kid %s --profile %s --content-type '%s' "
		     "--cert '%s'%s%s%s >'%s' 2>&1",
		     PYTHON, checker, quote, pem, rep, tbs, ISS, SUB, kid,
		     prof, f->p.content_type ? f->p.content_type :
		     TDX_QUOTE_DOC_CONTENT_TYPE, leaf,
		     root ? " --cert '" : "", root ? root : "",
		     root ? "'" : "", log);
	if (n >= (int)sizeof(cmd)) {
		UNIT_FAIL("checker command too long");
		return -1;
	}
	st = system(cmd);
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (rc != want) {
		UNIT_FAIL("checker exited %d, want %d (log: see below)", rc,
			  want);
		fp = fopen(log, "r");
		while (fp && fgets(line, sizeof(line), fp))
			fprintf(stderr, "  checker: %s", line);
		if (fp)
			fclose(fp);
	}
	return rc;
}

/* Build, sign, write, check; then the negative checks on the same files. */
static void quote_roundtrip(unsigned int n_certs, const char *content_type)
{
	struct fixture f;
	struct tmp t = { .n = 0 };
	const char *quote, *pem, *rep, *tbsf, *leaf, *root, *log, *rep2;
	u8 sig[TDX_QUOTE_DOC_SIG_SIZE], *doc = NULL, *tbs = NULL;
	u8 bad_rep[TDX_REPORT_SIZE];
	int doc_len = 0, tbs_len = 0, ok;
	FILE *fp;

	if (!fixture_init(&f)) {
		UNIT_FAIL("OpenSSL fixture setup failed");
		fixture_fini(&f);
		return;
	}
	f.p.n_certs = n_certs;
	f.p.content_type = content_type;
	ok = make_quote(&f, &doc, &doc_len, &tbs, &tbs_len, sig);
	CHECK(ok);
	if (!ok)
		goto out;

	CHECK(doc[0] == 0xd8 && doc[1] == 0x3d && doc[2] == 0xd2 &&
	      doc[3] == 0x84);

	snprintf(t.dir, sizeof(t.dir), "/tmp/tdx-quote-doc-XXXXXX");
	if (!mkdtemp(t.dir)) {
		UNIT_FAIL("mkdtemp: %s", strerror(errno));
		goto out;
	}
	quote = tmp_path(&t, "quote.cbor");
	pem = tmp_path(&t, "leaf-pub.pem");
	rep = tmp_path(&t, "tdreport.bin");
	tbsf = tmp_path(&t, "tbs.cbor");
	leaf = tmp_path(&t, "leaf.der");
	root = tmp_path(&t, "root.der");
	log = tmp_path(&t, "checker.log");
	rep2 = tmp_path(&t, "tdreport-bad.bin");

	CHECK(write_file(quote, doc, (size_t)doc_len));
	CHECK(write_file(rep, f.tdreport, sizeof(f.tdreport)));
	CHECK(write_file(tbsf, tbs, (size_t)tbs_len));
	CHECK(write_file(leaf, f.leaf_der, f.leaf_len));
	CHECK(write_file(root, f.root_der, f.root_len));
	fp = fopen(pem, "w");
	CHECK(fp && PEM_write_PUBKEY(fp, f.leaf_key) == 1);
	if (fp)
		CHECK(fclose(fp) == 0);

	run_checker(&f, quote, pem, rep, tbsf, leaf, n_certs > 1 ? root : NULL,
		    log, 0);

	/* One flipped signature byte: the signature must not verify. */
	doc[doc_len - 17] ^= 0x01;
	CHECK(write_file(quote, doc, (size_t)doc_len));
	run_checker(&f, quote, pem, rep, tbsf, leaf, n_certs > 1 ? root : NULL,
		    log, 3);
	doc[doc_len - 17] ^= 0x01;

	/* A TDREPORT that differs in one RTMR3 byte: a measurement check. */
	memcpy(bad_rep, f.tdreport, sizeof(bad_rep));
	bad_rep[TDX_REPORT_RTMR_OFF(3) + 47] ^= 0x80;
	CHECK(write_file(quote, doc, (size_t)doc_len));
	CHECK(write_file(rep2, bad_rep, sizeof(bad_rep)));
	run_checker(&f, quote, pem, rep2, tbsf, leaf,
		    n_certs > 1 ? root : NULL, log, 1);

	/*
	 * The platform TCB: origin is TEE_TCB_SVN, current TEE_TCB_SVN2
	 * (they differ in the fixture), so one byte of either is noticed;
	 * CPUSVN is not in the quote, so a change there is not.
	 */
	CHECK(memcmp(f.tdreport + TDX_REPORT_TEE_TCB_SVN_OFF,
		     f.tdreport + TDX_REPORT_TEE_TCB_SVN2_OFF,
		     TDX_REPORT_TEE_TCB_SVN_SIZE) != 0);
	memcpy(bad_rep, f.tdreport, sizeof(bad_rep));
	bad_rep[TDX_REPORT_TEE_TCB_SVN_OFF + 15] ^= 0x01;
	CHECK(write_file(rep2, bad_rep, sizeof(bad_rep)));
	run_checker(&f, quote, pem, rep2, tbsf, leaf,
		    n_certs > 1 ? root : NULL, log, 1);
	memcpy(bad_rep, f.tdreport, sizeof(bad_rep));
	bad_rep[TDX_REPORT_TEE_TCB_SVN2_OFF] ^= 0x01;
	CHECK(write_file(rep2, bad_rep, sizeof(bad_rep)));
	run_checker(&f, quote, pem, rep2, tbsf, leaf,
		    n_certs > 1 ? root : NULL, log, 1);
	memcpy(bad_rep, f.tdreport, sizeof(bad_rep));
	bad_rep[TDX_REPORT_CPUSVN_OFF] ^= 0x01;
	CHECK(write_file(rep2, bad_rep, sizeof(bad_rep)));
	run_checker(&f, quote, pem, rep2, tbsf, leaf,
		    n_certs > 1 ? root : NULL, log, 0);

	tmp_cleanup(&t);
out:
	free(doc);
	free(tbs);
	fixture_fini(&f);
}

TEST(python_checker_two_certs)
{
	quote_roundtrip(2, NULL);
}

TEST(python_checker_one_cert_custom_content_type)
{
	quote_roundtrip(1, "application/eat+cwt; eat_profile=\"tag:x\"");
}

/* --- structure, sizing, errors (no Python) ---------------------------- */

static const u8 test_sig[TDX_QUOTE_DOC_SIG_SIZE] = { 0x11, [95] = 0x22 };

TEST(sizing_equals_real_pass)
{
	struct fixture f;
	static const char sig1[] = "\x84\x6aSignature1\x44\xa1\x01\x38\x22\x40";
	u8 *doc, *tbs;
	int n, m, i;

	if (!fixture_init(&f)) {
		UNIT_FAIL("OpenSSL fixture setup failed");
		fixture_fini(&f);
		return;
	}
	n = tdx_quote_doc_tbs(&f.p, NULL, 0);
	m = tdx_quote_doc_build(&f.p, test_sig, NULL, 0);
	CHECK(n > 0 && m > n);
	tbs = malloc((size_t)n);
	doc = malloc((size_t)m);
	CHECK(tbs && doc);
	if (tbs && doc) {
		CHECK_EQ(tdx_quote_doc_tbs(&f.p, tbs, (size_t)n), n);
		CHECK_EQ(tdx_quote_doc_build(&f.p, test_sig, doc, (size_t)m),
			 m);
		/* Sig_structure head, then the payload bstr ... */
		CHECK(memcmp(tbs, sig1, sizeof(sig1) - 1) == 0);
		/* ... which the document carries just before the signature */
		i = n - (int)(sizeof(sig1) - 1);
		CHECK(memcmp(doc + m - 2 - TDX_QUOTE_DOC_SIG_SIZE - i,
			     tbs + sizeof(sig1) - 1, (size_t)i) == 0);
		CHECK(doc[m - 2 - TDX_QUOTE_DOC_SIG_SIZE] == 0x58 &&
		      doc[m - 1 - TDX_QUOTE_DOC_SIG_SIZE] == 0x60);
		CHECK(memcmp(doc + m - TDX_QUOTE_DOC_SIG_SIZE, test_sig,
			     TDX_QUOTE_DOC_SIG_SIZE) == 0);
		/* tag 61, tag 18, 4-array, protected header */
		CHECK(memcmp(doc, "\xd8\x3d\xd2\x84\x44\xa1\x01\x38\x22", 9) ==
		      0);
		/* unprotected map: {3: "application/eat+cwt", 4: kid, ...} */
		CHECK(memcmp(doc + 9, "\xa3\x03\x73" "application/eat+cwt"
			     "\x04\x58\x20", 25) == 0);
		CHECK(memcmp(doc + 34, f.kid, 32) == 0);
		CHECK(doc[66] == 0x18 && doc[67] == 0x20 && doc[68] == 0x82);
	}
	free(tbs);
	free(doc);
	fixture_fini(&f);
}

/* The document's bytes depend on the TDREPORT only where they should. */
TEST(report_data_lands_verbatim)
{
	struct fixture f;
	u8 *doc;
	int m, i, hits = 0;

	if (!fixture_init(&f)) {
		UNIT_FAIL("OpenSSL fixture setup failed");
		fixture_fini(&f);
		return;
	}
	m = tdx_quote_doc_build(&f.p, test_sig, NULL, 0);
	doc = malloc((size_t)m);
	CHECK(doc);
	if (doc) {
		CHECK_EQ(tdx_quote_doc_build(&f.p, test_sig, doc, (size_t)m),
			 m);
		for (i = 0; i + 2 + 64 <= m; i++)
			if (doc[i] == 0x58 && doc[i + 1] == 0x40 &&
			    !memcmp(doc + i + 2,
				    f.tdreport + TDX_REPORT_REPORTDATA_OFF, 64))
				hits++;
		CHECK_EQ(hits, 1);
	}
	free(doc);
	fixture_fini(&f);
}

static void check_short_buffers(const struct tdx_quote_doc_params *p,
				int build)
{
	int need, ret;
	size_t cap, i;
	u8 *buf;

	need = build ? tdx_quote_doc_build(p, test_sig, NULL, 0) :
		       tdx_quote_doc_tbs(p, NULL, 0);
	CHECK(need > 0);
	if (need <= 0)
		return;
	buf = malloc((size_t)need + 64);
	CHECK(buf);
	if (!buf)
		return;
	/* every short capacity near the end, and a few small ones */
	for (cap = 0; cap < (size_t)need; cap++) {
		if (cap > 200 && cap < (size_t)need - 300)
			cap = (size_t)need - 300;
		memset(buf, 0xa5, (size_t)need + 64);
		ret = build ? tdx_quote_doc_build(p, test_sig, buf, cap) :
			      tdx_quote_doc_tbs(p, buf, cap);
		CHECK_EQ(ret, -TDX_ENOSPC);
		for (i = cap; i < (size_t)need + 64; i++)
			if (buf[i] != 0xa5) {
				UNIT_FAIL("cap %zu: byte %zu written", cap, i);
				break;
			}
	}
	memset(buf, 0xa5, (size_t)need + 64);
	ret = build ? tdx_quote_doc_build(p, test_sig, buf, (size_t)need + 64) :
		      tdx_quote_doc_tbs(p, buf, (size_t)need + 64);
	CHECK_EQ(ret, need);
	for (i = (size_t)need; i < (size_t)need + 64; i++)
		CHECK_EQ(buf[i], 0xa5);
	free(buf);
}

TEST(short_buffer_is_enospc)
{
	struct fixture f;

	if (!fixture_init(&f)) {
		UNIT_FAIL("OpenSSL fixture setup failed");
		fixture_fini(&f);
		return;
	}
	check_short_buffers(&f.p, 0);
	check_short_buffers(&f.p, 1);
	fixture_fini(&f);
}

/* A 70000-byte "certificate" needs a 4-byte bstr length head. */
TEST(large_certificate)
{
	struct fixture f;
	static u8 big[70000];
	const u8 *certs[1] = { big };
	size_t lens[1] = { sizeof(big) };
	int m, small;
	u8 *doc;

	if (!fixture_init(&f)) {
		UNIT_FAIL("OpenSSL fixture setup failed");
		fixture_fini(&f);
		return;
	}
	memset(big, 0x30, sizeof(big));
	f.p.n_certs = 1;
	f.p.certs = certs;
	f.p.cert_lens = lens;
	m = tdx_quote_doc_build(&f.p, test_sig, NULL, 0);
	doc = malloc((size_t)m);
	CHECK(doc);
	if (doc) {
		CHECK_EQ(tdx_quote_doc_build(&f.p, test_sig, doc, (size_t)m),
			 m);
		CHECK(!memcmp(doc + 66, "\x18\x20\x81\x5a\x00\x01\x11\x70", 8));
		CHECK(!memcmp(doc + 74, big, sizeof(big)));
	}
	lens[0] = 1;
	small = tdx_quote_doc_build(&f.p, test_sig, NULL, 0);
	CHECK_EQ(m - small, sizeof(big) - 1 + 4);
	free(doc);
	fixture_fini(&f);
}

TEST(bad_params_are_einval)
{
	struct fixture f;
	struct tdx_quote_doc_params p;
	const u8 *null_cert[2] = { NULL, NULL };
	size_t zero_len[2] = { 0, 0 };
	u8 buf[16];

	if (!fixture_init(&f)) {
		UNIT_FAIL("OpenSSL fixture setup failed");
		fixture_fini(&f);
		return;
	}
#define EXPECT_EINVAL(mutation)						\
	do {								\
		p = f.p;						\
		mutation;						\
		CHECK_EQ(tdx_quote_doc_tbs(&p, NULL, 0), -TDX_EINVAL);	\
		CHECK_EQ(tdx_quote_doc_build(&p, test_sig, NULL, 0),	\
			 -TDX_EINVAL);					\
		CHECK_EQ(tdx_quote_doc_build(&p, test_sig, buf,		\
					     sizeof(buf)), -TDX_EINVAL); \
	} while (0)

	EXPECT_EINVAL(p.tdreport = NULL);
	EXPECT_EINVAL(p.kid = NULL);
	EXPECT_EINVAL(p.kid_len = 0);
	EXPECT_EINVAL(p.iss = NULL);
	EXPECT_EINVAL(p.sub = NULL);
	EXPECT_EINVAL(p.profile = NULL);
	EXPECT_EINVAL(p.profile_len = 0);
	EXPECT_EINVAL(p.certs = NULL);
	EXPECT_EINVAL(p.cert_lens = NULL);
	EXPECT_EINVAL(p.n_certs = 0);
	EXPECT_EINVAL(p.certs = null_cert);
	EXPECT_EINVAL(p.cert_lens = zero_len);
	EXPECT_EINVAL(null_cert[0] = f.certs[0]; p.certs = null_cert);
#undef EXPECT_EINVAL

	CHECK_EQ(tdx_quote_doc_tbs(NULL, NULL, 0), -TDX_EINVAL);
	CHECK_EQ(tdx_quote_doc_build(NULL, test_sig, NULL, 0), -TDX_EINVAL);
	CHECK_EQ(tdx_quote_doc_build(&f.p, NULL, NULL, 0), -TDX_EINVAL);
	CHECK_EQ(tdx_quote_doc_tbs(&f.p, NULL, 100), -TDX_EINVAL);
	CHECK_EQ(tdx_quote_doc_build(&f.p, test_sig, NULL, 100), -TDX_EINVAL);
	/* content_type NULL is the default, not an error */
	f.p.content_type = NULL;
	CHECK(tdx_quote_doc_build(&f.p, test_sig, NULL, 0) > 0);
	fixture_fini(&f);
}

UNIT_MAIN("quote_doc")
