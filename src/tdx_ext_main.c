// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_ext: TDX Module Extensions and DICE-based TDX quoting for the host.
 *
 * This file holds module init/exit and the /dev/tdx_quote misc device.
 * The device has no ioctls yet; the quote service arrives with the UAPI.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "tdx_ext_version.h"

static int tdx_quote_open(struct inode *inode, struct file *file)
{
	return nonseekable_open(inode, file);
}

static long tdx_quote_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	return -ENOTTY;
}

static const struct file_operations tdx_quote_fops = {
	.owner		= THIS_MODULE,
	.open		= tdx_quote_open,
	.unlocked_ioctl	= tdx_quote_ioctl,
};

static struct miscdevice tdx_quote_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "tdx_quote",
	.fops	= &tdx_quote_fops,
	.mode	= 0600,
};

static int __init tdx_ext_init(void)
{
	int ret;

	ret = misc_register(&tdx_quote_miscdev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n",
		       tdx_quote_miscdev.name, ret);
		return ret;
	}
	pr_info("version %s loaded\n", TDX_EXT_VERSION);
	return 0;
}

static void __exit tdx_ext_exit(void)
{
	misc_deregister(&tdx_quote_miscdev);
}

module_init(tdx_ext_init);
module_exit(tdx_ext_exit);

MODULE_DESCRIPTION("Intel TDX Module Extensions and DICE quoting for the host");
MODULE_AUTHOR("tdx-ext developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(TDX_EXT_VERSION);
