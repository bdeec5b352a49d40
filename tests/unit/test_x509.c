// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for src/common/tdx_x509.c: build a P-384 root CA,
 * intermediate CA and leaf, sign them with OpenSSL, and have OpenSSL (the
 * library and the openssl command) parse and verify them.  A second chain
 * carries the optional DICE extensions (extendedKeyUsage, tcg-dice-TcbInfo,
 * tcg-dice-Ueid): OpenSSL and python3-cryptography parse it, and the
 * extensions' bytes are checked against hand-encoded DER.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "unit.h"
#include "tdx_x509.h"

struct node {
	const char *cn;
	EVP_PKEY *key;
	uint8_t point[TDX_X509_P384_POINT_LEN];
	uint8_t kid[20];
	uint8_t tbs[1024];
	int tbs_len;
	uint8_t cert[1200];
	int cert_len;
	X509 *x509;
};

static const struct tdx_der_time t_2024 = { 2024, 1, 1, 0, 0, 0 };
static const struct tdx_der_time t_never = { 9999, 12, 31, 23, 59, 59 };

static int node_key(struct node *n)
{
	size_t len = 0;

	n->key = EVP_EC_gen("P-384");
	if (!n->key)
		return 0;
	if (!EVP_PKEY_get_octet_string_param(n->key,
					     OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
					     n->point, sizeof(n->point), &len))
		return 0;
	if (len != TDX_X509_P384_POINT_LEN || n->point[0] != 0x04)
		return 0;
	/* RFC 5280 4.2.1.2 method (1): SHA-1 of the public key bits. */
	return EVP_Digest(n->point, len, n->kid, NULL, EVP_sha1(), NULL);
}

/* ECDSA P-384 / SHA-384 over the TBS, as raw r || s. */
static int sign_raw(EVP_PKEY *key, const uint8_t *tbs, size_t tbs_len,
		    uint8_t sig[TDX_X509_P384_SIG_LEN])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t der[128];
	size_t der_len = sizeof(der);
	const unsigned char *p = der;
	ECDSA_SIG *es = NULL;
	const BIGNUM *r, *s;
	int ok = 0;

	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, key) != 1 ||
	    EVP_DigestSign(md, der, &der_len, tbs, tbs_len) != 1)
		goto out;
	es = d2i_ECDSA_SIG(NULL, &p, der_len);
	if (!es || p != der + der_len)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	ok = BN_bn2binpad(r, sig, 48) == 48 &&
	     BN_bn2binpad(s, sig + 48, 48) == 48;
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	return ok;
}

/* The optional extensions of a certificate; NULL members: none. */
struct exts {
	const struct tdx_x509_eku *eku;
	const struct tdx_x509_tcb_info *tcb_info;
	const struct tdx_x509_ueid *ueid;
};

/* Build, sign and parse n's certificate, issued by iss (n itself: root). */
static int issue_ext(struct node *n, struct node *iss, int ca, int path_len,
		     uint8_t serial_top, const struct exts *ext)
{
	struct tdx_x509_attr subj[] = {
		{ TDX_X509_ATTR_C, "US" },
		{ TDX_X509_ATTR_O, "tdx-ext test" },
		{ TDX_X509_ATTR_OU, "DICE" },
		{ TDX_X509_ATTR_CN, n->cn },
		{ TDX_X509_ATTR_SERIAL, "0123456789ABCDEF" },
	};
	struct tdx_x509_attr isub[] = {
		{ TDX_X509_ATTR_C, "US" },
		{ TDX_X509_ATTR_O, "tdx-ext test" },
		{ TDX_X509_ATTR_OU, "DICE" },
		{ TDX_X509_ATTR_CN, iss->cn },
		{ TDX_X509_ATTR_SERIAL, "0123456789ABCDEF" },
	};
	uint8_t serial[20], sig[TDX_X509_P384_SIG_LEN];
	struct tdx_x509_params p = {
		.serial = serial,
		.serial_len = sizeof(serial),
		.issuer = { isub, 5 },
		.subject = { subj, 5 },
		.not_before = t_2024,
		.not_after = t_never,
		.pubkey = n->point,
		.ski = n->kid,
		.ski_len = sizeof(n->kid),
		.aki = iss->kid,
		.aki_len = sizeof(iss->kid),
		.ca = ca,
		.path_len = path_len,
		.eku = ext ? ext->eku : NULL,
		.tcb_info = ext ? ext->tcb_info : NULL,
		.ueid = ext ? ext->ueid : NULL,
	};
	const unsigned char *q;
	int sz;

	memset(serial, 0x11, sizeof(serial));
	serial[0] = serial_top;
	sz = tdx_x509_tbs(NULL, 0, &p);
	n->tbs_len = tdx_x509_tbs(n->tbs, sizeof(n->tbs), &p);
	if (sz <= 0 || n->tbs_len != sz)
		return 0;
	if (!sign_raw(iss->key, n->tbs, n->tbs_len, sig))
		return 0;
	sz = tdx_x509_cert(NULL, 0, n->tbs, n->tbs_len, sig);
	n->cert_len = tdx_x509_cert(n->cert, sizeof(n->cert), n->tbs,
				    n->tbs_len, sig);
	if (sz <= 0 || n->cert_len != sz)
		return 0;
	q = n->cert;
	n->x509 = d2i_X509(NULL, &q, n->cert_len);
	return n->x509 && q == n->cert + n->cert_len;
}

static int issue(struct node *n, struct node *iss, int ca, int path_len,
		 uint8_t serial_top)
{
	return issue_ext(n, iss, ca, path_len, serial_top, NULL);
}

static struct node root = { .cn = "TDX DICE Root" };
static struct node inter = { .cn = "TDX DICE Intermediate" };
static struct node leaf = { .cn = "TDX DICE Leaf" };
static int chain_ok;

