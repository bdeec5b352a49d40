// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's crypto: SHA-384 and HMAC-SHA384 through the crypto API,
 * P-384 ECDSA from crypto/ecc.c's exported helpers with deterministic
 * nonces (RFC 6979, HMAC-SHA384).
 *
 * Not constant time: the simulator is a test instrument, not a security
 * boundary, and its keys protect nothing.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/ecc_curve.h>
#include <crypto/ecdh.h>
#include <crypto/hash.h>
#include <crypto/internal/ecc.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tdx_compat.h"

#include "sim.h"

/* Allocated once at load; used under sim.lock. */
static struct crypto_shash *sha_tfm, *hmac_tfm;
static struct shash_desc *sha_desc, *hmac_desc;
static const struct ecc_curve *p384;

static struct shash_desc *alloc_desc(struct crypto_shash *tfm)
{
	struct shash_desc *d;

	d = kzalloc(sizeof(*d) + crypto_shash_descsize(tfm), GFP_KERNEL);
	if (d)
		d->tfm = tfm;
	return d;
}

int sim_crypto_init(void)
{
	int ret;

	p384 = ecc_get_curve(ECC_CURVE_NIST_P384);
	if (!p384 || p384->g.ndigits != SIM_P384_DIGITS) {
		pr_err("P-384 is not available from crypto/ecc\n");
		return -ENOENT;
	}
	sha_tfm = crypto_alloc_shash("sha384", 0, 0);
	if (IS_ERR(sha_tfm)) {
		ret = PTR_ERR(sha_tfm);
		pr_err("cannot allocate sha384: %d\n", ret);
		goto err;
	}
	hmac_tfm = crypto_alloc_shash("hmac(sha384)", 0, 0);
	if (IS_ERR(hmac_tfm)) {
		ret = PTR_ERR(hmac_tfm);
		pr_err("cannot allocate hmac(sha384): %d\n", ret);
		goto err_sha;
	}
	ret = -ENOMEM;
	sha_desc = alloc_desc(sha_tfm);
	if (!sha_desc)
		goto err_hmac;
	hmac_desc = alloc_desc(hmac_tfm);
	if (!hmac_desc)
		goto err_desc;
	return 0;

err_desc:
	kfree(sha_desc);
err_hmac:
	crypto_free_shash(hmac_tfm);
err_sha:
	crypto_free_shash(sha_tfm);
err:
	sha_tfm = NULL;
	hmac_tfm = NULL;
	return ret;
}

void sim_crypto_exit(void)
{
	kfree_sensitive(hmac_desc);
	kfree_sensitive(sha_desc);
	crypto_free_shash(hmac_tfm);
	crypto_free_shash(sha_tfm);
}

int sim_sha384(const void *data, size_t len, u8 *out)
{
	return crypto_shash_digest(sha_desc, data, len, out);
}

/* HMAC-SHA384(key, a || b); b may be NULL. */
int sim_hmac384(const u8 *key, size_t klen, const void *a, size_t alen,
		const void *b, size_t blen, u8 *out)
{
	int ret;

	ret = crypto_shash_setkey(hmac_tfm, key, klen);
	if (!ret)
		ret = crypto_shash_init(hmac_desc);
	if (!ret)
		ret = crypto_shash_update(hmac_desc, a, alen);
	if (!ret && b)
		ret = crypto_shash_update(hmac_desc, b, blen);
	if (!ret)
		ret = crypto_shash_final(hmac_desc, out);
	return ret;
}

static void p384_to_be(const u64 *digits, u8 *out)
{
	int i;

	for (i = 0; i < SIM_P384_DIGITS; i++)
		put_unaligned_be64(digits[SIM_P384_DIGITS - 1 - i], out + 8 * i);
}

/* r = a + b mod m, for a, b < m */
static void p384_mod_add(u64 *r, const u64 *a, const u64 *b, const u64 *m)
{
	u64 carry = 0, sum;
	int i;

	for (i = 0; i < SIM_P384_DIGITS; i++) {
		sum = a[i] + carry;
		carry = sum < carry;
		sum += b[i];
		carry |= sum < b[i];
		r[i] = sum;
	}
	if (carry || vli_cmp(r, m, SIM_P384_DIGITS) >= 0)
		vli_sub(r, r, m, SIM_P384_DIGITS);
}

/* 1 <= k < n */
static bool p384_scalar_ok(const u64 *k)
{
	return !vli_is_zero(k, SIM_P384_DIGITS) &&
	       vli_cmp(k, p384->n, SIM_P384_DIGITS) < 0;
}

/*
 * k * G.  ecc_point_mult_shamir() computes u1*P + u2*Q; with u2 = 0 only
 * P's multiples are ever added, and the precomputed P + Q (here G + G,
 * which its addition formula cannot do) is never used.
 */
static void p384_mul_g(const u64 *k, u64 *x, u64 *y)
{
	u64 zero[SIM_P384_DIGITS] = { 0 };
	struct ecc_point r = ECC_POINT_INIT(x, y, SIM_P384_DIGITS);

	ecc_point_mult_shamir(&r, k, &p384->g, zero, &p384->g, p384);
}

