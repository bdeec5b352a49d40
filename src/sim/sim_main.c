// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_ext_sim: a simulated TDX module with Extensions and DICE quoting,
 * for hosts without TDX.  Loaded on purpose, like netdevsim:
 * "modprobe tdx_ext backend=sim" pulls it in.  See docs/simulator.md.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sim.h"
#include "tdx_ext_version.h"

static bool ext = true;
module_param(ext, bool, 0444);
MODULE_PARM_DESC(ext, "advertise TDX Module Extensions (default: 1)");

static bool quote = true;
module_param(quote, bool, 0444);
MODULE_PARM_DESC(quote, "advertise DICE-based quoting (default: 1)");

static uint pool_pages = 12800;
module_param(pool_pages, uint, 0444);
MODULE_PARM_DESC(pool_pages, "MEMORY_POOL_REQUIRED_PAGES (default: 12800 = 50 MiB)");

static bool pool_field_u16;
module_param(pool_field_u16, bool, 0444);
MODULE_PARM_DESC(pool_field_u16, "answer only the older u16 metadata id of the pool size (default: 0)");

static uint max_quote_size = SZ_128K;
module_param(max_quote_size, uint, 0444);
MODULE_PARM_DESC(max_quote_size, "MAX_QUOTE_SIZE in bytes, 4096 to 4 MiB (default: 131072)");

static uint slice_us = 100;
module_param(slice_us, uint, 0444);
MODULE_PARM_DESC(slice_us, "work per call before TDX_INTERRUPTED_RESUMABLE, in microseconds; 0: one step per call (default: 100)");

static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "derive the device secret from this seed, for reproducible keys; 0: random (default: 0)");

static bool td_wildcard;
module_param(td_wildcard, bool, 0444);
MODULE_PARM_DESC(td_wildcard, "convenience no TDX module offers: TDH.QUOTE.GET with RCX 0 quotes for the TD the report names; 0: RCX must be a live TD's TDR page (default: 0)");

static bool config_quote = true;
module_param(config_quote, bool, 0444);
MODULE_PARM_DESC(config_quote, "the kernel configured the quoting add-on (TDH.SYS.CONFIG v1, R9 bit 50); 0: as every released kernel, TDH.QUOTE.* return TDX_QUOTE_NOT_CONFIGURED (default: 1)");

static char *tdx_state = "ready";
module_param(tdx_state, charp, 0444);
MODULE_PARM_DESC(tdx_state, "the platform as the kernel left it: ready; uninit (TDX module loaded, not initialised); vmx_off (SEAMCALL raises #UD); no_module (SEAMCALL fails VMfailInvalid); debugfs tdx_state changes it later (default: ready)");

static struct dentry *sim_debugfs;

static const char * const leaf_names[SIM_L_NR] = {
	"sys_rd", "ext_mem_add", "ext_init", "quote_init", "quote_get", "other",
};

