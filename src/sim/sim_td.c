// SPDX-License-Identifier: GPL-2.0
/*
 * Test TDs: created through debugfs with chosen measurements, each with a
 * real TDR page whose physical address is its handle, as on hardware.  A
 * TD mints 1024-byte TDREPORTs (ABI.md section 6) MACed with a key only
 * the simulator knows, which TDH.QUOTE.GET checks.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sim.h"
#include "tdx_compat.h"

/* The CPU's SVN, REPORTMACSTRUCT.CPUSVN (not the TDX module's). */
static const u8 sim_cpusvn[TDX_REPORT_CPUSVN_SIZE] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

/*
 * The simulated TDX module's own TCB, as TEE_TCB_INFO reports it.
 * TEE_TCB_SVN: the module's minor SVN, major SVN, the SEAM loader's SVN
 * (SIM_TCB_SVN_*), the rest reserved; it is the module the TD was built
 * on.  TEE_TCB_SVN2 is the module running now: the simulated one has had
 * a TD-preserving update that raised its minor SVN, so that the quote's
 * origin and current platform TCB (tdx_quote_doc.h) differ and tests can
 * tell which is which.
 */
static const u8 sim_tee_tcb_svn[TDX_REPORT_TEE_TCB_SVN_SIZE] = {
	1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
static const u8 sim_tee_tcb_svn2[TDX_REPORT_TEE_TCB_SVN2_SIZE] = {
	2, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

static struct dentry *tds_dir;

/**
 * sim_tcb_init() - the simulated TDX module's TCB, once at load
 *
 * MRSEAM and MRSIGNERSEAM are digests of fixed names: TDREPORTs carry
 * them and the platform certificate's FWID is the same MRSEAM.
 *
 * Context: module init, after sim_crypto_init().
 * Return: 0, or the error of the hash.
 */
int sim_tcb_init(void)
{
	struct sim_tcb *t = &sim.tcb;
	int ret;

	memcpy(t->tee_tcb_svn, sim_tee_tcb_svn, sizeof(t->tee_tcb_svn));
	memcpy(t->tee_tcb_svn2, sim_tee_tcb_svn2, sizeof(t->tee_tcb_svn2));
	ret = sim_sha384("tdx-ext simulated SEAM module", 29, t->mrseam);
	if (!ret)
		ret = sim_sha384("tdx-ext simulated SEAM signer", 29,
				 t->mrsignerseam);
	return ret;
}

static void fill_tee_tcb_info(u8 *report)
{
	const struct sim_tcb *t = &sim.tcb;

	memset(report + TDX_REPORT_TCB_VALID_OFF, 0xff, TDX_REPORT_TCB_VALID_SIZE);
	memcpy(report + TDX_REPORT_TEE_TCB_SVN_OFF, t->tee_tcb_svn,
	       sizeof(t->tee_tcb_svn));
	memcpy(report + TDX_REPORT_MRSEAM_OFF, t->mrseam, sizeof(t->mrseam));
	memcpy(report + TDX_REPORT_MRSIGNERSEAM_OFF, t->mrsignerseam,
	       sizeof(t->mrsignerseam));
	memcpy(report + TDX_REPORT_TEE_TCB_SVN2_OFF, t->tee_tcb_svn2,
	       sizeof(t->tee_tcb_svn2));
}

/* MAC over everything before the MAC field, truncated to 32 bytes. */
static int report_mac(const u8 *report, u8 *mac)
{
	u8 full[SIM_P384_BYTES];
	int ret;

	ret = sim_hmac384(sim.report_key, sizeof(sim.report_key), report,
			  TDX_REPORT_MAC_OFF, NULL, 0, full);
	memcpy(mac, full, TDX_REPORT_MAC_SIZE);
	return ret;
}

static int build_report(const struct sim_td *td, const u8 *reportdata,
			u8 *report)
{
	int ret;

	memset(report, 0, TDX_REPORT_SIZE);
	report[TDX_REPORT_TYPE_OFF] = TDX_REPORT_TYPE_TDX;
	memcpy(report + TDX_REPORT_CPUSVN_OFF, sim_cpusvn, sizeof(sim_cpusvn));
	memcpy(report + TDX_REPORT_REPORTDATA_OFF, reportdata,
	       TDX_REPORT_REPORTDATA_SIZE);
	fill_tee_tcb_info(report);
	memcpy(report + TDX_REPORT_TDINFO_OFF, td->tdinfo, sizeof(td->tdinfo));
	ret = sim_sha384(report + TDX_REPORT_TEE_TCB_INFO_OFF,
			 TDX_REPORT_TEE_TCB_INFO_SIZE,
			 report + TDX_REPORT_TEE_TCB_INFO_HASH_OFF);
	if (!ret)
		ret = sim_sha384(report + TDX_REPORT_TDINFO_OFF,
				 TDX_REPORT_TDINFO_SIZE,
				 report + TDX_REPORT_TEE_INFO_HASH_OFF);
	if (!ret)
		ret = report_mac(report, report + TDX_REPORT_MAC_OFF);
	return ret;
}

/* 0 if the report is one this simulator minted and nothing changed. */
int sim_report_verify(const u8 *report)
{
	u8 h[SIM_P384_BYTES], mac[TDX_REPORT_MAC_SIZE];
	int ret;

	if (report[TDX_REPORT_TYPE_OFF] != TDX_REPORT_TYPE_TDX)
		return -EBADMSG;
	ret = sim_sha384(report + TDX_REPORT_TEE_TCB_INFO_OFF,
			 TDX_REPORT_TEE_TCB_INFO_SIZE, h);
	if (ret)
		return ret;
	if (crypto_memneq(h, report + TDX_REPORT_TEE_TCB_INFO_HASH_OFF, sizeof(h)))
		return -EBADMSG;
	ret = sim_sha384(report + TDX_REPORT_TDINFO_OFF, TDX_REPORT_TDINFO_SIZE, h);
	if (ret)
		return ret;
	if (crypto_memneq(h, report + TDX_REPORT_TEE_INFO_HASH_OFF, sizeof(h)))
		return -EBADMSG;
	ret = report_mac(report, mac);
	if (ret)
		return ret;
	if (crypto_memneq(mac, report + TDX_REPORT_MAC_OFF, sizeof(mac)))
		return -EBADMSG;
	return 0;
}

struct sim_td *sim_td_by_handle(u64 pa)
{
	struct sim_td *td;

	list_for_each_entry(td, &sim.tds, node)
		if (page_to_phys(td->tdr) == pa)
			return td;
	return NULL;
}

struct sim_td *sim_td_by_tdinfo(const u8 *tdinfo)
{
	struct sim_td *td;

	list_for_each_entry(td, &sim.tds, node)
		if (!memcmp(td->tdinfo, tdinfo, sizeof(td->tdinfo)))
			return td;
	return NULL;
}

/* debugfs: tds/<id>/handle */
static int handle_show(struct seq_file *m, void *v)
{
	struct sim_td *td = m->private;

	seq_printf(m, "%#llx\n", (u64)page_to_phys(td->tdr));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(handle);

/* debugfs: tds/<id>/report: write REPORTDATA, read the TDREPORT */
struct report_file {
	struct sim_td *td;
	bool ready;
	u8 report[TDX_REPORT_SIZE];
};

static int report_open(struct inode *inode, struct file *file)
{
	struct report_file *rf = kzalloc(sizeof(*rf), GFP_KERNEL);

	if (!rf)
		return -ENOMEM;
	rf->td = inode->i_private;
	file->private_data = rf;
	return nonseekable_open(inode, file);
}

static int report_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t report_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	struct report_file *rf = file->private_data;
	u8 rd[TDX_REPORT_REPORTDATA_SIZE];
	char buf[2 * TDX_REPORT_REPORTDATA_SIZE + 2];
	int ret;

	if (len > sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	if (len == sizeof(rd)) {
		memcpy(rd, buf, sizeof(rd));
	} else if (len == 2 * sizeof(rd) ||
		   (len == 2 * sizeof(rd) + 1 && buf[len - 1] == '\n')) {
		if (hex2bin(rd, buf, sizeof(rd)))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	mutex_lock(&sim.lock);
	ret = build_report(rf->td, rd, rf->report);
	mutex_unlock(&sim.lock);
	if (ret)
		return ret;
	rf->ready = true;
	return len;
}

static ssize_t report_read(struct file *file, char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	struct report_file *rf = file->private_data;

	if (!rf->ready)
		return -ENODATA;
	return simple_read_from_buffer(ubuf, len, ppos, rf->report,
				       sizeof(rf->report));
}

static const struct file_operations report_fops = {
	.owner = THIS_MODULE,
	.open = report_open,
	.release = report_release,
	.read = report_read,
	.write = report_write,
};

/* The TD is off the list already. */
static void td_free(struct sim_td *td)
{
	debugfs_remove_recursive(td->dir);
	__free_page(td->tdr);
	kfree(td);
}

static const struct {
	const char *name;
	unsigned int off, len;
} td_fields[] = {
	{ "attributes", 0, 8 },
	{ "xfam", 8, 8 },
	{ "mrtd", 16, 48 },
	{ "mrconfigid", 64, 48 },
	{ "mrowner", 112, 48 },
	{ "mrownerconfig", 160, 48 },
	{ "rtmr0", 208, 48 },
	{ "rtmr1", 256, 48 },
	{ "rtmr2", 304, 48 },
	{ "rtmr3", 352, 48 },
	{ "servtd_hash", 400, 48 },
};

/* "key=hex key=hex ..." into a TDINFO */
static int parse_tdinfo(char *s, u8 *tdinfo)
{
	char *tok, *val;
	unsigned int i;

	while ((tok = strsep(&s, " \t\n"))) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		for (i = 0; i < ARRAY_SIZE(td_fields); i++)
			if (!strcmp(tok, td_fields[i].name))
				break;
		if (i == ARRAY_SIZE(td_fields) ||
		    strlen(val) != 2 * td_fields[i].len ||
		    hex2bin(tdinfo + td_fields[i].off, val, td_fields[i].len))
			return -EINVAL;
	}
	return 0;
}

static ssize_t td_create_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct sim_td *td;
	char name[16];
	char *buf;
	int ret;

	if (len > PAGE_SIZE)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = -ENOMEM;
	td = kzalloc(sizeof(*td), GFP_KERNEL);
	if (!td)
		goto out;
	ret = parse_tdinfo(buf, td->tdinfo);
	if (ret)
		goto err_td;
	ret = -ENOMEM;
	td->tdr = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!td->tdr)
		goto err_td;

	mutex_lock(&sim.lock);
	td->id = sim.next_td_id++;
	snprintf(name, sizeof(name), "%u", td->id);
	td->dir = debugfs_create_dir(name, tds_dir);
	debugfs_create_file("handle", 0400, td->dir, td, &handle_fops);
	debugfs_create_file("report", 0600, td->dir, td, &report_fops);
	list_add_tail(&td->node, &sim.tds);
	sim.last_td_id = td->id;
	mutex_unlock(&sim.lock);
	ret = len;
	goto out;

err_td:
	kfree(td);
out:
	kfree(buf);
	return ret;
}

static ssize_t td_create_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char buf[16];
	int n;

	mutex_lock(&sim.lock);
	n = sim.next_td_id ? scnprintf(buf, sizeof(buf), "%u\n", sim.last_td_id) : 0;
	mutex_unlock(&sim.lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations td_create_fops = {
	.owner = THIS_MODULE,
	.read = td_create_read,
	.write = td_create_write,
};

static ssize_t td_destroy_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct sim_td *td, *found = NULL;
	unsigned int id;
	int ret;

	ret = kstrtouint_from_user(ubuf, len, 0, &id);
	if (ret)
		return ret;
	mutex_lock(&sim.lock);
	list_for_each_entry(td, &sim.tds, node)
		if (td->id == id)
			found = td;
	if (found)
		list_del(&found->node);
	mutex_unlock(&sim.lock);
	if (!found)
		return -ENOENT;
	/*
	 * Outside the lock: removing the directory waits for report files
	 * in use, and their writers take the lock.
	 */
	td_free(found);
	return len;
}

static const struct file_operations td_destroy_fops = {
	.owner = THIS_MODULE,
	.write = td_destroy_write,
};

int sim_td_debugfs_init(struct dentry *dir)
{
	tds_dir = debugfs_create_dir("tds", dir);
	debugfs_create_file("td_create", 0600, dir, NULL, &td_create_fops);
	debugfs_create_file("td_destroy", 0200, dir, NULL, &td_destroy_fops);
	return 0;
}

/* At unload, after debugfs is gone. */
void sim_td_destroy_all(void)
{
	struct sim_td *td, *tmp;

	list_for_each_entry_safe(td, tmp, &sim.tds, node) {
		list_del(&td->node);
		td->dir = NULL;		/* gone with the debugfs root */
		td_free(td);
	}
}