static int p384_set_pub(struct sim_p384_key *key)
{
	u64 x[SIM_P384_DIGITS], y[SIM_P384_DIGITS];
	u8 h[SIM_P384_BYTES];
	int ret;

	p384_mul_g(key->d, x, y);
	key->pub[0] = 0x04;
	p384_to_be(x, key->pub + 1);
	p384_to_be(y, key->pub + 1 + SIM_P384_BYTES);
	ret = sim_sha384(key->pub, sizeof(key->pub), h);
	memcpy(key->keyid, h, sizeof(key->keyid));
	return ret;
}

/* A private key from HMAC-SHA384(secret, label || counter), 1 <= d < n. */
int sim_p384_derive(const u8 *secret, const char *label,
		    struct sim_p384_key *key)
{
	u8 buf[SIM_P384_BYTES];
	__be32 ctr;
	u32 i;
	int ret;

	for (i = 0; i < 16; i++) {
		ctr = cpu_to_be32(i);
		ret = sim_hmac384(secret, SIM_SECRET_BYTES, label, strlen(label),
				  &ctr, sizeof(ctr), buf);
		if (ret)
			return ret;
		vli_from_be64(key->d, buf, SIM_P384_DIGITS);
		if (p384_scalar_ok(key->d))
			break;
	}
	memzero_explicit(buf, sizeof(buf));
	if (i == 16)
		return -EAGAIN;
	return p384_set_pub(key);
}

/*
 * ECDSA P-384 signature of a SHA-384 hash, r || s big-endian, with the
 * nonce of RFC 6979 section 3.2 (qlen = hlen = 384, so bits2int is the
 * identity and one HMAC output is one candidate).
 */
/* sim_p384_sign()'s working variables: too big for a kernel stack frame */
struct sign_ws {
	u64 e[SIM_P384_DIGITS], k[SIM_P384_DIGITS], r[SIM_P384_DIGITS];
	u64 s[SIM_P384_DIGITS], t[SIM_P384_DIGITS], ry[SIM_P384_DIGITS];
	u8 v[SIM_P384_BYTES], kk[SIM_P384_BYTES];
	u8 msg[SIM_P384_BYTES + 1 + 2 * SIM_P384_BYTES];
};

/* K = HMAC_K(V || sep [|| x || h]), V = HMAC_K(V) */
static int rfc6979_update(struct sign_ws *w, u8 sep, bool with_xh)
{
	size_t len = with_xh ? sizeof(w->msg) : SIM_P384_BYTES + 1;
	int ret;

	memcpy(w->msg, w->v, sizeof(w->v));
	w->msg[SIM_P384_BYTES] = sep;
	ret = sim_hmac384(w->kk, sizeof(w->kk), w->msg, len, NULL, 0, w->kk);
	if (!ret)
		ret = sim_hmac384(w->kk, sizeof(w->kk), w->v, sizeof(w->v),
				  NULL, 0, w->v);
	return ret;
}

/* With candidate nonce w->k: the signature, or false if r or s is 0. */
static bool ecdsa_try(const struct sim_p384_key *key, struct sign_ws *w)
{
	const u64 *n = p384->n;

	p384_mul_g(w->k, w->r, w->ry);
	if (vli_cmp(w->r, n, SIM_P384_DIGITS) >= 0)
		vli_sub(w->r, w->r, n, SIM_P384_DIGITS);
	if (vli_is_zero(w->r, SIM_P384_DIGITS))
		return false;
	/* s = k^-1 (e + r d) mod n */
	vli_mod_mult_slow(w->t, w->r, key->d, n, SIM_P384_DIGITS);
	p384_mod_add(w->t, w->t, w->e, n);
	vli_mod_inv(w->s, w->k, n, SIM_P384_DIGITS);
	vli_mod_mult_slow(w->s, w->s, w->t, n, SIM_P384_DIGITS);
	return !vli_is_zero(w->s, SIM_P384_DIGITS);
}

/*
 * ECDSA P-384 signature of a SHA-384 hash, r || s big-endian, with the
 * nonce of RFC 6979 section 3.2 (qlen = hlen = 384, so bits2int is the
 * identity and one HMAC output is one candidate).
 */