static void chain_build(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	chain_ok = node_key(&root) && node_key(&inter) && node_key(&leaf) &&
		   issue(&root, &root, 1, 1, 0x01) &&
		   issue(&inter, &root, 1, 0, 0x02) &&
		   issue(&leaf, &inter, 0, -1, 0x7f);
}

TEST(build_and_parse)
{
	chain_build();
	CHECK(chain_ok);
}

static int subject_cn_is(X509 *x, const char *cn)
{
	char buf[128];
	int n = X509_NAME_get_text_by_NID(X509_get_subject_name(x),
					  NID_commonName, buf, sizeof(buf));

	return n == (int)strlen(cn) && !strcmp(buf, cn);
}

TEST(fields)
{
	chain_build();
	if (!chain_ok) {
		CHECK(chain_ok);
		return;
	}
	CHECK(subject_cn_is(root.x509, root.cn));
	CHECK(subject_cn_is(inter.x509, inter.cn));
	CHECK(subject_cn_is(leaf.x509, leaf.cn));
	CHECK(!X509_NAME_cmp(X509_get_issuer_name(leaf.x509),
			     X509_get_subject_name(inter.x509)));
	CHECK(!X509_NAME_cmp(X509_get_issuer_name(inter.x509),
			     X509_get_subject_name(root.x509)));
	CHECK_EQ(X509_get_version(leaf.x509), X509_VERSION_3);

	CHECK(X509_get_extension_flags(root.x509) & EXFLAG_CA);
	CHECK(X509_get_extension_flags(root.x509) & EXFLAG_SS);
	CHECK(X509_get_extension_flags(inter.x509) & EXFLAG_CA);
	CHECK(!(X509_get_extension_flags(leaf.x509) & EXFLAG_CA));
	CHECK(!(X509_get_extension_flags(leaf.x509) & EXFLAG_INVALID));
	CHECK_EQ(X509_check_ca(root.x509), 1);
	CHECK_EQ(X509_check_ca(inter.x509), 1);
	CHECK_EQ(X509_check_ca(leaf.x509), 0);
	CHECK_EQ(X509_get_pathlen(root.x509), 1);
	CHECK_EQ(X509_get_pathlen(inter.x509), 0);
	CHECK_EQ(X509_get_pathlen(leaf.x509), -1);

	CHECK_EQ(X509_get_key_usage(root.x509), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	CHECK_EQ(X509_get_key_usage(inter.x509),
		 KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	CHECK_EQ(X509_get_key_usage(leaf.x509), KU_DIGITAL_SIGNATURE);

	CHECK_EQ(EVP_PKEY_eq(X509_get0_pubkey(root.x509), root.key), 1);
	CHECK_EQ(EVP_PKEY_eq(X509_get0_pubkey(inter.x509), inter.key), 1);
	CHECK_EQ(EVP_PKEY_eq(X509_get0_pubkey(leaf.x509), leaf.key), 1);

	CHECK_EQ(X509_get_signature_nid(leaf.x509), NID_ecdsa_with_SHA384);
	CHECK_EQ(ASN1_INTEGER_get(X509_get_serialNumber(leaf.x509)) != 0, 1);
	CHECK(!memcmp(ASN1_STRING_get0_data(X509_get0_subject_key_id(leaf.x509)),
		      leaf.kid, 20));
	CHECK(!memcmp(ASN1_STRING_get0_data(X509_get0_authority_key_id(leaf.x509)),
		      inter.kid, 20));
}

TEST(signatures)
{
	chain_build();
	if (!chain_ok) {
		CHECK(chain_ok);
		return;
	}
	CHECK_EQ(X509_verify(root.x509, root.key), 1);
	CHECK_EQ(X509_verify(inter.x509, root.key), 1);
	CHECK_EQ(X509_verify(leaf.x509, inter.key), 1);
	CHECK(X509_verify(leaf.x509, root.key) != 1);
}

/* Verify leaf against root with the intermediate untrusted, strictly. */
static int chain_verify(X509 *target, int *err)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	int ret = -1;

	if (store && ctx && untrusted && X509_STORE_add_cert(store, root.x509) &&
	    sk_X509_push(untrusted, inter.x509) &&
	    X509_STORE_CTX_init(ctx, store, target, untrusted)) {
		X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT);
		ret = X509_verify_cert(ctx);
		*err = X509_STORE_CTX_get_error(ctx);
	}
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ret;
}

TEST(chain_strict)
{
	int err = -1;

	chain_build();
	if (!chain_ok) {
		CHECK(chain_ok);
		return;
	}
	CHECK_EQ(chain_verify(leaf.x509, &err), 1);
	CHECK_EQ(err, X509_V_OK);
	CHECK_EQ(chain_verify(inter.x509, &err), 1);
	CHECK_EQ(err, X509_V_OK);
}

TEST(tampered_leaf_fails)
{
	uint8_t bad[sizeof(leaf.cert)];
	const unsigned char *q = bad;
	uint8_t *cn;
	X509 *x;
	int err = X509_V_OK;

	chain_build();
	if (!chain_ok) {
		CHECK(chain_ok);
		return;
	}
	/* Flip a byte of the subject CN inside the TBS: still parses. */
	memcpy(bad, leaf.cert, leaf.cert_len);
	cn = memmem(bad, leaf.cert_len, "Leaf", 4);
	CHECK(cn != NULL);
	if (!cn)
		return;
	*cn ^= 0x01;
	x = d2i_X509(NULL, &q, leaf.cert_len);
	CHECK(x != NULL);
	if (!x)
		return;
	CHECK(X509_verify(x, inter.key) != 1);
	CHECK(chain_verify(x, &err) != 1);
	CHECK_EQ(err, X509_V_ERR_CERT_SIGNATURE_FAILURE);
	X509_free(x);
}

