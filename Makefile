# SPDX-License-Identifier: GPL-2.0
#
# tdx-ext top-level Makefile.
#
#   make                  build tdx_ext.ko and tdx_ext_sim.ko for the running
#                         kernel, or for KVER=<release> / KDIR=<build dir>
#   make tools            build the user-space tools
#   make install          modules_install + depmod for KVER
#   make clean            remove build products
#   make demo             boot a Debian kernel in QEMU and show the main job
#   make check            the whole test suite (what .ci/run runs)
#   make unit             host unit tests only
#   make vm               VM tests only (VM_KERNELS="deb61 deb612 debug")
#   make bench            benchmarks in QEMU, printed as figures

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PWD := $(CURDIR)

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

.PHONY: all modules modules_install install clean tools tools-clean \
	check unit vm demo bench checkheaders

all: modules

checkheaders:
	@test -e "$(KDIR)/Makefile" || { \
		echo "error: no kernel build tree at $(KDIR)." >&2; \
		echo "  Install linux-headers-$(KVER), or pass KVER=<release> or KDIR=<path>." >&2; \
		exit 1; }

modules: checkheaders
	$(MAKE) -C $(KDIR) M=$(PWD) modules

# INSTALL_MOD_PATH=<dir> installs into a staging root (packaging, tests).
modules_install: checkheaders
	$(MAKE) -C $(KDIR) M=$(PWD) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER)

install: modules_install

tools:
	$(MAKE) -C tools

tools-clean:
	$(MAKE) -C tools clean

clean: tools-clean
	@if [ -e "$(KDIR)/Makefile" ]; then \
		$(MAKE) -C $(KDIR) M=$(PWD) clean; \
	else \
		rm -rf .tmp_versions Module.symvers modules.order; \
		find . -path ./.git -prune -o \( -name '*.o' -o -name '*.ko' \
			-o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' \
			-o -name '*.o.d' \) -print | xargs -r rm -f; \
	fi
	$(MAKE) -C tests/unit clean
	rm -rf .build

unit:
	tests/run.sh unit

vm:
	tests/run.sh vm

check:
	tests/run.sh

demo:
	tests/vm/demo.sh

bench:
	tests/bench/run.sh