static int state_show(struct seq_file *m, void *v)
{
	mutex_lock(&sim.lock);
	seq_printf(m, "tdx_state=%s\nconfig_quote=%d\ntd_wildcard=%d\n",
		   sim_tdx_state_names[sim.tdx_state], sim.quote_configured,
		   sim.td_wildcard);
	seq_printf(m, "features=%#llx\next_ready=%d\nquote_ready=%d\nfatal=%d\n",
		   sim.features, sim.ext_ready, sim.quote_ready, sim.fatal);
	seq_printf(m, "fatal_status=%#llx\npool_pages=%lu\npool_required=%u\n",
		   sim.fatal_status, sim.npages, sim.pool_required);
	seq_printf(m, "max_quote_size=%u\nquote_job_active=%d\n",
		   sim.max_quote, sim.job.active);
	seq_printf(m, "version=%u.%u.%u\nbuild=%u\n", sim.version.major,
		   sim.version.minor, sim.version.update, sim.version.build);
	seq_printf(m, "updates=%llu\n", sim.updates);
	mutex_unlock(&sim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(state);

static int stats_show(struct seq_file *m, void *v)
{
	int i;

	mutex_lock(&sim.lock);
	for (i = 0; i < SIM_L_NR; i++)
		seq_printf(m, "%s calls=%llu resumes=%llu busy=%llu\n",
			   leaf_names[i], sim.calls[i], sim.resumes[i],
			   sim.busy_injected[i]);
	mutex_unlock(&sim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int root_der_show(struct seq_file *m, void *v)
{
	const u8 *der;
	size_t len;
	int ret;

	mutex_lock(&sim.lock);
	ret = sim_root_cert(&der, &len);
	if (!ret)
		seq_write(m, der, len);
	mutex_unlock(&sim.lock);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(root_der);

static int root_pem_show(struct seq_file *m, void *v)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const u8 *der;
	size_t len, i;
	u32 w;
	int ret, col = 0;

	mutex_lock(&sim.lock);
	ret = sim_root_cert(&der, &len);
	if (ret)
		goto out;
	seq_puts(m, "-----BEGIN CERTIFICATE-----\n");
	for (i = 0; i < len; i += 3) {
		w = der[i] << 16;
		if (i + 1 < len)
			w |= der[i + 1] << 8;
		if (i + 2 < len)
			w |= der[i + 2];
		seq_putc(m, b64[(w >> 18) & 63]);
		seq_putc(m, b64[(w >> 12) & 63]);
		seq_putc(m, i + 1 < len ? b64[(w >> 6) & 63] : '=');
		seq_putc(m, i + 2 < len ? b64[w & 63] : '=');
		col += 4;
		if (col == 64) {
			seq_putc(m, '\n');
			col = 0;
		}
	}
	if (col)
		seq_putc(m, '\n');
	seq_puts(m, "-----END CERTIFICATE-----\n");
out:
	mutex_unlock(&sim.lock);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(root_pem);

/* tdx_state: read the platform's state, write another (one word). */
static int tdx_state_show(struct seq_file *m, void *v)
{
	mutex_lock(&sim.lock);
	seq_printf(m, "%s\n", sim_tdx_state_names[sim.tdx_state]);
	mutex_unlock(&sim.lock);
	return 0;
}

static int tdx_state_open(struct inode *inode, struct file *file)
{
	return single_open(file, tdx_state_show, NULL);
}

/* A short write to a control file, NUL-terminated in buf[cap]. */
static int user_line(char *buf, size_t cap, const char __user *ubuf,
		     size_t len)
{
	if (len >= cap)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	return 0;
}

static ssize_t tdx_state_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char buf[16];
	int st, ret;

	ret = user_line(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;
	st = sysfs_match_string(sim_tdx_state_names, buf);
	if (st < 0)
		return -EINVAL;
	/* Not in the middle of a call: each sees one platform throughout. */
	mutex_lock(&sim.lock);
	sim.tdx_state = st;
	mutex_unlock(&sim.lock);
	pr_info("tdx_state=%s\n", sim_tdx_state_names[st]);
	return len;
}

static const struct file_operations tdx_state_fops = {
	.owner = THIS_MODULE,
	.open = tdx_state_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = tdx_state_write,
};

/* runtime_update: "quote" or "none", what TDH.SYS.UPDATE configured. */
static ssize_t runtime_update_write(struct file *file,
				    const char __user *ubuf, size_t len,
				    loff_t *ppos)
{
	char buf[16];
	bool quote;
	int ret;

	ret = user_line(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;
	if (sysfs_streq(buf, "quote"))
		quote = true;
	else if (sysfs_streq(buf, "none"))
		quote = false;
	else
		return -EINVAL;
	/* The update is one step: no SEAMCALL sees half of it. */
	mutex_lock(&sim.lock);
	ret = sim_runtime_update(quote);
	mutex_unlock(&sim.lock);
	return ret ?: len;
}

static const struct file_operations runtime_update_fops = {
	.owner = THIS_MODULE,
	.write = runtime_update_write,
};

/* "LEAF K STATUS": the K-th next call of LEAF returns STATUS. */
static ssize_t fail_leaf_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char buf[64];
	u32 leaf, after;
	u64 status;
	int ret;

	ret = user_line(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;
	if (sscanf(buf, "%u %u %llx", &leaf, &after, &status) != 3)
		return -EINVAL;
	mutex_lock(&sim.lock);
	sim.fail_leaf = leaf;
	sim.fail_after = after;
	sim.fail_status = status;
	mutex_unlock(&sim.lock);
	return len;
}

static const struct file_operations fail_leaf_fops = {
	.owner = THIS_MODULE,
	.write = fail_leaf_write,
};

/*
 * "FIRST STATUS": the next MEM.ADD that would succeed with a list longer
 * than FIRST entries takes the whole list but returns STATUS (hex) with
 * FIRST_ENTRY FIRST, as a TDX module that failed after taking the pages;
 * "0 0" clears.
 */
static ssize_t mem_add_uncertain_write(struct file *file,
				       const char __user *ubuf, size_t len,
				       loff_t *ppos)
{
	char buf[64];
	u64 status;
	u32 first;
	int ret;

	ret = user_line(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;
	if (sscanf(buf, "%u %llx", &first, &status) != 2)
		return -EINVAL;
	mutex_lock(&sim.lock);
	sim.mem_add_lost_first = first;
	sim.mem_add_lost_status = status;
	mutex_unlock(&sim.lock);
	return len;
}

static const struct file_operations mem_add_uncertain_fops = {
	.owner = THIS_MODULE,
	.write = mem_add_uncertain_write,
};

/*
 * A number (decimal or 0x hex, up to 64 bits): what TDH.SYS.RD answers
 * for MAX_QUOTE_SIZE from now on; "off": max_quote_size again.
 */
static ssize_t max_quote_md_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	char buf[32];
	u64 val = 0;
	bool set;
	int ret;

	ret = user_line(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;
	set = !sysfs_streq(buf, "off");
	if (set) {
		ret = kstrtou64(strim(buf), 0, &val);
		if (ret)
			return ret;
	}
	mutex_lock(&sim.lock);
	sim.max_quote_md_set = set;
	sim.max_quote_md = val;
	mutex_unlock(&sim.lock);
	return len;
}

static const struct file_operations max_quote_md_fops = {
	.owner = THIS_MODULE,
	.write = max_quote_md_write,
};

static int set_u32(void *data, u64 val)
{
	mutex_lock(&sim.lock);
	*(u32 *)data = val;
	mutex_unlock(&sim.lock);
	return 0;
}

static int get_u32(void *data, u64 *val)
{
	mutex_lock(&sim.lock);
	*val = *(u32 *)data;
	mutex_unlock(&sim.lock);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(u32_fops, get_u32, set_u32, "%llu\n");

static int set_bool(void *data, u64 val)
{
	mutex_lock(&sim.lock);
	*(bool *)data = !!val;
	mutex_unlock(&sim.lock);
	return 0;
}

static int get_bool(void *data, u64 *val)
{
	mutex_lock(&sim.lock);
	*val = *(bool *)data;
	mutex_unlock(&sim.lock);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(bool_fops, get_bool, set_bool, "%llu\n");

static int scribble_set(void *data, u64 val)
{
	int ret;

	mutex_lock(&sim.lock);
	ret = sim_pool_scribble(val);
	mutex_unlock(&sim.lock);
	return ret;
}
DEFINE_DEBUGFS_ATTRIBUTE(scribble_fops, NULL, scribble_set, "%llu\n");

static void sim_debugfs_init(void)
{
	struct dentry *d = sim_debugfs;

	debugfs_create_file("state", 0400, d, NULL, &state_fops);
	debugfs_create_file("stats", 0400, d, NULL, &stats_fops);
	debugfs_create_file("root_cert.der", 0444, d, NULL, &root_der_fops);
	debugfs_create_file("root_cert.pem", 0444, d, NULL, &root_pem_fops);
	debugfs_create_file("tdx_state", 0600, d, NULL, &tdx_state_fops);
	debugfs_create_file("runtime_update", 0200, d, NULL,
			    &runtime_update_fops);
	debugfs_create_file("fail_leaf", 0200, d, NULL, &fail_leaf_fops);
	debugfs_create_file_unsafe("rnd_no_entropy", 0600, d,
				   &sim.rnd_no_entropy, &u32_fops);
	debugfs_create_file_unsafe("busy", 0600, d, &sim.busy, &u32_fops);
	debugfs_create_file_unsafe("never_finish", 0600, d, &sim.never_finish,
				   &bool_fops);
	debugfs_create_file_unsafe("every_step", 0600, d, &sim.every_step,
				   &bool_fops);
	debugfs_create_file_unsafe("stall_quote_get", 0600, d,
				   &sim.stall_quote_get, &bool_fops);
	debugfs_create_file_unsafe("scribble", 0200, d, NULL, &scribble_fops);
	debugfs_create_file("mem_add_uncertain", 0200, d, NULL,
			    &mem_add_uncertain_fops);
	debugfs_create_file("max_quote_md", 0200, d, NULL, &max_quote_md_fops);
	sim_pool_debugfs_init(d);
	sim_td_debugfs_init(d);
}

static int check_params(void)
{
	u64 need = SIM_POOL_SCRATCH_OFF + 2ull * max_quote_size;
	int st;

	st = sysfs_match_string(sim_tdx_state_names, tdx_state);
	if (st < 0) {
		pr_err("tdx_state=%s: must be ready, uninit, vmx_off or no_module\n",
		       tdx_state);
		return -EINVAL;
	}
	sim.tdx_state = st;

	if (max_quote_size < SZ_4K || max_quote_size > SZ_4M) {
		pr_err("max_quote_size=%u: must be 4096 to 4194304\n",
		       max_quote_size);
		return -EINVAL;
	}
	if (ext && (u64)pool_pages * PAGE_SIZE < need) {
		pr_err("pool_pages=%u: at least %llu pages are needed for max_quote_size=%u\n",
		       pool_pages, DIV_ROUND_UP(need, PAGE_SIZE), max_quote_size);
		return -EINVAL;
	}
	if (pool_field_u16 && pool_pages > U16_MAX) {
		pr_err("pool_pages=%u does not fit the u16 field (pool_field_u16=1)\n",
		       pool_pages);
		return -EINVAL;
	}
	if (quote && !ext) {
		pr_err("quote=1 needs ext=1: the quote key lives in the pool\n");
		return -EINVAL;
	}
	return 0;
}

static int seed_secrets(void)
{
	__be64 s = cpu_to_be64(seed);
	static const u8 key[] = "tdx-ext-sim seed";
	int ret;

	if (!seed) {
		get_random_bytes(sim.uds, sizeof(sim.uds));
		get_random_bytes(sim.report_key, sizeof(sim.report_key));
		return 0;
	}
	ret = sim_hmac384(key, sizeof(key) - 1, "UDS", 3, &s, sizeof(s), sim.uds);
	if (!ret)
		ret = sim_hmac384(key, sizeof(key) - 1, "report MAC", 10, &s,
				  sizeof(s), sim.report_key);
	return ret;
}

static int __init tdx_sim_init(void)
{
	int ret;

	ret = check_params();
	if (ret)
		return ret;
	sim.features = (ext ? TDX_FEATURES0_EXT : 0) |
		       (quote ? TDX_FEATURES0_QUOTE : 0);
	/* A TDX module without quoting refuses to configure it. */
	sim.quote_configured = quote && config_quote;
	sim.pool_required = ext ? pool_pages : 0;
	sim.pool_u16 = pool_field_u16;
	sim.max_quote = max_quote_size;
	sim.slice_us = slice_us;
	sim.td_wildcard = td_wildcard;

	ret = sim_crypto_init();
	if (ret)
		return ret;
	ret = sim_crypto_selftest();
	if (ret)
		goto err_crypto;
	ret = sim_tcb_init();
	if (ret)
		goto err_crypto;
	ret = seed_secrets();
	if (ret)
		goto err_crypto;
	ret = sim_pool_alloc();
	if (ret)
		goto err_crypto;

	/*
	 * debugfs_create_dir() returns an ERR_PTR when debugfs is absent;
	 * the simulator's controls live there, so refuse to load without it.
	 */
	sim_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(sim_debugfs)) {
		ret = PTR_ERR(sim_debugfs);
		pr_err("debugfs is required for the simulator's controls: %d\n",
		       ret);
		goto err_pool;
	}
	sim_debugfs_init();
	pr_info("version %s loaded: SIMULATED TDX module, quotes are not trustworthy (pool %u pages, max quote %u bytes%s%s)\n",
		TDX_EXT_VERSION, sim.pool_required, sim.max_quote,
		seed ? ", fixed seed" : "",
		quote && !config_quote ? ", quoting not configured" : "");
	return 0;

err_pool:
	sim_pool_free();
err_crypto:
	sim_crypto_exit();
	return ret;
}

static void __exit tdx_sim_exit(void)
{
	debugfs_remove_recursive(sim_debugfs);
	sim_td_destroy_all();
	sim_job_reset();
	sim_pool_free();
	sim_crypto_exit();
	memzero_explicit(sim.uds, sizeof(sim.uds));
	memzero_explicit(sim.report_key, sizeof(sim.report_key));
}

module_init(tdx_sim_init);
module_exit(tdx_sim_exit);

MODULE_DESCRIPTION("Simulated Intel TDX module with Extensions, for testing tdx_ext");
MODULE_AUTHOR("tdx-ext developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(TDX_EXT_VERSION);
/* SHA-384 is a module on some kernels (sha512_generic on Debian's 6.1). */
MODULE_SOFTDEP("pre: sha512");
