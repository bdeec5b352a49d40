/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TDX_EXT_VERSION_H
#define TDX_EXT_VERSION_H

/* Keep in step with PACKAGE_VERSION in dkms.conf (checked by the tests). */
#define TDX_EXT_VERSION "0.1.0"

#endif
