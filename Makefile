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
#   make deb              Debian packages tdx-ext-dkms and tdx-ext-tools
#                         (dpkg-buildpackage -us -uc -b) into .build/deb/
#   make rpm              RPM packages (rpmbuild -bb) into .build/rpm/

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PWD := $(CURDIR)

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

.PHONY: all modules modules_install install clean tools tools-clean \
	check unit vm demo bench checkheaders deb rpm pkgversion

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

# --- packages: version from dkms.conf, built from a copy of this tree -------
# The copy leaves out version control, tests and build products.
PKG_EXCLUDES := --exclude=./.git --exclude=./.build --exclude=./.ci \
	--exclude=./tests --exclude=./tools/build --exclude='*.o' \
	--exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude='*.o.d' --exclude=Module.symvers \
	--exclude=modules.order
DEB_DIR := $(CURDIR)/.build/deb
DEB_SRC := $(DEB_DIR)/tdx-ext-$(VERSION)
DEB_MAINT = $(shell sed -n 's/^Maintainer: //p' packaging/debian/control)
# The changelog's date: SOURCE_DATE_EPOCH, else the last commit, else now.
DEB_DATE = $(shell date -R -d @$${SOURCE_DATE_EPOCH:-$$(git log -1 \
	--format=%ct 2>/dev/null || date +%s)})
RPM_DIR := $(CURDIR)/.build/rpm

pkgversion:
	@test -n "$(VERSION)" || { \
		echo "error: no PACKAGE_VERSION=\"...\" in dkms.conf" >&2; exit 1; }

# debian/changelog is written here, from dkms.conf: the version is kept in
# one place, and debian/rules refuses a changelog that disagrees with it.
deb: pkgversion
	rm -rf $(DEB_SRC) $(DEB_DIR)/tdx-ext*_$(VERSION)[_.]*
	mkdir -p $(DEB_SRC)
	tar -cf - $(PKG_EXCLUDES) . | tar -xf - -C $(DEB_SRC)
	rm -rf $(DEB_SRC)/debian
	cp -a packaging/debian $(DEB_SRC)/debian
	printf '%s\n' "tdx-ext ($(VERSION)) unstable; urgency=medium" "" \
		"  * tdx-ext $(VERSION), built from the source tree (make deb)." "" \
		" -- $(DEB_MAINT)  $(DEB_DATE)" >$(DEB_SRC)/debian/changelog
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b
	@ls -1 $(DEB_DIR)/*_$(VERSION)_*.deb

# rpmbuild --nodeps: Debian's rpm database is empty, so the BuildRequires
# (gcc, make, libcbor-devel, openssl-devel) cannot be found in it even
# though the Debian packages providing them are installed.
rpm: pkgversion
	rm -rf $(RPM_DIR)
	mkdir -p $(RPM_DIR)/SOURCES
	tar -czf $(RPM_DIR)/SOURCES/tdx-ext-$(VERSION).tar.gz $(PKG_EXCLUDES) \
		--transform 's,^\.,tdx-ext-$(VERSION),' .
	rpmbuild -bb --nodeps --define '_topdir $(RPM_DIR)' \
		--define 'tdx_version $(VERSION)' packaging/rpm/tdx-ext.spec
	@find $(RPM_DIR)/RPMS -name '*.rpm' | sort
