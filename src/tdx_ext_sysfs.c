// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs attributes of /dev/tdx_quote's device, under
 * /sys/class/misc/tdx_quote/ (docs/ABI/sysfs-class-misc-tdx_quote).
 */

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>

#include "tdx_ext.h"

static const char * const state_names[] = {
	[TDX_EXT_STATE_INIT] = "initializing",
	[TDX_EXT_STATE_EXT_READY] = "quote-unavailable",
	[TDX_EXT_STATE_QUOTE_READY] = "ready",
};

static ssize_t backend_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", tdx_ext.seam->name);
}
static DEVICE_ATTR_RO(backend);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", state_names[READ_ONCE(tdx_ext.state)]);
}
static DEVICE_ATTR_RO(state);

static ssize_t features_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%#llx\n", tdx_ext.features);
}
static DEVICE_ATTR_RO(features);

static ssize_t pool_pages_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", tdx_ext.pool_required);
}
static DEVICE_ATTR_RO(pool_pages);

static ssize_t pool_kib_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%llu\n", tdx_ext.pool_required * (PAGE_SIZE / 1024));
}
static DEVICE_ATTR_RO(pool_kib);

static ssize_t pool_donated_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", tdx_ext.pool_donated);
}
static DEVICE_ATTR_RO(pool_donated);

/* Pages of failed MEM.ADDs the TDX module may own: kept, never freed. */
static ssize_t pool_leaked_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", tdx_ext.pool_leaked);
}
static DEVICE_ATTR_RO(pool_leaked);

static ssize_t max_quote_size_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", tdx_ext.max_quote_size);
}
static DEVICE_ATTR_RO(max_quote_size);

static ssize_t quote_init_status_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%#018llx\n", tdx_ext.quote_init_status);
}
static DEVICE_ATTR_RO(quote_init_status);

static ssize_t module_version_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	ssize_t n;

	/* version[] and build change together, under recover_lock */
	mutex_lock(&tdx_ext.recover_lock);
	n = sysfs_emit(buf, "%u.%u.%u build %u\n", tdx_ext.version[0],
		       tdx_ext.version[1], tdx_ext.version[2], tdx_ext.build);
	mutex_unlock(&tdx_ext.recover_lock);
	return n;
}
static DEVICE_ATTR_RO(module_version);

static ssize_t module_updates_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(tdx_ext.module_updates));
}
static DEVICE_ATTR_RO(module_updates);

/* Why quoting is unavailable, and what to do; "none" when it works. */
static ssize_t diagnosis_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	ssize_t n;

	mutex_lock(&tdx_ext.recover_lock);
	if (READ_ONCE(tdx_ext.state) == TDX_EXT_STATE_QUOTE_READY ||
	    !tdx_ext.diag[0])
		n = sysfs_emit(buf, "none\n");
	else
		n = sysfs_emit(buf, "%s\n", tdx_ext.diag);
	mutex_unlock(&tdx_ext.recover_lock);
	return n;
}
static DEVICE_ATTR_RO(diagnosis);

/* Engine counters: one show function, the counter in the attribute. */
static ssize_t stat_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct dev_ext_attribute *ea = container_of(attr, struct dev_ext_attribute,
						    attr);

	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(ea->var));
}

static struct dev_ext_attribute stat_attrs[] = {
	{ __ATTR(jobs, 0444, stat_show, NULL), &tdx_ext.stats.jobs },
	{ __ATTR(calls, 0444, stat_show, NULL), &tdx_ext.stats.calls },
	{ __ATTR(resumes, 0444, stat_show, NULL), &tdx_ext.stats.resumes },
	{ __ATTR(retries, 0444, stat_show, NULL), &tdx_ext.stats.retries },
	{ __ATTR(timeouts, 0444, stat_show, NULL), &tdx_ext.stats.timeouts },
	{ __ATTR(errors, 0444, stat_show, NULL), &tdx_ext.stats.errors },
	{ __ATTR(seam_ns, 0444, stat_show, NULL), &tdx_ext.stats.seam_ns },
	{ __ATTR(wall_ns, 0444, stat_show, NULL), &tdx_ext.stats.wall_ns },
	{ __ATTR(abandoned, 0444, stat_show, NULL), &tdx_ext.stats.abandoned },
	{ __ATTR(abandoned_finished, 0444, stat_show, NULL),
	  &tdx_ext.stats.abandoned_finished },
	{ __ATTR(busy, 0444, stat_show, NULL), &tdx_ext.stats.busy },
};

static struct attribute *tdx_ext_attrs[] = {
	&dev_attr_backend.attr,
	&dev_attr_state.attr,
	&dev_attr_features.attr,
	&dev_attr_pool_pages.attr,
	&dev_attr_pool_kib.attr,
	&dev_attr_pool_donated.attr,
	&dev_attr_pool_leaked.attr,
	&dev_attr_max_quote_size.attr,
	&dev_attr_quote_init_status.attr,
	&dev_attr_module_version.attr,
	&dev_attr_module_updates.attr,
	&dev_attr_diagnosis.attr,
	NULL,
};

static const struct attribute_group tdx_ext_group = {
	.attrs = tdx_ext_attrs,
};

static struct attribute *tdx_ext_stat_attrs[] = {
	&stat_attrs[0].attr.attr,
	&stat_attrs[1].attr.attr,
	&stat_attrs[2].attr.attr,
	&stat_attrs[3].attr.attr,
	&stat_attrs[4].attr.attr,
	&stat_attrs[5].attr.attr,
	&stat_attrs[6].attr.attr,
	&stat_attrs[7].attr.attr,
	&stat_attrs[8].attr.attr,
	&stat_attrs[9].attr.attr,
	&stat_attrs[10].attr.attr,
	NULL,
};

static const struct attribute_group tdx_ext_stat_group = {
	.name = "engine",
	.attrs = tdx_ext_stat_attrs,
};

const struct attribute_group *tdx_ext_groups[] = {
	&tdx_ext_group,
	&tdx_ext_stat_group,
	NULL,
};