int sim_p384_sign(const struct sim_p384_key *key, const u8 *hash, u8 *sig)
{
	struct sign_ws *w;
	int ret, tries;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	vli_from_be64(w->e, hash, SIM_P384_DIGITS);
	if (vli_cmp(w->e, p384->n, SIM_P384_DIGITS) >= 0)
		vli_sub(w->e, w->e, p384->n, SIM_P384_DIGITS);

	/* steps b-g: V = 0x01..., K = 0x00..., rounds with 0x00 and 0x01 */
	memset(w->v, 0x01, sizeof(w->v));
	p384_to_be(key->d, w->msg + SIM_P384_BYTES + 1);
	p384_to_be(w->e, w->msg + 2 * SIM_P384_BYTES + 1);
	ret = rfc6979_update(w, 0x00, true);
	if (!ret)
		ret = rfc6979_update(w, 0x01, true);

	for (tries = 0; !ret && tries < 64; tries++) {
		/* step h: one HMAC output is a whole candidate */
		ret = sim_hmac384(w->kk, sizeof(w->kk), w->v, sizeof(w->v),
				  NULL, 0, w->v);
		if (ret)
			break;
		vli_from_be64(w->k, w->v, SIM_P384_DIGITS);
		if (p384_scalar_ok(w->k) && ecdsa_try(key, w)) {
			p384_to_be(w->r, sig);
			p384_to_be(w->s, sig + SIM_P384_BYTES);
			goto out;
		}
		ret = rfc6979_update(w, 0x00, false);
	}
	if (!ret)
		ret = -EAGAIN;
out:
	kfree_sensitive(w);
	return ret;
}

/* RFC 6979 appendix A.2.6: P-384, SHA-384, message "sample". */
static const u8 kat_x[SIM_P384_BYTES] = {
	0x6b, 0x9d, 0x3d, 0xad, 0x2e, 0x1b, 0x8c, 0x1c, 0x05, 0xb1, 0x98, 0x75,
	0xb6, 0x65, 0x9f, 0x4d, 0xe2, 0x3c, 0x3b, 0x66, 0x7b, 0xf2, 0x97, 0xba,
	0x9a, 0xa4, 0x77, 0x40, 0x78, 0x71, 0x37, 0xd8, 0x96, 0xd5, 0x72, 0x4e,
	0x4c, 0x70, 0xa8, 0x25, 0xf8, 0x72, 0xc9, 0xea, 0x60, 0xd2, 0xed, 0xf5,
};

static const u8 kat_ux[SIM_P384_BYTES] = {
	0xec, 0x3a, 0x4e, 0x41, 0x5b, 0x4e, 0x19, 0xa4, 0x56, 0x86, 0x18, 0x02,
	0x9f, 0x42, 0x7f, 0xa5, 0xda, 0x9a, 0x8b, 0xc4, 0xae, 0x92, 0xe0, 0x2e,
	0x06, 0xaa, 0xe5, 0x28, 0x6b, 0x30, 0x0c, 0x64, 0xde, 0xf8, 0xf0, 0xea,
	0x90, 0x55, 0x86, 0x60, 0x64, 0xa2, 0x54, 0x51, 0x54, 0x80, 0xbc, 0x13,
};

static const u8 kat_sig[SIM_SIG_BYTES] = {
	/* r */
	0x94, 0xed, 0xbb, 0x92, 0xa5, 0xec, 0xb8, 0xaa, 0xd4, 0x73, 0x6e, 0x56,
	0xc6, 0x91, 0x91, 0x6b, 0x3f, 0x88, 0x14, 0x06, 0x66, 0xce, 0x9f, 0xa7,
	0x3d, 0x64, 0xc4, 0xea, 0x95, 0xad, 0x13, 0x3c, 0x81, 0xa6, 0x48, 0x15,
	0x2e, 0x44, 0xac, 0xf9, 0x6e, 0x36, 0xdd, 0x1e, 0x80, 0xfa, 0xbe, 0x46,
	/* s */
	0x99, 0xef, 0x4a, 0xeb, 0x15, 0xf1, 0x78, 0xce, 0xa1, 0xfe, 0x40, 0xdb,
	0x26, 0x03, 0x13, 0x8f, 0x13, 0x0e, 0x74, 0x0a, 0x19, 0x62, 0x45, 0x26,
	0x20, 0x3b, 0x63, 0x51, 0xd0, 0xa3, 0xa9, 0x4f, 0xa3, 0x29, 0xc1, 0x45,
	0x78, 0x6e, 0x67, 0x9e, 0x7b, 0x82, 0xc7, 0x1a, 0x38, 0x62, 0x8a, 0xc8,
};

/*
 * Known-answer test at load, as the kernel's own crypto self-tests do:
 * a simulator whose signatures would not verify must not start.
 */
int sim_crypto_selftest(void)
{
	struct sim_p384_key key;
	u8 hash[SIM_P384_BYTES], sig[SIM_SIG_BYTES];
	int ret;

	vli_from_be64(key.d, kat_x, SIM_P384_DIGITS);
	ret = p384_set_pub(&key);
	if (!ret)
		ret = sim_sha384("sample", 6, hash);
	if (!ret)
		ret = sim_p384_sign(&key, hash, sig);
	if (ret) {
		pr_err("P-384 self-test could not run: %d\n", ret);
		return ret;
	}
	if (memcmp(key.pub + 1, kat_ux, sizeof(kat_ux))) {
		pr_err("P-384 self-test: wrong public key\n");
		return -EBADMSG;
	}
	if (memcmp(sig, kat_sig, sizeof(kat_sig))) {
		pr_err("P-384 self-test: wrong RFC 6979 signature\n");
		return -EBADMSG;
	}
	memzero_explicit(&key, sizeof(key));
	return 0;
}