static int write_pem(const char *path, X509 *x)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return 0;
	ok = PEM_write_X509(f, x);
	return fclose(f) == 0 && ok;
}

TEST(openssl_cli_verify)
{
	char dir[] = "/tmp/tdx_x509_XXXXXX";
	char root_pem[64], inter_pem[64], leaf_pem[64], cmd[512];
	int st;

	chain_build();
	if (!chain_ok) {
		CHECK(chain_ok);
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	snprintf(root_pem, sizeof(root_pem), "%s/root.pem", dir);
	snprintf(inter_pem, sizeof(inter_pem), "%s/inter.pem", dir);
	snprintf(leaf_pem, sizeof(leaf_pem), "%s/leaf.pem", dir);
	CHECK(write_pem(root_pem, root.x509));
	CHECK(write_pem(inter_pem, inter.x509));
	CHECK(write_pem(leaf_pem, leaf.x509));

	snprintf(cmd, sizeof(cmd),
		 "openssl verify -x509_strict -CAfile %s -untrusted %s %s >/dev/null",
		 root_pem, inter_pem, leaf_pem);
	st = system(cmd);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* Without the intermediate the leaf does not chain. */
	snprintf(cmd, sizeof(cmd),
		 "openssl verify -x509_strict -CAfile %s %s >/dev/null 2>&1",
		 root_pem, leaf_pem);
	st = system(cmd);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0);

	CHECK(!unlink(root_pem));
	CHECK(!unlink(inter_pem));
	CHECK(!unlink(leaf_pem));
	CHECK(!rmdir(dir));
}

/* A valid parameter set to break one field at a time. */
static const struct tdx_x509_attr good_name[] = {
	{ TDX_X509_ATTR_CN, "x" },
	{ TDX_X509_ATTR_O, "y" },
};
static const uint8_t good_serial[] = { 0x42 };
static uint8_t good_point[TDX_X509_P384_POINT_LEN] = { 0x04 };
static const uint8_t good_kid[20];

static struct tdx_x509_params good_params(void)
{
	struct tdx_x509_params p = {
		.serial = good_serial,
		.serial_len = sizeof(good_serial),
		.issuer = { good_name, 2 },
		.subject = { good_name, 2 },
		.not_before = t_2024,
		.not_after = t_never,
		.pubkey = good_point,
		.ski = good_kid,
		.ski_len = sizeof(good_kid),
		.ca = true,
		.path_len = -1,
	};

	return p;
}

TEST(sizing_and_overflow)
{
	struct tdx_x509_params p = good_params();
	uint8_t buf[600], sig[TDX_X509_P384_SIG_LEN];
	int n, m, cap;

	n = tdx_x509_tbs(NULL, 0, &p);
	CHECK(n > 0 && n < (int)sizeof(buf));
	for (cap = 0; cap <= n; cap++) {
		memset(buf, 0xa5, sizeof(buf));
		CHECK_EQ(tdx_x509_tbs(buf, cap, &p),
			 cap == n ? n : -TDX_ENOSPC);
		CHECK_EQ(buf[cap], 0xa5);
	}

	memset(sig, 0x80, sizeof(sig));
	m = tdx_x509_cert(NULL, 0, buf, n, sig);
	CHECK(m > n);
	{
		uint8_t cert[700];

		for (cap = m - 3; cap <= m; cap++) {
			memset(cert, 0xa5, sizeof(cert));
			CHECK_EQ(tdx_x509_cert(cert, cap, buf, n, sig),
				 cap == m ? m : -TDX_ENOSPC);
			CHECK_EQ(cert[cap], 0xa5);
		}
		CHECK(!memcmp(cert + 4, buf, n));
	}
}

