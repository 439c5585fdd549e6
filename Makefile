# vmapple-kvm: the module, the launcher, their tests and the rig.
#
#   make          build everything (on x86: host tests natively; the module,
#                 `vmapple` and the kselftests cross-built for the rig)
#   make check    host unit tests, lint, DKMS build, kselftests in the rig
#   make demo     boot the rig, load the module, run `vmapple check`, boot the board
#   make bench    exit costs, Layer 0 vs Layer 1, measured in the rig (table + CSV)
#   make soak N=  boot the Linux guest N times under Layer 1 (failures out of boots)
#   make module   just the module (KDIR=... to pick the kernel)
#
# Missing Debian packages are installed by scripts/setup.sh; downloads are
# cached under ~/.cache/vmapple-kvm (or $VMAPPLE_CACHE), shared by every clone.

TOP := $(CURDIR)
BUILD := $(TOP)/build
HOST_ARCH := $(shell uname -m)
UAPI := -I$(TOP)/include/uapi

USER_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g $(UAPI)
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Kselftests build as the kernel's own selftests do.
KSFT_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Wall -Werror -O2 $(UAPI)

ifeq ($(HOST_ARCH),aarch64)
ARM64_CC ?= $(CC)
ARM64_LDFLAGS ?=
KDIR ?= /lib/modules/$(shell uname -r)/build
MODULE_MAKE_FLAGS :=
else
ARM64_CC ?= aarch64-linux-gnu-gcc
ARM64_LDFLAGS ?= -static
MODULE_MAKE_FLAGS := ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
endif