TEST(invalid_params)
{
	static const struct tdx_x509_attr bad_c[] = {
		{ TDX_X509_ATTR_C, "USA" },
	};
	static const struct tdx_x509_attr bad_printable[] = {
		{ TDX_X509_ATTR_SERIAL, "a_b" },
	};
	static const struct tdx_x509_attr empty[] = {
		{ TDX_X509_ATTR_CN, "" },
	};
	static const uint8_t zero_serial[] = { 0, 0 };
	static const uint8_t big_serial[20] = { 0x80 };
	static const uint8_t ok_serial[21] = { 0, 0x7f };
	uint8_t bad_point[TDX_X509_P384_POINT_LEN] = { 0x02 };
	uint8_t sig[TDX_X509_P384_SIG_LEN] = { 0 };
	struct tdx_x509_params p;

	p = good_params();
	CHECK(tdx_x509_tbs(NULL, 0, &p) > 0);
	p.serial = ok_serial;
	p.serial_len = sizeof(ok_serial);
	CHECK(tdx_x509_tbs(NULL, 0, &p) > 0);

	CHECK_EQ(tdx_x509_tbs(NULL, 0, NULL), -TDX_EINVAL);
	p = good_params();
	p.serial = zero_serial;
	p.serial_len = sizeof(zero_serial);
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.serial = big_serial;
	p.serial_len = sizeof(big_serial);
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.subject = (struct tdx_x509_name){ bad_c, 1 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.subject = (struct tdx_x509_name){ bad_printable, 1 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.subject = (struct tdx_x509_name){ empty, 1 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.subject = (struct tdx_x509_name){ good_name, 0 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.pubkey = bad_point;
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.not_after = (struct tdx_der_time){ 2023, 12, 31, 0, 0, 0 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.not_before = (struct tdx_der_time){ 2023, 2, 30, 0, 0, 0 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.ski_len = 0;
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.ca = false;
	p.path_len = 0;
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.key_usage = TDX_X509_KU_DIGITAL_SIGNATURE;
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.key_usage = 0x200;
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);

	CHECK_EQ(tdx_x509_cert(NULL, 0, NULL, 10, sig), -TDX_EINVAL);
	CHECK_EQ(tdx_x509_cert(NULL, 0, (const uint8_t *)"\x04\x00", 2, sig),
		 -TDX_EINVAL);
	CHECK_EQ(tdx_x509_cert(NULL, 0, (const uint8_t *)"\x30\x00", 2, NULL),
		 -TDX_EINVAL);
}

/* --- the DICE extensions ---------------------------------------------- */

static const uint8_t oid_sha384[] = {		/* 2.16.840.1.101.3.4.2.2 */
	0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02
};
static const uint8_t oid_attest_init[] = {	/* 2.23.133.5.4.100.8 */
	0x67, 0x81, 0x05, 0x05, 0x04, 0x64, 0x08
};
static const struct tdx_x509_oid kp_attest_init[] = {
	{ oid_attest_init, sizeof(oid_attest_init) },
};
static const struct tdx_x509_eku leaf_eku = { kp_attest_init, 1, true };

/* The leaf's: a small known input, every DiceTcbInfo field but vendor's
 * long form.
 */
static const uint8_t small_digest[] = { 0xaa, 0xbb, 0xcc };
static const struct tdx_x509_fwid small_fwid[] = {
	{ { oid_sha384, sizeof(oid_sha384) }, small_digest,
	  sizeof(small_digest) },
};
static const struct tdx_x509_tcb_info leaf_tcb = {
	.vendor = "V", .model = "M", .version = "1.2",
	.has_svn = true, .svn = 3,
	.has_layer = true, .layer = 0,
	.has_index = true, .index = 2,
	.fwids = small_fwid, .n_fwids = 1,
	.has_flags = true, .flags = 1u << 3,	/* debug */
};
static const uint8_t ueid_bytes[] = { 0x01, 0x02 };
static const struct tdx_x509_ueid leaf_ueid = {
	ueid_bytes, sizeof(ueid_bytes), false
};

/* The same, hand-encoded: whole Extension elements, as in the TBS. */
static const uint8_t want_eku_ext[] = {
	0x30, 0x15, 0x06, 0x03, 0x55, 0x1d, 0x25,	/* extendedKeyUsage */
	0x01, 0x01, 0xff,				/* critical */
	0x04, 0x0b, 0x30, 0x09,
	0x06, 0x07, 0x67, 0x81, 0x05, 0x05, 0x04, 0x64, 0x08,
};
static const uint8_t want_tcb_ext[] = {
	0x30, 0x3b, 0x06, 0x06, 0x67, 0x81, 0x05, 0x05, 0x04, 0x01,
	0x01, 0x01, 0xff,
	0x04, 0x2e, 0x30, 0x2c,
	0x80, 0x01, 'V',				/* vendor */
	0x81, 0x01, 'M',				/* model */
	0x82, 0x03, '1', '.', '2',			/* version */
	0x83, 0x01, 0x03,				/* svn */
	0x84, 0x01, 0x00,				/* layer */
	0x85, 0x01, 0x02,				/* index */
	0xa6, 0x12, 0x30, 0x10,				/* fwids */
	0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02,
	0x04, 0x03, 0xaa, 0xbb, 0xcc,
	0x87, 0x02, 0x04, 0x10,				/* flags: debug */
};
static const uint8_t want_ueid_ext[] = {
	0x30, 0x10, 0x06, 0x06, 0x67, 0x81, 0x05, 0x05, 0x04, 0x04,
	0x04, 0x06, 0x30, 0x04, 0x04, 0x02, 0x01, 0x02,
};

/* The platform CA's, shaped like the simulator's (src/sim/sim_dice.c). */
static const uint8_t mrseam[48] = {
	0x5e, 0xa5, 0x5e, 0xa5, [47] = 0x01
};
static const struct tdx_x509_fwid plat_fwid[] = {
	{ { oid_sha384, sizeof(oid_sha384) }, mrseam, sizeof(mrseam) },
};
static const struct tdx_x509_tcb_info plat_tcb = {
	.vendor = "Intel Corporation",
	.model = "TDX module (tdx-ext simulator)",
	.version = "65535.65535.65535.65535",
	.has_svn = true, .svn = 255,
	.has_layer = true, .layer = 0,
	.fwids = plat_fwid, .n_fwids = 1,
};

static struct node d_root = { .cn = "TDX DICE Root" };
static struct node d_plat = { .cn = "TDX DICE platform (SEAM)" };
static struct node d_leaf = { .cn = "TDX DICE quote key" };
static int dice_ok;

static void dice_build(void)
{
	static const struct exts plat = { NULL, &plat_tcb, NULL };
	static const struct exts lf = { &leaf_eku, &leaf_tcb, &leaf_ueid };
	static int done;

	if (done)
		return;
	done = 1;
	dice_ok = node_key(&d_root) && node_key(&d_plat) && node_key(&d_leaf) &&
		  issue(&d_root, &d_root, 1, 1, 0x01) &&
		  issue_ext(&d_plat, &d_root, 1, 0, 0x02, &plat) &&
		  issue_ext(&d_leaf, &d_plat, 0, -1, 0x03, &lf);
}

static int ext_oid_is(X509 *x, int i, const char *oid, int crit)
{
	X509_EXTENSION *e = X509_get_ext(x, i);
	char buf[64];

	if (!e || OBJ_obj2txt(buf, sizeof(buf), X509_EXTENSION_get_object(e),
			      1) <= 0)
		return 0;
	return !strcmp(buf, oid) && X509_EXTENSION_get_critical(e) == crit;
}

/* OpenSSL parses the chain; the extensions in order, criticality. */
TEST(dice_chain_parses)
{
	EXTENDED_KEY_USAGE *eku;
	char buf[64];
	int crit = -1;

	dice_build();
	if (!dice_ok) {
		CHECK(dice_ok);
		return;
	}
	CHECK(!(X509_get_extension_flags(d_plat.x509) & EXFLAG_INVALID));
	CHECK(!(X509_get_extension_flags(d_leaf.x509) & EXFLAG_INVALID));
	/* OpenSSL does not know tcg-dice-TcbInfo, which is critical. */
	CHECK(X509_get_extension_flags(d_plat.x509) & EXFLAG_CRITICAL);
	CHECK(X509_get_extension_flags(d_leaf.x509) & EXFLAG_CRITICAL);
	CHECK(!(X509_get_extension_flags(d_root.x509) & EXFLAG_CRITICAL));
	CHECK_EQ(X509_check_ca(d_plat.x509), 1);
	CHECK_EQ(X509_get_pathlen(d_plat.x509), 0);
	CHECK_EQ(X509_get_key_usage(d_leaf.x509), KU_DIGITAL_SIGNATURE);

	CHECK_EQ(X509_get_ext_count(d_plat.x509), 5);
	CHECK(ext_oid_is(d_plat.x509, 0, "2.5.29.19", 1));
	CHECK(ext_oid_is(d_plat.x509, 1, "2.5.29.15", 1));
	CHECK(ext_oid_is(d_plat.x509, 2, "2.5.29.14", 0));
	CHECK(ext_oid_is(d_plat.x509, 3, "2.5.29.35", 0));
	CHECK(ext_oid_is(d_plat.x509, 4, "2.23.133.5.4.1", 1));
	CHECK_EQ(X509_get_ext_count(d_leaf.x509), 7);
	CHECK(ext_oid_is(d_leaf.x509, 0, "2.5.29.19", 1));
	CHECK(ext_oid_is(d_leaf.x509, 1, "2.5.29.15", 1));
	CHECK(ext_oid_is(d_leaf.x509, 2, "2.5.29.37", 1));
	CHECK(ext_oid_is(d_leaf.x509, 3, "2.5.29.14", 0));
	CHECK(ext_oid_is(d_leaf.x509, 4, "2.5.29.35", 0));
	CHECK(ext_oid_is(d_leaf.x509, 5, "2.23.133.5.4.1", 1));
	CHECK(ext_oid_is(d_leaf.x509, 6, "2.23.133.5.4.4", 0));

	/* OpenSSL decodes the extendedKeyUsage itself. */
	eku = X509_get_ext_d2i(d_leaf.x509, NID_ext_key_usage, &crit, NULL);
	CHECK(eku != NULL);
	CHECK_EQ(crit, 1);
	if (eku) {
		CHECK_EQ(sk_ASN1_OBJECT_num(eku), 1);
		CHECK(OBJ_obj2txt(buf, sizeof(buf), sk_ASN1_OBJECT_value(eku, 0),
				  1) > 0 && !strcmp(buf, "2.23.133.5.4.100.8"));
		EXTENDED_KEY_USAGE_free(eku);
	}
	CHECK_EQ(X509_verify(d_plat.x509, d_root.key), 1);
	CHECK_EQ(X509_verify(d_leaf.x509, d_plat.key), 1);
}

/* find: want (an Extension element) occurs once in the TBS */
static int tbs_has(const struct node *n, const uint8_t *want, size_t len)
{
	const uint8_t *p = memmem(n->tbs, n->tbs_len, want, len);

	return p && !memmem(p + 1, n->tbs + n->tbs_len - (p + 1), want, len);
}

/* The extension's value as OpenSSL sees it == the hand encoding's. */
static int ext_value_is(X509 *x, int i, const uint8_t *ext, size_t len,
			size_t value_off)
{
	const ASN1_OCTET_STRING *v =
		X509_EXTENSION_get_data(X509_get_ext(x, i));

	return v && (size_t)ASN1_STRING_length(v) == len - value_off &&
	       !memcmp(ASN1_STRING_get0_data(v), ext + value_off,
		       len - value_off);
}

TEST(dice_ext_known_bytes)
{
	dice_build();
	if (!dice_ok) {
		CHECK(dice_ok);
		return;
	}
	CHECK(tbs_has(&d_leaf, want_eku_ext, sizeof(want_eku_ext)));
	CHECK(tbs_has(&d_leaf, want_tcb_ext, sizeof(want_tcb_ext)));
	CHECK(tbs_has(&d_leaf, want_ueid_ext, sizeof(want_ueid_ext)));
	/* values after: 30 len, 06 len oid, [01 01 ff], 04 len */
	CHECK(ext_value_is(d_leaf.x509, 2, want_eku_ext, sizeof(want_eku_ext),
			   12));
	CHECK(ext_value_is(d_leaf.x509, 5, want_tcb_ext, sizeof(want_tcb_ext),
			   15));
	CHECK(ext_value_is(d_leaf.x509, 6, want_ueid_ext,
			   sizeof(want_ueid_ext), 12));
	/* Extensions the leaf was not given are not there. */
	CHECK(!memmem(d_plat.tbs, d_plat.tbs_len, "\x06\x03\x55\x1d\x25", 5));
	CHECK(!memmem(root.tbs, root.tbs_len, "\x67\x81\x05\x05\x04", 5));
}

/*
 * The simulator's certificates (src/sim/sim_dice.c make_cert()) at their
 * largest: its names, serial and key identifier sizes, its extensions
 * with the longest version string, and signatures whose r and s both
 * need a leading zero.  Each must fit its slot in the pool, SIM_CERT_MAX
 * (src/sim/sim.h) = 1024 bytes, or QUOTE.INIT fails.
 */
TEST(sim_shaped_certs_fit)
{
	static const struct tdx_x509_attr sim_root[] = {
		{ TDX_X509_ATTR_CN, "tdx-ext simulated DICE Root CA" },
		{ TDX_X509_ATTR_O, "tdx-ext simulator (not trustworthy)" },
	};
	static const struct tdx_x509_attr sim_plat[] = {
		{ TDX_X509_ATTR_CN, "tdx-ext simulated TDX platform (SEAM)" },
		{ TDX_X509_ATTR_O, "tdx-ext simulator (not trustworthy)" },
	};
	static const struct tdx_x509_attr sim_quote[] = {
		{ TDX_X509_ATTR_CN, "tdx-ext simulated TDX quote signing key" },
		{ TDX_X509_ATTR_O, "tdx-ext simulator (not trustworthy)" },
	};
	static const struct tdx_x509_tcb_info quote_tcb = {
		.vendor = "Intel Corporation",
		.model = "TDX quoting (tdx-ext simulator)",
		.has_layer = true, .layer = 1,
	};
	static const struct tdx_x509_eku quote_eku = {
		kp_attest_init, 1, true
	};
	static uint8_t tbs[2048], cert[2048];
	uint8_t serial[16], kid[20], sig[TDX_X509_P384_SIG_LEN];
	struct tdx_x509_params p = {
		.serial = serial, .serial_len = sizeof(serial),
		.issuer = { sim_root, 2 },
		.subject = { sim_root, 2 },
		.not_before = { 2025, 1, 1, 0, 0, 0 },
		.not_after = t_never,
		.pubkey = good_point,
		.ski = kid, .ski_len = sizeof(kid),
		.aki = kid, .aki_len = sizeof(kid),
		.ca = true, .path_len = -1,
	};
	int tbs_len, len[3], i;

	memset(serial, 0x7f, sizeof(serial));
	memset(kid, 0xff, sizeof(kid));
	memset(sig, 0xff, sizeof(sig));
	for (i = 0; i < 3; i++) {
		if (i == 1) {
			p.subject = (struct tdx_x509_name){ sim_plat, 2 };
			p.path_len = 0;
			p.tcb_info = &plat_tcb;	/* longest version */
		} else if (i == 2) {
			p.issuer = (struct tdx_x509_name){ sim_plat, 2 };
			p.subject = (struct tdx_x509_name){ sim_quote, 2 };
			p.ca = false;
			p.path_len = -1;
			p.tcb_info = &quote_tcb;
			p.eku = &quote_eku;
		}
		tbs_len = tdx_x509_tbs(tbs, sizeof(tbs), &p);
		CHECK(tbs_len > 0);
		len[i] = tdx_x509_cert(cert, sizeof(cert), tbs, tbs_len, sig);
		CHECK(len[i] > 0 && len[i] <= 1024);
	}
	printf("# x509: simulator-shaped certificates at most %d, %d, %d bytes (slot 1024)\n",
	       len[0], len[1], len[2]);
}

static int dice_verify(X509 *target, unsigned long flags, int *err)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	int ret = -1;

	if (store && ctx && untrusted &&
	    X509_STORE_add_cert(store, d_root.x509) &&
	    sk_X509_push(untrusted, d_plat.x509) &&
	    X509_STORE_CTX_init(ctx, store, target, untrusted)) {
		X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT | flags);
		ret = X509_verify_cert(ctx);
		*err = X509_STORE_CTX_get_error(ctx);
	}
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ret;
}

/*
 * OpenSSL refuses the critical extension it does not know, as RFC 5280
 * says it must; told to ignore it, the chain verifies strictly.
 */
TEST(dice_chain_verify)
{
	int err = -1;

	dice_build();
	if (!dice_ok) {
		CHECK(dice_ok);
		return;
	}
	CHECK(dice_verify(d_leaf.x509, 0, &err) != 1);
	CHECK_EQ(err, X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION);
	CHECK_EQ(dice_verify(d_leaf.x509, X509_V_FLAG_IGNORE_CRITICAL, &err),
		 1);
	CHECK_EQ(err, X509_V_OK);
}

static int write_der(const char *path, const uint8_t *der, int len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return 0;
	ok = fwrite(der, 1, len, f) == (size_t)len;
	return fclose(f) == 0 && ok;
}

/* python3-cryptography (Debian's), a strict DER parser of its own. */
static const char py_check[] =
	"import sys\n"
	"from cryptography import x509\n"
	"want = {\n"
	"    'leaf': [('2.5.29.19', True), ('2.5.29.15', True),\n"
	"             ('2.5.29.37', True), ('2.5.29.14', False),\n"
	"             ('2.5.29.35', False), ('2.23.133.5.4.1', True),\n"
	"             ('2.23.133.5.4.4', False)],\n"
	"    'plat': [('2.5.29.19', True), ('2.5.29.15', True),\n"
	"             ('2.5.29.14', False), ('2.5.29.35', False),\n"
	"             ('2.23.133.5.4.1', True)]}\n"
	"certs = {}\n"
	"for name, path in (('leaf', sys.argv[1]), ('plat', sys.argv[2])):\n"
	"    c = x509.load_der_x509_certificate(open(path, 'rb').read())\n"
	"    got = [(e.oid.dotted_string, e.critical) for e in c.extensions]\n"
	"    if got != want[name]:\n"
	"        sys.exit('%s: extensions %r' % (name, got))\n"
	"    certs[name] = c\n"
	"eku = certs['leaf'].extensions.get_extension_for_class(\n"
	"    x509.ExtendedKeyUsage).value\n"
	"if [o.dotted_string for o in eku] != ['2.23.133.5.4.100.8']:\n"
	"    sys.exit('extendedKeyUsage %r' % list(eku))\n"
	"tcb = certs['leaf'].extensions.get_extension_for_oid(\n"
	"    x509.ObjectIdentifier('2.23.133.5.4.1')).value.value\n"
	"if tcb != bytes.fromhex(sys.argv[3]):\n"
	"    sys.exit('DiceTcbInfo value %s' % tcb.hex())\n";

TEST(dice_python_cryptography)
{
	char dir[] = "/tmp/tdx_x509_XXXXXX";
	char leaf_der[64], plat_der[64], py[64], cmd[1024], hex[256];
	size_t i;
	int st;

	dice_build();
	if (!dice_ok) {
		CHECK(dice_ok);
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	snprintf(leaf_der, sizeof(leaf_der), "%s/leaf.der", dir);
	snprintf(plat_der, sizeof(plat_der), "%s/plat.der", dir);
	snprintf(py, sizeof(py), "%s/check.py", dir);
	CHECK(write_der(leaf_der, d_leaf.cert, d_leaf.cert_len));
	CHECK(write_der(plat_der, d_plat.cert, d_plat.cert_len));
	CHECK(write_der(py, (const uint8_t *)py_check, strlen(py_check)));
	for (i = 15; i < sizeof(want_tcb_ext); i++)
		sprintf(hex + 2 * (i - 15), "%02x", want_tcb_ext[i]);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s %s %s", py,
		 leaf_der, plat_der, hex);
	st = system(cmd);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(!unlink(leaf_der));
	CHECK(!unlink(plat_der));
	CHECK(!unlink(py));
	CHECK(!rmdir(dir));
}

/* openssl verify: refused for the critical extension, unless ignored. */
TEST(dice_openssl_cli_verify)
{
	char dir[] = "/tmp/tdx_x509_XXXXXX";
	char root_pem[64], plat_pem[64], leaf_pem[64], cmd[512];
	int st;

	dice_build();
	if (!dice_ok) {
		CHECK(dice_ok);
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	snprintf(root_pem, sizeof(root_pem), "%s/root.pem", dir);
	snprintf(plat_pem, sizeof(plat_pem), "%s/plat.pem", dir);
	snprintf(leaf_pem, sizeof(leaf_pem), "%s/leaf.pem", dir);
	CHECK(write_pem(root_pem, d_root.x509));
	CHECK(write_pem(plat_pem, d_plat.x509));
	CHECK(write_pem(leaf_pem, d_leaf.x509));

	snprintf(cmd, sizeof(cmd),
		 "openssl verify -x509_strict -ignore_critical -CAfile %s -untrusted %s %s >/dev/null",
		 root_pem, plat_pem, leaf_pem);
	st = system(cmd);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	snprintf(cmd, sizeof(cmd),
		 "openssl verify -x509_strict -CAfile %s -untrusted %s %s >/dev/null 2>&1",
		 root_pem, plat_pem, leaf_pem);
	st = system(cmd);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0);

	CHECK(!unlink(root_pem));
	CHECK(!unlink(plat_pem));
	CHECK(!unlink(leaf_pem));
	CHECK(!rmdir(dir));
}

TEST(dice_sizing_and_overflow)
{
	struct tdx_x509_params p = good_params();
	uint8_t buf[1024];
	int n, cap;

	p.eku = &leaf_eku;
	p.tcb_info = &leaf_tcb;
	p.ueid = &leaf_ueid;
	n = tdx_x509_tbs(NULL, 0, &p);
	CHECK(n > 0 && n < (int)sizeof(buf));
	for (cap = 0; cap <= n; cap++) {
		memset(buf, 0xa5, sizeof(buf));
		CHECK_EQ(tdx_x509_tbs(buf, cap, &p),
			 cap == n ? n : -TDX_ENOSPC);
		CHECK_EQ(buf[cap], 0xa5);
	}
	CHECK(memmem(buf, n, want_tcb_ext, sizeof(want_tcb_ext)) != NULL);
}

/* Each bound of the extensions' parameters, and the edge just inside. */
TEST(dice_ext_bounds)
{
	static const uint8_t oid32[32] = {
		0x2b, [1 ... 30] = 0x81, [31] = 0x01
	};
	static const uint8_t oid33[33] = {
		0x2b, [1 ... 31] = 0x81, [32] = 0x01
	};
	static const uint8_t oid_open[] = { 0x2b, 0x81 };
	static const uint8_t oid_lead0[] = { 0x80, 0x01 };
	static const uint8_t oid_lead0_mid[] = { 0x2b, 0x06, 0x80, 0x01 };
	static const uint8_t oid_ok_80[] = { 0x2b, 0x81, 0x80, 0x01 };
	static const uint8_t digest65[65], digest64[64];
	static const uint8_t ueid65[65];
	struct tdx_x509_oid kp[TDX_X509_EKU_MAX + 1];
	struct tdx_x509_fwid fw[TDX_X509_FWID_MAX + 1];
	struct tdx_x509_params p = good_params();
	struct tdx_x509_eku eku;
	struct tdx_x509_tcb_info tcb;
	struct tdx_x509_ueid ueid;
	char s256[257], s255[256];
	unsigned int i;

	for (i = 0; i < TDX_X509_EKU_MAX + 1; i++)
		kp[i] = kp_attest_init[0];
	for (i = 0; i < TDX_X509_FWID_MAX + 1; i++)
		fw[i] = small_fwid[0];
	memset(s256, 'a', 256);
	s256[256] = 0;
	memset(s255, 'a', 255);
	s255[255] = 0;

#define TBS_IS(ok)							\
	do {								\
		int n_ = tdx_x509_tbs(NULL, 0, &p);			\
		if (ok)							\
			CHECK(n_ > 0);					\
		else							\
			CHECK_EQ(n_, -TDX_EINVAL);			\
	} while (0)
#define EKU(mutation, ok)						\
	do {								\
		p = good_params();					\
		eku = (struct tdx_x509_eku){ kp, 1, true };		\
		p.eku = &eku;						\
		mutation;						\
		TBS_IS(ok);						\
	} while (0)
#define OID_KP(o, ok)	EKU((kp[0] = (struct tdx_x509_oid){ o, sizeof(o) }), ok)

	EKU((void)0, 1);
	EKU(eku.count = TDX_X509_EKU_MAX, 1);
	EKU(eku.count = TDX_X509_EKU_MAX + 1, 0);
	EKU(eku.count = 0, 0);
	EKU(eku.purposes = NULL, 0);
	OID_KP(oid32, 1);
	OID_KP(oid33, 0);
	OID_KP(oid_open, 0);
	OID_KP(oid_lead0, 0);
	OID_KP(oid_lead0_mid, 0);
	OID_KP(oid_ok_80, 1);
	EKU(kp[0] = ((struct tdx_x509_oid){ oid_attest_init, 0 }), 0);
	EKU(kp[0] = ((struct tdx_x509_oid){ NULL, 1 }), 0);
	kp[0] = kp_attest_init[0];
	EKU(kp[TDX_X509_EKU_MAX - 1].len = 0, 1);	/* not used: count 1 */
	EKU((eku.count = TDX_X509_EKU_MAX,
	     kp[TDX_X509_EKU_MAX - 1].len = 0), 0);
	kp[TDX_X509_EKU_MAX - 1] = kp_attest_init[0];

#define TCB(mutation, ok)						\
	do {								\
		p = good_params();					\
		tcb = leaf_tcb;						\
		p.tcb_info = &tcb;					\
		mutation;						\
		TBS_IS(ok);						\
	} while (0)

	TCB((void)0, 1);
	TCB(memset(&tcb, 0, sizeof(tcb)), 1);	/* an empty SEQUENCE */
	TCB(tcb.vendor = "", 0);
	TCB(tcb.model = "", 0);
	TCB(tcb.version = "", 0);
	TCB(tcb.vendor = s255, 1);
	TCB(tcb.vendor = s256, 0);
	TCB(tcb.model = s256, 0);
	TCB(tcb.version = s256, 0);
	TCB(tcb.model = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e", 1);
	TCB(tcb.model = "\xc0\x80", 0);		/* overlong NUL */
	TCB(tcb.model = "\xe0\x80\xaf", 0);	/* overlong '/' */
	TCB(tcb.model = "\xed\xa0\x80", 0);	/* surrogate U+D800 */
	TCB(tcb.model = "\xf4\x90\x80\x80", 0);	/* U+110000 */
	TCB(tcb.model = "ab\xc3", 0);		/* cut short */
	TCB(tcb.model = "\x80", 0);		/* lone continuation */
	TCB(tcb.model = "\xc3\x28", 0);		/* bad continuation */
	TCB(tcb.version = "\xf8\x88\x80\x80\x80", 0);
	TCB(tcb.vendor = "\xff", 0);
	TCB(tcb.svn = TDX_X509_TCB_INT_MAX, 1);
	TCB(tcb.svn = TDX_X509_TCB_INT_MAX + 1, 0);
	TCB(tcb.layer = TDX_X509_TCB_INT_MAX + 1, 0);
	TCB(tcb.index = TDX_X509_TCB_INT_MAX + 1, 0);
	TCB((tcb.has_svn = false, tcb.svn = ~0ull), 1);	/* absent */
	TCB((tcb.fwids = fw, tcb.n_fwids = TDX_X509_FWID_MAX), 1);
	TCB((tcb.fwids = fw, tcb.n_fwids = TDX_X509_FWID_MAX + 1), 0);
	TCB(tcb.fwids = NULL, 0);
	TCB((tcb.fwids = NULL, tcb.n_fwids = 0), 1);
	TCB((tcb.fwids = fw, fw[0].digest = digest64, fw[0].digest_len = 64),
	    1);
	TCB((tcb.fwids = fw, fw[0].digest = digest65, fw[0].digest_len = 65),
	    0);
	TCB((tcb.fwids = fw, fw[0].digest_len = 0), 0);
	TCB((tcb.fwids = fw, fw[0].digest = NULL), 0);
	fw[0] = small_fwid[0];
	TCB((tcb.fwids = fw, fw[0].hash_alg.len = 0), 0);
	TCB((tcb.fwids = fw,
	     fw[0].hash_alg = (struct tdx_x509_oid){ oid33, sizeof(oid33) }),
	    0);
	TCB((tcb.fwids = fw,
	     fw[0].hash_alg = (struct tdx_x509_oid){ oid_open,
						     sizeof(oid_open) }), 0);
	fw[0] = small_fwid[0];
	TCB((tcb.fwids = fw, tcb.n_fwids = 2, fw[1].digest_len = 65), 0);
	fw[1] = small_fwid[0];
	TCB((tcb.has_flags = true, tcb.flags = ~0u), 1);

#define UEID(mutation, ok)						\
	do {								\
		p = good_params();					\
		ueid = leaf_ueid;					\
		p.ueid = &ueid;						\
		mutation;						\
		TBS_IS(ok);						\
	} while (0)

	UEID((void)0, 1);
	UEID((ueid.ueid = digest64, ueid.len = 64), 1);
	UEID((ueid.ueid = ueid65, ueid.len = 65), 0);
	UEID(ueid.len = 0, 0);
	UEID(ueid.ueid = NULL, 0);
#undef UEID
#undef TCB
#undef OID_KP
#undef EKU
#undef TBS_IS
}

/* Free the chain when the process ends, for LeakSanitizer. */
__attribute__((destructor)) static void chain_free(void)
{
	struct node *n[] = { &root, &inter, &leaf, &d_root, &d_plat, &d_leaf };
	size_t i;

	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		X509_free(n[i]->x509);
		EVP_PKEY_free(n[i]->key);
	}
}

UNIT_MAIN("x509")