HW_SRCS := $(wildcard userspace/hw/*.c)
VIRTIO_SRCS := $(wildcard userspace/virtio/*.c)
NET_SRCS := $(wildcard userspace/net/*.c)
# VM bundles, one file per layout (userspace/bundle.c holds their table).
BUNDLE_SRCS := $(wildcard userspace/bundle/*.c)
# The boards `run --board` builds, one folder each, and their registry.
BOARDS_SRCS := $(wildcard userspace/boards/*.c userspace/boards/*/*.c)
# The VM runtime every board runs on: vm, vcpu (the run loop), MMIO bus, exits.
RUNTIME_SRCS := $(wildcard userspace/runtime/*.c)
# What a fleet engine drives: the VM store and Orchard's vetu command set.
FLEET_SRCS := $(wildcard userspace/fleet/*.c)
# VM images in OCI registries, in Tart's format (libcurl, liblz4).
OCI_SRCS := $(wildcard userspace/oci/*.c)
LAUNCHER_SRCS := $(wildcard userspace/*.c) $(RUNTIME_SRCS) $(HW_SRCS) $(VIRTIO_SRCS) $(NET_SRCS) \
	$(BUNDLE_SRCS) $(FLEET_SRCS) $(OCI_SRCS) \
	$(BOARDS_SRCS) \
	$(wildcard common/*.c)
LAUNCHER_HDRS := $(wildcard userspace/*.h userspace/runtime/*.h userspace/hw/*.h userspace/virtio/*.h \
	userspace/net/*.h userspace/bundle/*.h userspace/boards/*.h userspace/boards/*/*.h \
	userspace/fleet/*.h userspace/oci/*.h \
	common/*.h) include/uapi/linux/vmapple_kvm.h
# libfdt, libslirp (on glib), libnl, json-c, libplist, libcurl, liblz4: the host's for the unit tests.
HOST_PKGS := slirp glib-2.0 libnl-3.0 libnl-route-3.0 json-c libplist-2.0 libcurl liblz4
HOST_LIB_CFLAGS = $(shell pkg-config --cflags $(HOST_PKGS) 2>/dev/null)
HOST_LIBS = -lcrypto -lfdt $(shell pkg-config --libs $(HOST_PKGS) 2>/dev/null)
# common/: the decoder and walker, built unchanged into the module and the launcher.
COMMON_SRCS := $(wildcard common/*.c)
COMMON_HDRS := $(wildcard common/*.h)
PURE_SRCS := userspace/cli.c userspace/caps.c userspace/vmk_client.c userspace/runtime/mmio_bus.c \
	userspace/nvram.c userspace/timebase.c userspace/stat_view.c userspace/disk.c \
	userspace/boards/vmapple/board_dt.c userspace/dt_util.c userspace/linux_image.c \
	userspace/boards/board_names.c userspace/boards/t8103/t8103_dt.c \
	userspace/console.c userspace/alarm.c userspace/boot_session.c userspace/macos_slots.c \
	userspace/host_config.c userspace/progress.c userspace/help.c userspace/clone.c \
	userspace/bundle_run.c \
	userspace/qmp.c userspace/bundle.c userspace/runtime/guest_ram.c \
	$(HW_SRCS) $(VIRTIO_SRCS) $(NET_SRCS) $(BUNDLE_SRCS) $(FLEET_SRCS) $(OCI_SRCS) $(COMMON_SRCS)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/host/%,$(wildcard tests/unit/test_*.c))
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
KSELFTESTS := $(patsubst tests/kselftest/%.c,$(BUILD)/arm64/%,$(wildcard tests/kselftest/*.c))
KMOD_SRCS := Kbuild $(wildcard kmod/*.c kmod/*.h) include/uapi/linux/vmapple_kvm.h

.PHONY: all setup module launcher kselftests kvm-selftests unit fuzzers check demo bench soak \
	dkms-install packages package-check clean
.DELETE_ON_ERROR:

all: setup unit fuzzers launcher module kselftests kvm-selftests

setup:
	@scripts/setup.sh

unit: $(UNIT_TESTS) $(BUILD)/host/vetu-host $(BUILD)/host/net-pump
fuzzers: $(FUZZERS)
launcher: $(BUILD)/arm64/vmapple
kselftests: $(KSELFTESTS)
kvm-selftests: $(BUILD)/arm64/kvm-selftests/.built

# The code under test, compiled once (ASan/UBSan) into an archive each unit
# test links: one compile per source, not one per source per test.
PURE_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(PURE_SRCS))
$(BUILD)/host/obj/%.o: %.c $(LAUNCHER_HDRS) $(COMMON_HDRS) | setup
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(HOST_LIB_CFLAGS) $(SANITIZE) -c -o $@ $<
$(BUILD)/host/libpure.a: $(PURE_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/host/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(BUILD)/host/libpure.a \
		$(LAUNCHER_HDRS) $(COMMON_HDRS) | setup
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(HOST_LIB_CFLAGS) $(SANITIZE) -o $@ $< $(BUILD)/host/libpure.a \
		$(HOST_LIBS) -lpthread

# The vetu/OCI commands on the host, for tests/oci/ against a real registry.
$(BUILD)/host/vetu-host: tests/oci/vetu_host.c $(BUILD)/host/libpure.a $(LAUNCHER_HDRS) | setup
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(HOST_LIB_CFLAGS) $(SANITIZE) -o $@ $< $(BUILD)/host/libpure.a \
		$(HOST_LIBS) -lpthread

# A stand-in VMM on the shared network, for tests/network/ in namespaces.
$(BUILD)/host/net-pump: tests/network/net_pump.c $(BUILD)/host/libpure.a $(LAUNCHER_HDRS) | setup
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(HOST_LIB_CFLAGS) $(SANITIZE) -o $@ $< $(BUILD)/host/libpure.a \
		$(HOST_LIBS) -lpthread

# The device models that parse guest data are fuzzed with the decoder's code.
FUZZ_SRCS := $(COMMON_SRCS) $(HW_SRCS) userspace/virtio/virtqueue.c
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_guest.h $(FUZZ_SRCS) $(COMMON_HDRS) \
		$(LAUNCHER_HDRS) | setup
	@mkdir -p $(@D)
	clang -std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined $(UAPI) -o $@ $< \
		$(FUZZ_SRCS) -lcrypto

# The launcher's libraries: the system's on arm64, Debian's arm64 -dev packages
# unpacked into the cache when cross-building (static).
ifeq ($(HOST_ARCH),aarch64)
$(BUILD)/arm64-libs.mk: | setup
	@mkdir -p $(@D)
	echo "ARM64_LIB_CFLAGS := $$(pkg-config --cflags $(HOST_PKGS))" >$@
	echo "ARM64_LIBS := -lssl -lcrypto -lfdt $$(pkg-config --libs $(HOST_PKGS))" >>$@
else
$(BUILD)/arm64-libs.mk: scripts/arm64-sysroot.sh | setup
	@mkdir -p $(@D)
	root=$$(scripts/arm64-sysroot.sh) && lib=$$root/usr/lib/aarch64-linux-gnu && \
	echo "ARM64_LIB_CFLAGS := -I$$root/usr/include -I$$root/usr/include/aarch64-linux-gnu" \
		"-I$$root/usr/include/glib-2.0 -I$$lib/glib-2.0/include" \
		"-I$$root/usr/include/slirp -I$$root/usr/include/libnl3" >$@ && \
	echo "ARM64_LIBS := $$lib/libfdt.a $$lib/libslirp.a $$lib/libglib-2.0.a" \
		"$$lib/libpcre2-8.a $$lib/libnl-route-3.a $$root/lib/aarch64-linux-gnu/libnl-3.a" \
		"$$lib/libjson-c.a $$lib/libplist-2.0.a $$lib/libcurl.a $$lib/liblz4.a" \
		"$$lib/libssl.a $$lib/libcrypto.a -lpthread" >>$@
endif
ifeq ($(filter clean,$(MAKECMDGOALS)),)
-include $(BUILD)/arm64-libs.mk
endif

$(BUILD)/arm64/vmapple: $(LAUNCHER_SRCS) $(LAUNCHER_HDRS) $(BUILD)/arm64-libs.mk | setup
	@mkdir -p $(@D)
	$(ARM64_CC) $(USER_CFLAGS) $(ARM64_LIB_CFLAGS) $(ARM64_LDFLAGS) -o $@ $(LAUNCHER_SRCS) \
		$(ARM64_LIBS)

# The kselftest headers come from the kernel tree (linux-source-6.12).
$(BUILD)/linux-source.path: scripts/linux-source.sh | setup
	@mkdir -p $(@D)
	scripts/linux-source.sh >$@

$(BUILD)/arm64/%: tests/kselftest/%.c include/uapi/linux/vmapple_kvm.h $(BUILD)/linux-source.path
	@mkdir -p $(@D)
	$(ARM64_CC) $(KSFT_CFLAGS) -I$$(cat $(BUILD)/linux-source.path)/tools/testing/selftests \
		$(ARM64_LDFLAGS) -o $@ $<

# Upstream KVM arm64 selftests from the same tree, run in the rig with and
# without the module (tests/kselftest/upstream_kvm.sh); built once, cached.
$(BUILD)/arm64/kvm-selftests/.built: scripts/kvm-selftests.sh $(BUILD)/linux-source.path | setup
	scripts/kvm-selftests.sh $(BUILD)
	touch $@

# Layer 0 against real KVM: the launcher's VM code plus a bare-metal payload.
LAYER0_SRCS := $(RUNTIME_SRCS) \
	userspace/timebase.c userspace/vmk_client.c \
	$(COMMON_SRCS)

# Guest payloads, linked where they are loaded: fwtest is firmware at 0x10_0000.
PAYLOAD_BASE_isv0 := 0x70000000
PAYLOAD_BASE_fwtest := 0x100000
PAYLOAD_BASE_mmio_loop := 0x100000
PAYLOAD_BASE_exit_bench := 0x70000000
PAYLOAD_BASE_wfk := 0x100000
PAYLOAD_BASE_msi := 0x70000000
PAYLOAD_BASE_hostile := 0x70000000
PAYLOAD_BASE_vdrv := 0x100000
PAYLOAD_BASE_netguest := 0x100000
PAYLOAD_BASE_rawk := 0x70000000
PAYLOAD_BASE_mmio_peer := 0x70000000
PAYLOAD_BASE_aic := 0x800000000
PAYLOAD_BASE_irq_bench := 0x800000000
$(BUILD)/arm64/payload/%.bin: tests/kselftest/payload/%.S | setup
	@mkdir -p $(@D)
	$(ARM64_CC) -march=armv8.4-a -nostdlib -static -Wl,-Ttext=$(PAYLOAD_BASE_$*) \
		-Wl,--build-id=none -o $(@:.bin=.elf) $<
	$(patsubst %gcc,%objcopy,$(ARM64_CC)) -O binary $(@:.bin=.elf) $@
# Synthetic aux images for nvram.sh (staged with the payloads).
$(BUILD)/arm64/payload/nvram-aux.bin: tests/fixtures/make-aux.py | setup
	@mkdir -p $(@D)
	python3 $< $@
	python3 $< $(@:.bin=-vz.bin) --header
# A fake bundle of each layout for bundles.sh (tests/fixtures/make-bundle.py):
# a 1 MiB disk starting ROOTDISK, an aux of 1 MiB + VZ's 16 KiB header.
$(BUILD)/bundles/.made: tests/fixtures/make-bundle.py | setup
	rm -rf $(@D) && mkdir -p $(@D)
	printf ROOTDISK >$(@D)/d.img && truncate -s 1M $(@D)/d.img
	truncate -s 1064960 $(@D)/a.img
	python3 $< all $(@D) $(@D)/d.img $(@D)/a.img 0x1122334455667788 --cpus 2 \
		--mem 67108864 >/dev/null
	rm $(@D)/d.img $(@D)/a.img && touch $@
# Payloads in C: freestanding, MMU off (no unaligned or SIMD accesses).
PAYLOAD_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib -static \
	-fno-pic -no-pie -mstrict-align -mgeneral-regs-only -fno-stack-protector \
	-fno-tree-loop-distribute-patterns -fno-builtin -fno-reorder-functions
$(BUILD)/arm64/payload/%.bin: tests/kselftest/payload/%.c tests/kselftest/payload/bare.h | setup
	@mkdir -p $(@D)
	$(ARM64_CC) $(PAYLOAD_CFLAGS) -Wl,-Ttext=$(PAYLOAD_BASE_$*) -Wl,--build-id=none \
		-Wl,-e,_start -o $(@:.bin=.elf) $<
	$(patsubst %gcc,%objcopy,$(ARM64_CC)) -O binary -j .text -j .rodata -j .data \
		$(@:.bin=.elf) $@

$(BUILD)/arm64/layer0_test: tests/kselftest/layer0_test.c $(LAYER0_SRCS) $(LAUNCHER_HDRS) \
		$(BUILD)/arm64/payload/isv0.bin $(BUILD)/linux-source.path
	@mkdir -p $(@D)
	$(ARM64_CC) $(KSFT_CFLAGS) -I$$(cat $(BUILD)/linux-source.path)/tools/testing/selftests \
		-DISV0_PAYLOAD='"$(BUILD)/arm64/payload/isv0.bin"' $(ARM64_LDFLAGS) -o $@ $< $(LAYER0_SRCS)

$(BUILD)/arm64/msi_test: tests/kselftest/msi_test.c $(LAYER0_SRCS) userspace/hw/gicv2m.c \
		$(LAUNCHER_HDRS) $(BUILD)/arm64/payload/msi.bin $(BUILD)/linux-source.path
	@mkdir -p $(@D)
	$(ARM64_CC) $(KSFT_CFLAGS) -I$$(cat $(BUILD)/linux-source.path)/tools/testing/selftests \
		-DMSI_PAYLOAD='"$(BUILD)/arm64/payload/msi.bin"' $(ARM64_LDFLAGS) -o $@ $< \
		$(LAYER0_SRCS) userspace/hw/gicv2m.c

# The t8103 board's in-kernel AIC, driven by its payload.
$(BUILD)/arm64/aic_test: tests/kselftest/aic_test.c $(LAYER0_SRCS) $(LAUNCHER_HDRS) \
		$(BUILD)/arm64/payload/aic.bin $(BUILD)/linux-source.path
	@mkdir -p $(@D)
	$(ARM64_CC) $(KSFT_CFLAGS) -I$$(cat $(BUILD)/linux-source.path)/tools/testing/selftests \
		-DAIC_PAYLOAD='"$(BUILD)/arm64/payload/aic.bin"' $(ARM64_LDFLAGS) -o $@ $< \
		$(LAYER0_SRCS) -lpthread

# The security review's cases (hostile_test) and a guest that parks its vCPU
# in KVM (park_vcpu, for module_unload.sh), on one payload.
$(BUILD)/arm64/hostile_test $(BUILD)/arm64/park_vcpu: $(BUILD)/arm64/%: tests/kselftest/%.c \
		tests/kselftest/hostile_payload.h userspace/hw/gicv2m.c \
		$(LAYER0_SRCS) $(LAUNCHER_HDRS) $(BUILD)/arm64/payload/hostile.bin \
		$(BUILD)/linux-source.path
	@mkdir -p $(@D)
	$(ARM64_CC) $(KSFT_CFLAGS) -I$$(cat $(BUILD)/linux-source.path)/tools/testing/selftests \
		-DHOSTILE_PAYLOAD='"$(BUILD)/arm64/payload/hostile.bin"' $(ARM64_LDFLAGS) -o $@ $< \
		$(LAYER0_SRCS) userspace/hw/gicv2m.c -lpthread

# make bench's measuring program: the same VM code, its own payload.
$(BUILD)/arm64/exit_bench: tests/bench/exit_bench.c $(LAYER0_SRCS) userspace/hw/gicv2m.c \
		userspace/stat_view.c $(LAUNCHER_HDRS) \
		$(BUILD)/arm64/payload/exit_bench.bin | setup
	@mkdir -p $(@D)
	$(ARM64_CC) $(USER_CFLAGS) -DBENCH_PAYLOAD='"$(BUILD)/arm64/payload/exit_bench.bin"' \
		$(ARM64_LDFLAGS) -o $@ $< $(LAYER0_SRCS) userspace/hw/gicv2m.c userspace/stat_view.c

# make bench's interrupt rows: vGIC, the module's AIC, and a userspace AIC (the bench's only).
$(BUILD)/arm64/irq_bench: tests/bench/irq_bench.c $(LAYER0_SRCS) $(LAUNCHER_HDRS) \
		$(BUILD)/arm64/payload/irq_bench.bin | setup
	@mkdir -p $(@D)
	$(ARM64_CC) $(USER_CFLAGS) -DIRQ_PAYLOAD='"$(BUILD)/arm64/payload/irq_bench.bin"' \
		$(ARM64_LDFLAGS) -o $@ $< $(LAYER0_SRCS) -lpthread

# The rig's kernel (x86 hosts only): KDIR and the image come from its env file.
$(BUILD)/rig.env: scripts/rig/fetch.sh scripts/rig/common.sh | setup
	@mkdir -p $(@D)
	cp "$$(scripts/rig/fetch.sh)" $@

ifeq ($(HOST_ARCH),aarch64)
module: $(KMOD_SRCS) | setup
	scripts/build-module.sh "$(KDIR)" $(BUILD)/module
else
module: $(BUILD)/rig.env $(KMOD_SRCS)
	. $(BUILD)/rig.env && scripts/build-module.sh "$(or $(KDIR),$$KDIR)" $(BUILD)/module \
		$(MODULE_MAKE_FLAGS)
	@# The same module built as on 6.18+, where file_is_kvm() is not exported.
	. $(BUILD)/rig.env && scripts/build-module.sh "$(or $(KDIR),$$KDIR)" \
		$(BUILD)/module-noexports $(MODULE_MAKE_FLAGS) VMK_NO_EXPORTS=1
endif

# The peer race's timing tools: gbench in the guest (and on the rig, for the
# ceiling), tstamp on the rig.  Static: neither root has a C library.
$(BUILD)/arm64/gbench: tests/bench/guest/gbench.c | setup
	@mkdir -p $(@D)
	$(ARM64_CC) $(USER_CFLAGS) -static -pthread -o $@ $<
$(BUILD)/arm64/tstamp: tests/bench/tstamp.c | setup
	@mkdir -p $(@D)
	$(ARM64_CC) $(USER_CFLAGS) -static -o $@ $<

# The Linux guest's initramfs (busybox, virtio modules, tests/kselftest/guest/init, gbench).
$(BUILD)/rig/guest-initramfs.cpio.gz: $(BUILD)/rig.env scripts/rig/guest-initramfs.sh \
		tests/kselftest/guest/init $(BUILD)/arm64/gbench
	scripts/rig/guest-initramfs.sh $(BUILD)/rig.env $@ $(BUILD)/arm64/gbench

# The t8103 board's Linux guest: a kernel built once into the cache, and its initramfs.
$(BUILD)/rig/apple-kernel.built: scripts/rig/apple-kernel.sh scripts/rig/apple-kernel.config | setup
	@mkdir -p $(@D)
	scripts/rig/apple-kernel.sh >$@.tmp && mv $@.tmp $@
$(BUILD)/rig/t8103-initramfs.cpio.gz: $(BUILD)/rig.env scripts/rig/t8103-initramfs.sh \
		tests/kselftest/guest/t8103-init
	scripts/rig/t8103-initramfs.sh $(BUILD)/rig.env $@

# make bench's rig initramfs: the usual one with Debian's arm64 QEMU appended
# (scripts/rig/peer-qemu.sh; the kernel unpacks both archives).
$(BUILD)/rig/peer-qemu.cpio.gz: scripts/rig/peer-qemu.sh | setup
	scripts/rig/peer-qemu.sh $@
$(BUILD)/rig/bench-initramfs.cpio.gz: $(BUILD)/rig/initramfs.cpio.gz $(BUILD)/rig/peer-qemu.cpio.gz
	cat $^ >$@.tmp && mv $@.tmp $@

# Stage what goes into the rig's initramfs, and build it.
$(BUILD)/rig/initramfs.cpio.gz: module launcher kselftests $(BUILD)/arm64/payload/fwtest.bin \
		$(BUILD)/arm64/payload/vdrv.bin $(BUILD)/arm64/payload/netguest.bin \
		$(BUILD)/arm64/payload/rawk.bin scripts/rig/fleet-tools.sh \
		$(BUILD)/arm64/payload/mmio_peer.bin \
		$(BUILD)/arm64/payload/nvram-aux.bin $(BUILD)/bundles/.made \
		$(BUILD)/rig/guest-initramfs.cpio.gz \
		$(BUILD)/rig/apple-kernel.built $(BUILD)/rig/t8103-initramfs.cpio.gz \
		$(BUILD)/arm64/kvm-selftests/.built \
		$(BUILD)/arm64/payload/mmio_loop.bin $(BUILD)/arm64/payload/wfk.bin $(BUILD)/arm64/exit_bench \
		$(BUILD)/arm64/irq_bench \
		$(BUILD)/arm64/tstamp $(BUILD)/arm64/gbench $(wildcard tests/bench/*.sh) \
		$(wildcard tests/kselftest/*.sh) \
		scripts/rig/init scripts/rig/initramfs.sh scripts/demo.sh
	scripts/rig/stage.sh $(BUILD)

check: all $(BUILD)/rig/initramfs.cpio.gz
	scripts/check.sh $(BUILD)

demo: all $(BUILD)/rig/initramfs.cpio.gz
	scripts/rig/run.sh -l $(BUILD)/rig/demo-console.log $(BUILD)/rig.env \
		$(BUILD)/rig/initramfs.cpio.gz vmapple-demo

# Exit costs, measured by the guest, all cases in one rig run; then the
# interrupt rows in a second, under a QEMU that traps IMPDEF registers (see README).
BENCH_ROUNDS ?= 10
BENCH_OPS ?= 2000
PEER_ROUNDS ?= 2
BENCH_IRQ_OPS ?= 2000
bench: all $(BUILD)/rig/bench-initramfs.cpio.gz
	scripts/bench.sh $(BUILD) $(BENCH_ROUNDS) $(BENCH_OPS) $(PEER_ROUNDS) $(BENCH_IRQ_OPS)

# Boot reliability: the Linux guest booted N times under Layer 1, in one rig
# boot (failures out of boots, seconds per boot).  `make check` runs N=3.
N ?= 20
soak: all $(BUILD)/rig/initramfs.cpio.gz
	scripts/rig/run.sh -t $$((120 + 120 * $(N))) -l $(BUILD)/rig/soak-console.log \
		$(BUILD)/rig.env $(BUILD)/rig/initramfs.cpio.gz \
		"modprobe vmapple_kvm && /usr/lib/vmapple-tests/boot_soak.sh $(N)"

# The module on a KASAN + lockdep + DEBUG_ATOMIC_SLEEP rig kernel built from
# linux-source-6.12 (once, cached: scripts/rig/debug-kernel.sh): the hostile
# suites and the upstream KVM selftests, then the kernel log judged.
.PHONY: check-debug
check-debug: $(BUILD)/rig/initramfs.cpio.gz
	scripts/check-debug.sh $(BUILD)

# On an arm64 host: register, build and install the module with DKMS.
dkms-install:
	scripts/dkms.sh install

# Debian packages (debian/, packaging/) in BUILD/packages, built from a copy of
# the tree (on x86: cross, the launcher static), then lintian and rpmlint; the
# check installs them in a clean Debian 12 root (debootstrap, cached) and has
# DKMS build the module there for the rig's kernel (root, x86 hosts).
packages:
	scripts/packages.sh $(BUILD)
package-check: packages $(BUILD)/rig.env
	scripts/package-check.sh $(BUILD)

clean:
	rm -rf $(BUILD)
