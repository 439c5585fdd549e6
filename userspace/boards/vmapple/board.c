// SPDX-License-Identifier: GPL-2.0
/* board.c - assemble the VMApple board and run it (see board.h). */
#include "board.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../runtime/arm64_kvm.h"
#include "board_dt.h"
#include "../../hw/cfg.h"
#include "../../boot_session.h"
#include "../../linux_boot.h"
#include "../../stat_view.h"
#include "../../timebase.h"
#include "../../vmk_client.h"

#define BOARD_IPA_BITS 40
#define BUTTON_PRESS_S		0.2	/* a press as long as a finger's */
#define NOTE_HOLD_S		2.0	/* a note waits this long for the guest's newline */
#define PROGRESS_POLL_MS	100	/* a macOS boot's milestones, until userspace */

static uint64_t clock_s(void *opaque)
{
	(void)opaque;
	return (uint64_t)time(NULL);
}

static uint64_t clock_us(void *opaque)
{
	struct timespec ts;

	(void)opaque;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Each device's interrupt line is one SPI of the vGIC. */
struct irq_line {
	struct vm *vm;
	uint32_t spi;
};

static struct irq_line lines[8];

static void set_line(void *opaque, bool level)
{
	struct irq_line *l = opaque;

	vm_set_spi(l->vm, l->spi, level);
}

static void on_panic(void *opaque, uint32_t events)
{
	struct board *b = opaque;

	if (events & PVPANIC_PANICKED) {
		b->guest_panicked = 1;
		b->vm.stop_requested = 1;
	}
}

static void *line_for(struct board *b, unsigned int i, uint32_t spi)
{
	lines[i] = (struct irq_line){ .vm = &b->vm, .spi = spi };
	return &lines[i];
}

static int guest_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *p = vm_ram(opaque, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

static int guest_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
	uint8_t *p = vm_ram(opaque, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}

static int load_bios(const char *path, uint8_t *dst, char *err, size_t err_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t got;

	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, err_len, "vmapple: --bios %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_size == 0 || (uint64_t)st.st_size > BOARD_FW_SIZE) {
		snprintf(err, err_len, "vmapple: --bios %s: %lld bytes; the firmware region holds "
			 "1 to %llu", path, (long long)st.st_size, (unsigned long long)BOARD_FW_SIZE);
		close(fd);
		return -1;
	}
	got = read(fd, dst, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		snprintf(err, err_len, "vmapple: --bios %s: short read", path);
		return -1;
	}
	return 0;
}

static void *guest_map(void *opaque, uint64_t gpa, size_t len)
{
	return vm_ram(opaque, gpa, len);
}

/* The PL011 under a lock: console input arrives on its own thread. */
static int uart_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		       bool is_write)
{
	struct board *b = opaque;
	int ret;

	pthread_mutex_lock(&b->uart_lock);
	ret = pl011_access(&b->uart, offset, data, len, is_write);
	pthread_mutex_unlock(&b->uart_lock);
	return ret;
}

/* The console thread's way into the PL011 (under uart_lock). */
static bool uart_receive(void *uart, uint8_t byte)
{
	return pl011_receive(uart, byte);
}

/* The PL061 under a lock: the power button is pressed from the main thread. */
static int gpio_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		       bool is_write)
{
	struct board *b = opaque;
	int ret;

	pthread_mutex_lock(&b->gpio_lock);
	ret = pl061_access(&b->gpio, offset, data, len, is_write);
	pthread_mutex_unlock(&b->gpio_lock);
	return ret;
}

/* The PL031 under a lock: its match alarm fires on the alarm's thread. */
static int rtc_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		      bool is_write)
{
	struct board *b = opaque;
	int ret;

	pthread_mutex_lock(&b->rtc_lock);
	ret = pl031_access(&b->rtc, offset, data, len, is_write);
	pthread_mutex_unlock(&b->rtc_lock);
	return ret;
}

static void rtc_alarm_fired(void *opaque)
{
	struct board *b = opaque;

	pthread_mutex_lock(&b->rtc_lock);
	pl031_alarm(&b->rtc);
	pthread_mutex_unlock(&b->rtc_lock);
}

/* From the PL031, under rtc_lock. */
static void rtc_arm_alarm(void *opaque, bool armed, uint64_t at)
{
	struct board *b = opaque;

	alarm_set(&b->rtc_alarm, armed, at);
}

static void press_power_button(struct board *b, bool down)
{
	pthread_mutex_lock(&b->gpio_lock);
	pl061_set_input(&b->gpio, PL061_POWER_BUTTON, down);
	pthread_mutex_unlock(&b->gpio_lock);
}

static void set_pci_spi(void *opaque, uint32_t spi, bool level)
{
	vm_set_spi(opaque, spi, level);
}

/*
 * A device's MSI is a memory write of @data to @addr, which the guest
 * programmed: only the GICv2m frame's SETSPI takes it.  Anything else is
 * dropped (and said once) rather than run against another device, which
 * could be the sender itself, under its own lock.
 */
static void pci_msi(void *opaque, uint64_t addr, uint32_t data)
{
	struct board *b = opaque;
	static int warned;

	if (gicv2m_deliver_msi(&b->gicv2m, addr, data))
		return;
	if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
		fprintf(stderr, "vmapple: a device's MSI to 0x%llx is not for the GICv2m frame; "
			"dropped (and any more like it)\n", (unsigned long long)addr);
}

static int pci_ioeventfd(void *opaque, uint64_t gpa, int fd, bool assign)
{
	struct board *b = opaque;

	return vm_ioeventfd(&b->vm, gpa, fd, assign);
}

static int add_devices(struct board *b)
{
	const struct mmio_device devs[] = {
		{ "pl011", PL011_BASE, PL011_SIZE, uart_access, b },
		{ "pl031", PL031_BASE, PL031_SIZE, rtc_access, b },
		{ "pl061", PL061_BASE, PL061_SIZE, gpio_access, b },
		{ "pcie-ecam", GPEX_ECAM_BASE, GPEX_ECAM_SIZE, gpex_ecam_access, &b->gpex },
		{ "pcie-mmio", GPEX_MMIO_BASE, GPEX_MMIO_SIZE, gpex_mmio_access, &b->gpex },
		{ "pvpanic", PVPANIC_BASE, PVPANIC_SIZE, pvpanic_access, &b->pvpanic },
		{ "bdif", BDIF_BASE, BDIF_SIZE, bdif_access, &b->bdif },
		{ "aes", AES_BANK1_BASE, AES_BANK_SIZE, aes_bank1_access, &b->aes },
		{ "aes2", AES_BANK2_BASE, AES_BANK_SIZE, aes_bank2_access, &b->aes },
		{ "avp-rtc", AVP_RTC_BASE, AVP_RTC_SIZE, avp_rtc_access, &b->avp_rtc },
		{ "gicv2m", GICV2M_BASE, GICV2M_SIZE, gicv2m_access, &b->gicv2m },
	};
	size_t i;

	b->uart = (struct pl011){ .tx = console_tx, .tx_opaque = &b->console, .set_irq = set_line,
				  .opaque = line_for(b, 0, BOARD_SPI_UART) };
	pl011_init(&b->uart);
	b->rtc = (struct pl031){ .now_s = clock_s, .set_irq = set_line,
				 .opaque = line_for(b, 1, BOARD_SPI_RTC),
				 .arm_alarm = rtc_arm_alarm, .alarm_opaque = b };
	if (alarm_start(&b->rtc_alarm, rtc_alarm_fired, b))
		return -1;
	b->gpio = (struct pl061){ .set_irq = set_line, .opaque = line_for(b, 2, BOARD_SPI_GPIO) };
	b->pvpanic = (struct pvpanic){ .event = on_panic, .opaque = b };
	b->bdif.mem = (struct guest_mem){ &b->vm, guest_read, guest_write, guest_map };
	/* Each boot's own: its stage-1 milestone is its firmware's first request. */
	b->bdif.requests = b->bdif.failures = 0;
	b->aes = (struct aes_engine){ .mem = { &b->vm, guest_read, guest_write, guest_map },
				      .set_irq = set_line, .opaque = line_for(b, 3, BOARD_SPI_AES) };
	b->avp_rtc = (struct avp_rtc){ .now_us = clock_us, .set_irq = set_line,
				       .opaque = line_for(b, 4, BOARD_SPI_AVP_RTC) };
	b->gicv2m = (struct gicv2m){ .raise_spi = vm_pulse_spi, .opaque = &b->vm };
	gpex_init(&b->gpex);
	b->gpex.set_spi = set_pci_spi;
	b->gpex.opaque = &b->vm;
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		if (mmio_bus_add(&b->vm.bus, &devs[i]))
			return -1;
	return 0;
}

static int add_blk(struct board *b, const char *name, enum virtio_blk_apple_type type,
		   const struct disk_image *d, char *err, size_t err_len)
{
	struct virtio_blk *blk = calloc(1, sizeof(*blk));
	int ret;

	if (!blk) {
		snprintf(err, err_len, "vmapple: %s: out of memory", name);
		return -1;
	}
	ret = virtio_blk_init(blk, name, type, d->fd, d->offset, d->size, d->read_only,
			      &b->virtio_host);
	if (ret) {
		snprintf(err, err_len, "vmapple: %s: %s", name, strerror(-ret));
		free(blk);
		return -1;
	}
	b->blk[b->nr_blk++] = blk;
	return 0;
}

void board_nic_mac(const struct board_config *cfg, unsigned int i, uint8_t mac[6])
{
	static const uint8_t mac_base[6] = { 0x52, 0x54, 0x00, 0x76, 0x61, 0x70 };

	/* The bundle's (the guest's licence and DHCP leases know it), then ours. */
	memcpy(mac, cfg->has_mac ? cfg->mac : mac_base, 6);
	mac[5] = (uint8_t)(mac[5] + i);
}

/* Guest RAM and its mapping here, for vhost-net's memory table. */
static int ram_regions(void *opaque, struct virtio_ram_region *r, int max)
{
	struct board *b = opaque;
	int i;

	for (i = 0; i < b->vm.nr_ram && i < max; i++)
		r[i] = (struct virtio_ram_region){ b->vm.ram[i].gpa, b->vm.ram[i].size,
						    b->vm.ram[i].hva };
	return i;
}

/*
 * The PCIe devices, one slot each: Apple's virtio-blk for the root and aux
 * disks (what macOS binds), standard virtio-blk for each --drive, a
 * virtio-net per --net, the virtio-rng.
 */
static int add_pci_devices(struct board *b, const struct board_config *cfg, char *err,
			   size_t err_len)
{
	unsigned int i, slot = 1;
	char name[32];

	b->virtio_host = (struct virtio_host){
		.opaque = b, .ioeventfd = pci_ioeventfd, .msi = pci_msi, .ram_regions = ram_regions,
		.mem = { &b->vm, guest_read, guest_write, guest_map },
		.fix_overlapping_used = !cfg->keep_overlapping_used,
		.no_event_idx = cfg->no_event_idx,
	};
	if (cfg->disk.path && add_blk(b, "virtio-blk root", VIRTIO_BLK_APPLE_ROOT, &b->root_disk,
				      err, err_len))
		return -1;
	if (cfg->aux.path && add_blk(b, "virtio-blk aux", VIRTIO_BLK_APPLE_AUX, &b->aux_disk,
				     err, err_len))
		return -1;
	for (i = 0; i < cfg->nr_drives; i++) {
		snprintf(name, sizeof(name), "virtio-blk drive%u", i);
		if (add_blk(b, strdup(name), VIRTIO_BLK_STANDARD, &b->drive_disk[i], err, err_len))
			return -1;
	}
	for (i = 0; i < b->nr_blk; i++)
		if (gpex_add(&b->gpex, slot++, &b->blk[i]->vp.pci))
			goto slots;
	for (i = 0; i < cfg->nr_nets; i++) {
		struct virtio_net *n = calloc(1, sizeof(*n));
		uint8_t mac[6];

		board_nic_mac(cfg, i, mac);
		snprintf(name, sizeof(name), "virtio-net%u", i);
		if (!n || virtio_net_init(n, strdup(name), cfg->net[i], mac, &b->virtio_host, err,
					  err_len)) {
			if (!n)
				snprintf(err, err_len, "vmapple: %s: out of memory", name);
			free(n);
			return -1;
		}
		b->nic[b->nr_nics++] = n;
		/* A TAP without offloads or vhost-net is slower: say why, once per run. */
		if (!n->vnet_hdr && !strcmp(net_backend_kind_name(n->backend), "tap") &&
		    !b->restarts)
			fprintf(stderr, "vmapple: %s: no checksum or TSO offloads: %s\n", name,
				net_backend_vnet_why_not(n->backend));
		if (n->vhost_why_not[0] && !b->restarts)
			fprintf(stderr, "vmapple: %s: vhost-net not used: %s; the launcher moves the "
				"frames\n", name, n->vhost_why_not);
		if (gpex_add(&b->gpex, slot++, &n->vp.pci))
			goto slots;
	}
	if (cfg->rng) {
		b->rng = calloc(1, sizeof(*b->rng));
		if (!b->rng || virtio_rng_init(b->rng, &b->virtio_host) ||
		    gpex_add(&b->gpex, slot++, &b->rng->vp.pci)) {
			snprintf(err, err_len, "vmapple: cannot add the virtio-rng");
			return -1;
		}
	}
	if (cfg->sound) {
		b->sound = calloc(1, sizeof(*b->sound));
		if (!b->sound || virtio_sound_init(b->sound, &b->virtio_host) ||
		    gpex_add(&b->gpex, slot++, &b->sound->vp.pci)) {
			snprintf(err, err_len, "vmapple: cannot add the virtio-sound");
			return -1;
		}
	}
	if (cfg->balloon) {
		b->balloon = calloc(1, sizeof(*b->balloon));
		/* AppleVirtIOBalloon's quirks for macOS (the firmware boots), none for Linux. */
		if (!b->balloon ||
		    virtio_balloon_init(b->balloon, &b->virtio_host, cfg->bios, cfg->mem) ||
		    gpex_add(&b->gpex, slot++, &b->balloon->vp.pci)) {
			snprintf(err, err_len, "vmapple: cannot add the virtio-balloon");
			return -1;
		}
	}
	return 0;
slots:
	snprintf(err, err_len, "vmapple: more PCI devices than the board's %d slots",
		 GPEX_SLOTS - 1);
	return -1;
}

static int start_device_threads(struct board *b)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < b->nr_blk && !ret; i++)
		ret = virtio_blk_start(b->blk[i]);
	for (i = 0; i < b->nr_nics && !ret; i++)
		ret = virtio_worker_start(&b->nic[i]->worker);
	if (b->rng && !ret)
		ret = virtio_worker_start(&b->rng->worker);
	if (b->sound && !ret)
		ret = virtio_worker_start(&b->sound->worker);
	if (b->balloon && !ret)
		ret = virtio_worker_start(&b->balloon->worker);
	if (ret)
		fprintf(stderr, "vmapple: cannot start a device thread: %s\n", strerror(-ret));
	return ret;
}

/* One image given twice would trip over its own lock: say what it is instead. */
static int check_distinct(const struct board_config *cfg, char *err, size_t err_len)
{
	const char *path[2 + BOARD_MAX_DRIVES], *opt[2 + BOARD_MAX_DRIVES];
	struct stat st[2 + BOARD_MAX_DRIVES];
	unsigned int n = 0, i, j;

	if (cfg->disk.path) {
		opt[n] = "--disk";
		path[n++] = cfg->disk.path;
	}
	if (cfg->aux.path) {
		opt[n] = "--aux";
		path[n++] = cfg->aux.path;
	}
	for (i = 0; i < cfg->nr_drives; i++) {
		opt[n] = "--drive";
		path[n++] = cfg->drive[i].path;
	}
	for (i = 0; i < n; i++) {
		if (stat(path[i], &st[i]))
			continue;	/* disk_open() names it */
		for (j = 0; j < i; j++) {
			if (!stat(path[j], &st[j]) && st[i].st_dev == st[j].st_dev &&
			    st[i].st_ino == st[j].st_ino) {
				snprintf(err, err_len, "vmapple: %s %s and %s %s are the same image; "
					 "give each disk once", opt[j], path[j], opt[i], path[i]);
				return -1;
			}
		}
	}
	return 0;
}

static int open_disks(struct board *b, const struct board_config *cfg, char *err,
		      size_t err_len)
{
	unsigned int i;

	if (check_distinct(cfg, err, err_len))
		return -1;

	if (cfg->disk.path && disk_open(&b->root_disk, "--disk", cfg->disk.path,
					cfg->disk.read_only, DISK_RAW, err, err_len))
		return -1;
	if (cfg->aux.path && disk_open(&b->aux_disk, "--aux", cfg->aux.path, cfg->aux.read_only,
				       DISK_AUX, err, err_len))
		return -1;
	for (i = 0; i < cfg->nr_drives; i++)
		if (disk_open(&b->drive_disk[i], "--drive", cfg->drive[i].path,
			      cfg->drive[i].read_only, DISK_RAW, err, err_len))
			return -1;
	/* BDIF reads the same root and aux disks AVPBooter boots from. */
	b->bdif.root = (struct bdif_disk){ b->root_disk.fd, b->root_disk.offset,
					   b->root_disk.size, b->root_disk.read_only };
	b->bdif.aux = (struct bdif_disk){ b->aux_disk.fd, b->aux_disk.offset, b->aux_disk.size,
					  b->aux_disk.read_only };
	return 0;
}

/* Where CPU 0 starts: the firmware at 0x10_0000, or a Linux Image with x0 = its DTB. */
static int load_boot_payload(struct board *b, const struct board_config *cfg, char *err,
			     size_t err_len)
{
	struct board_dt_params dt = {
		.nr_cpus = cfg->cpus, .ram_base = BOARD_RAM_BASE, .ram_size = cfg->mem,
		.bootargs = cfg->append, .pmu = b->vm.pmu,
	};
	uint64_t entry, dtb;

	if (cfg->bios)
		return load_bios(cfg->bios, vm_ram(&b->vm, BOARD_FW_BASE, BOARD_FW_SIZE), err,
				 err_len) ? -1 : 0;
	if (linux_boot_load(&b->vm, cfg->kernel, cfg->initrd, &dt, &entry, &dtb, err, err_len))
		return -1;
	if (vcpu_set(&b->vcpu[0], vcpu_reg_pc, entry) ||
	    vcpu_set(&b->vcpu[0], vcpu_reg_x(0), dtb)) {
		snprintf(err, err_len, "vmapple: cannot set CPU 0's entry registers");
		return -1;
	}
	return 0;
}

/*
 * Layer 1: when vmapple_kvm is loaded, attach the VM to it.  Without it the
 * board runs on Layer 0 alone; either way, say which.
 */
static void attach_module(struct board *b, const char *path)
{
	struct vmapple_kvm_info info;
	char why[160];
	int ret;

	if (!strcmp(path, "none")) {
		fprintf(stderr, "vmapple: Layer 0 only (--module none)\n");
		return;
	}
	b->module_fd = vmk_open(path, why, sizeof(why));
	if (b->module_fd < 0) {
		fprintf(stderr, "vmapple: Layer 0 only (%s)\n", why);
		return;
	}
	ret = vmk_get_info(b->module_fd, &info);
	if (!ret && info.api_version != VMAPPLE_KVM_API_VERSION)
		ret = -EPROTONOSUPPORT;
	if (!ret)
		ret = vmk_attach_vm(b->module_fd, b->vm.fd);
	if (ret) {
		fprintf(stderr, "vmapple: Layer 0 only: vmapple_kvm did not attach the VM: %s\n",
			vmk_attach_strerror(ret));
		close(b->module_fd);
		b->module_fd = -1;
		return;
	}
	fprintf(stderr, "vmapple: VM attached to vmapple_kvm (ABI %u)\n", info.api_version);
	/* The timebase fix needs the boot CPU's PAC_SET_INITIAL_STATE in the launcher too. */
	ret = vmk_set_apple_hvc_flags(b->module_fd, &b->hvc.cfg,
				      b->hvc.timebase_hz && b->hvc.timebase_hz != TIMEBASE_APPLE_HZ ?
				      VMAPPLE_KVM_APPLE_HVC_F_NOTIFY_BOOT_STATE : 0);
	if (ret)
		fprintf(stderr, "vmapple: Apple hypercalls stay in the launcher: %s\n",
			strerror(-ret));
	ret = vmk_set_gicv2m(b->module_fd, GICV2M_BASE, GICV2M_FIRST_SPI + 32, GICV2M_NR_SPIS);
	if (ret)
		fprintf(stderr, "vmapple: GICv2m MSIs stay in the launcher: %s\n", strerror(-ret));
}

/*
 * The machine a boot runs on: the KVM VM, its RAM (zeroed), vCPUs, vGIC,
 * devices, firmware and the module's attachment.  A guest's restart builds
 * it again; the console and the disks (so NVRAM) live across restarts.
 */
static int machine_build(struct board *b, char *err, size_t err_len)
{
	const struct board_config *cfg = &b->cfg;
	struct vmapple_cfg_params params = {
		.nr_cpus = cfg->cpus, .ecid = cfg->ecid, .ram_size = cfg->mem,
		.rnd = (uint32_t)random(), .serial = cfg->serial, .model = cfg->model,
		.production_mode = !cfg->development_mode,
	};
	unsigned int i;

	/* The cfg's en0/en1 are the MACs the guest's virtio-net functions carry. */
	if (cfg->nr_nets > 0)
		board_nic_mac(cfg, 0, params.mac_en0);
	if (cfg->nr_nets > 1)
		board_nic_mac(cfg, 1, params.mac_en1);
	/* A seed of its own every boot (yaelliethy's is fixed per process). */
	if (getrandom(params.seed, sizeof(params.seed), 0) != sizeof(params.seed)) {
		snprintf(err, err_len, "vmapple: no random seed for the cfg region: %s",
			 strerror(errno));
		return -1;
	}

	b->module_fd = -1;
	b->guest_panicked = 0;
	memset(&b->hvc, 0, sizeof(b->hvc));	/* keys and kicks are per boot */
	b->hvc.dt_base = BOARD_RAM_BASE;
	b->hvc.dt_size = cfg->mem;
	b->hvc.timebase_hz = timebase_host_hz();
	/* Before the module is attached: it gets the same answers as Layer 0. */
	if (boot_session_init(&b->hvc.cfg)) {
		snprintf(err, err_len, "vmapple: cannot make this boot's session UUID (see above)");
		return -1;
	}
	if (vm_open(&b->vm, cfg->kvm_path, BOARD_IPA_BITS) ||
	    vm_add_ram(&b->vm, BOARD_FW_BASE, BOARD_FW_SIZE) ||
	    vm_add_ram(&b->vm, VMAPPLE_CFG_BASE, VMAPPLE_CFG_SIZE) ||
	    vm_add_ram(&b->vm, BOARD_RAM_BASE, cfg->mem)) {
		snprintf(err, err_len, "vmapple: cannot create the VM (see above)");
		return -1;
	}
	/* The PMU on PPI 23 where the host has one (KVM_RUN fails without its setup). */
	b->vm.pmu = ioctl(b->vm.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) > 0;
	if (vmapple_cfg_fill(&params, vm_ram(&b->vm, VMAPPLE_CFG_BASE, VMAPPLE_CFG_SIZE), err,
			     err_len))
		return -1;
	if (vm_create_gicv3(&b->vm, BOARD_GICD, BOARD_GICR, cfg->cpus, BOARD_NR_IRQS) ||
	    add_devices(b) || apple_hvc_install(&b->vm, &b->hvc)) {
		snprintf(err, err_len, "vmapple: cannot set up the board's devices (see above)");
		return -1;
	}
	if (add_pci_devices(b, cfg, err, err_len))
		return -1;
	for (i = 0; i < cfg->cpus; i++) {
		if (vcpu_create(&b->vm, &b->vcpu[i], i)) {
			snprintf(err, err_len, "vmapple: cannot create vCPU %u (see above)", i);
			return -1;
		}
		b->nr_cpus++;
		/* Pinned: macOS 13's ApplePSCI wants 1.1, whatever KVM's default. */
		if (vcpu_set(&b->vcpu[i], KVM_REG_ARM_PSCI_VERSION, BOARD_PSCI_VERSION)) {
			snprintf(err, err_len, "vmapple: KVM refuses PSCI 1.1 for vCPU %u", i);
			return -1;
		}
		if (vcpu_set_ppis(&b->vcpu[i], BOARD_PPI_VTIMER, BOARD_PPI_PTIMER, BOARD_PPI_PMU)) {
			snprintf(err, err_len, "vmapple: KVM refuses the timer/PMU PPIs for vCPU %u",
				 i);
			return -1;
		}
	}
	if (vm_finalize_gic(&b->vm) || vcpu_set(&b->vcpu[0], vcpu_reg_pc, BOARD_FW_BASE)) {
		snprintf(err, err_len, "vmapple: cannot start the board (see above)");
		return -1;
	}
	for (i = 0; i < b->nr_cpus; i++) {
		if (vcpu_init_pmu(&b->vcpu[i])) {
			snprintf(err, err_len, "vmapple: cannot initialise vCPU %u's PMU: %s", i,
				 strerror(errno));
			return -1;
		}
	}
	if (load_boot_payload(b, cfg, err, err_len))
		return -1;
	attach_module(b, cfg->module_path ? cfg->module_path : "/dev/vmapple_kvm");
	if (start_device_threads(b)) {
		snprintf(err, err_len, "vmapple: cannot start the devices (see above)");
		return -1;
	}
	return 0;
}

/* Undo machine_build(), after every vCPU thread has stopped. */
static void machine_teardown(struct board *b)
{
	unsigned int i;

	for (i = 0; i < b->nr_blk; i++) {
		virtio_blk_destroy(b->blk[i]);
		free(b->blk[i]);
	}
	b->nr_blk = 0;
	for (i = 0; i < b->nr_nics; i++) {
		virtio_net_destroy(b->nic[i]);
		free(b->nic[i]);
	}
	b->nr_nics = 0;
	if (b->rng) {
		virtio_rng_destroy(b->rng);
		free(b->rng);
		b->rng = NULL;
	}
	if (b->sound) {
		virtio_sound_destroy(b->sound);
		free(b->sound);
		b->sound = NULL;
	}
	if (b->balloon) {
		virtio_balloon_destroy(b->balloon);
		free(b->balloon);
		b->balloon = NULL;
	}
	/* Closing the session detaches the VM: the module forgets its state. */
	if (b->module_fd >= 0)
		close(b->module_fd);
	b->module_fd = -1;
	alarm_stop(&b->rtc_alarm);
	for (i = 0; i < b->nr_cpus; i++)
		vcpu_close(&b->vcpu[i]);
	b->nr_cpus = 0;
	if (b->vm.kvm_fd > 0)
		vm_close(&b->vm);
}

/* QEMU's -S (--paused): the vCPUs wait at their loops' top for QMP's cont. */
static void hold_for_cont(struct board *b)
{
	__atomic_store_n(&b->vm.pause_requested, 1, __ATOMIC_SEQ_CST);
	b->prelaunch = 1;
	b->paused = 1;
}

int board_create(struct board *b, const struct board_config *cfg, char *err, size_t err_len)
{
	unsigned int i;

	memset(b, 0, sizeof(*b));
	b->cfg = *cfg;
	b->console.in_fd = b->console.out_fd = b->console.listen_fd = -1;
	b->console.stop_fd = b->console.wake_fd = -1;
	b->root_disk.fd = b->aux_disk.fd = b->module_fd = b->wake_fd = -1;
	for (i = 0; i < BOARD_MAX_DRIVES; i++)
		b->drive_disk[i].fd = -1;
	b->bdif.root.fd = b->bdif.aux.fd = -1;
	pthread_mutex_init(&b->uart_lock, NULL);
	pthread_mutex_init(&b->machine_lock, NULL);
	pthread_mutex_init(&b->rtc_lock, NULL);
	pthread_mutex_init(&b->gpio_lock, NULL);
	if (cfg->cpus < 1 || cfg->cpus > BOARD_MAX_CPUS) {
		snprintf(err, err_len, "vmapple: --cpus %u: the board has 1 to %d", cfg->cpus,
			 BOARD_MAX_CPUS);
		return -1;
	}
	if (cfg->mem < (16ull << 20) || BOARD_RAM_BASE + cfg->mem > (1ull << BOARD_IPA_BITS)) {
		snprintf(err, err_len, "vmapple: --mem %llu MiB: must be 16 MiB to %llu GiB",
			 (unsigned long long)(cfg->mem >> 20),
			 (unsigned long long)(((1ull << BOARD_IPA_BITS) - BOARD_RAM_BASE) >> 30));
		return -1;
	}
	b->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->wake_fd < 0) {
		snprintf(err, err_len, "vmapple: eventfd: %s", strerror(errno));
		return -1;
	}
	if (console_open(&b->console, cfg->console ? cfg->console : "stdio", err, err_len))
		goto fail;
	b->console.notify_fd = b->wake_fd;
	if (open_disks(b, cfg, err, err_len) || machine_build(b, err, err_len))
		goto fail;
	if (console_start(&b->console, &(struct console_input){ uart_receive, &b->uart,
								&b->uart_lock })) {
		snprintf(err, err_len, "vmapple: cannot start the console (see above)");
		goto fail;
	}
	/* Held before the socket exists: a client's first cont must find it so. */
	if (cfg->start_paused)
		hold_for_cont(b);
	if (cfg->qmp && board_qmp_open(b, cfg->qmp, err, err_len))
		goto fail;
	return 0;
fail:
	board_destroy(b);
	return -1;
}

struct run_state {
	pthread_mutex_t lock;
	int stopped;
	enum vcpu_stop why;
};

struct vcpu_thread {
	struct vcpu *vcpu;
	struct run_state *st;
	int wake_fd;		/* the board's: the main thread sees the stop */
};

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *t = arg;
	enum vcpu_stop why = vcpu_run_loop(t->vcpu);

	pthread_mutex_lock(&t->st->lock);
	if (!t->st->stopped++)
		t->st->why = why;
	pthread_mutex_unlock(&t->st->lock);
	(void)eventfd_write(t->wake_fd, 1);
	return NULL;
}

void board_wake(struct board *b)
{
	uint64_t one = 1;

	/* write(2), not eventfd_write(): async-signal-safe by name.  Full: awake already. */
	if (b->wake_fd >= 0 && write(b->wake_fd, &one, sizeof(one)) < 0)
		return;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say_progress(struct board *b, enum progress_stage s)
{
	char line[160], event[160];

	if (!progress_mark(&b->progress, s, now_s(), line, sizeof(line), event, sizeof(event)))
		return;
	console_note(&b->console, line);
	qmp_event(&b->qmp, "VMAPPLE_PROGRESS", event);
}

/* A macOS boot's milestones, read off the counters that show them (progress.h). */
static void poll_progress(struct board *b)
{
	struct vmapple_kvm_vm_stats k;
	unsigned int i;

	/* The boot's clock starts once the guest may run: after --paused, at cont. */
	if (!b->boot_clock_started) {
		if (b->prelaunch)
			return;
		b->boot_clock_started = true;
		progress_start(&b->progress, now_s());
		if (b->cfg.bios)
			say_progress(b, PROGRESS_FIRMWARE);
	}
	if (!b->cfg.bios)
		return;
	if (!b->progress.said[PROGRESS_STAGE1] && b->bdif.requests)
		say_progress(b, PROGRESS_STAGE1);
	if (!b->progress.said[PROGRESS_KERNEL] &&
	    (b->vm.stats.hvc_forwarded ||
	     (b->module_fd >= 0 && !vmk_get_own_vm_stats(b->module_fd, getpid(), &k) &&
	      k.counters[VMAPPLE_KVM_STAT_HVC_KERNEL])))
		say_progress(b, PROGRESS_KERNEL);
	for (i = 0; i < b->nr_nics && !b->progress.said[PROGRESS_USERSPACE]; i++)
		/* With vhost-net the frames are the kernel's: its start is the sign. */
		if (b->nic[i]->tx_frames || b->nic[i]->vhost_used)
			say_progress(b, PROGRESS_USERSPACE);
}

/* Milliseconds from @now to @at (a deadline, 0: none), for poll(); -1: none. */
static int ms_until(double at, double now)
{
	if (!at)
		return -1;
	return at > now ? (int)((at - now) * 1000) + 1 : 0;
}

/* The sooner of two poll() timeouts (-1: none). */
static int sooner(int a, int b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

/*
 * The main thread: wait for a vCPU to stop, pressing the power button on
 * request.  It sleeps on the board's eventfd (a vCPU stopped, a signal, a
 * QMP command) with a timeout only while something is due: a button to
 * release, --stop-timeout, held console notes, or a macOS boot's
 * milestones still to read off the counters.  An idle guest leaves it
 * asleep.
 */
static int wait_for_stop(struct board *b, struct run_state *st, volatile int *stop_requests)
{
	double release_at = 0, force_at = 0;	/* CLOCK_MONOTONIC deadlines; 0: none */

	for (;;) {
		struct pollfd wake = { .fd = b->wake_fd, .events = POLLIN };
		int stopped, timeout;
		double now;
		eventfd_t v;

		pthread_mutex_lock(&st->lock);
		stopped = st->stopped;
		pthread_mutex_unlock(&st->lock);
		if (stopped)
			return -1;
		poll_progress(b);
		now = now_s();
		timeout = sooner(ms_until(release_at, now), ms_until(force_at, now));
		timeout = sooner(timeout, console_notes_due_ms(&b->console, NOTE_HOLD_S));
		if (b->boot_clock_started && b->cfg.bios && !b->progress.said[PROGRESS_USERSPACE])
			timeout = sooner(timeout, PROGRESS_POLL_MS);
		if (poll(&wake, 1, timeout) > 0)
			(void)eventfd_read(b->wake_fd, &v);
		console_flush_notes(&b->console, NOTE_HOLD_S);
		now = now_s();
		if (release_at && now >= release_at) {
			release_at = 0;
			press_power_button(b, false);
		}
		if (force_at && now >= force_at) {
			fprintf(stderr, "vmapple: the guest did not power off within --stop-timeout "
				"%u s: forcing the VM off\n", b->cfg.stop_timeout_s);
			return BOARD_EXIT_FORCED_OFF;
		}
		/* QMP's: quit, system_reset (the vCPUs are being stopped), system_powerdown. */
		if (b->quit_requested) {
			fprintf(stderr, "vmapple: quit (QMP): the VM is switched off\n");
			return BOARD_EXIT_POWEROFF;
		}
		if (b->powerdowns_requested != b->powerdowns_handled && !release_at) {
			b->powerdowns_handled = b->powerdowns_requested;
			fprintf(stderr, "vmapple: system_powerdown (QMP): pressing the power button\n");
			press_power_button(b, true);
			release_at = now + BUTTON_PRESS_S;
		}
		if (!stop_requests || *stop_requests == b->stops_handled)
			continue;
		b->stops_handled = *stop_requests;
		if (b->stops_handled >= 2) {
			fprintf(stderr, "vmapple: second stop request: forcing the VM off\n");
			return BOARD_EXIT_FORCED_OFF;
		}
		fprintf(stderr, "vmapple: stop requested: pressing the power button "
			"(ask again, or wait %u s, to force the VM off)\n", b->cfg.stop_timeout_s);
		press_power_button(b, true);
		release_at = now + BUTTON_PRESS_S;
		if (b->cfg.stop_timeout_s)
			force_at = now + b->cfg.stop_timeout_s;
	}
}

static void kick_signal(int sig)
{
	(void)sig;	/* only to make KVM_RUN return EINTR */
}

void board_kick_vcpus(struct board *b)
{
	unsigned int i;

	for (i = 0; i < b->nr_threads; i++) {
		__atomic_store_n(&b->vcpu[i].run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(b->vcpu_tid[i], VCPU_KICK_SIGNAL);
	}
}

/*
 * Bring every vCPU thread home before the machine is rebuilt: each sees
 * stop_requested at its loop's top; immediate_exit covers one about to
 * enter KVM_RUN, the signal one already inside (in WFI, or paused by
 * KVM after the reset), the broadcast one paused by QMP's stop.
 */
static void stop_vcpu_threads(struct board *b)
{
	unsigned int i;

	__atomic_store_n(&b->vm.stop_requested, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&b->vm.pause_lock);
	pthread_cond_broadcast(&b->vm.pause_cond);
	pthread_mutex_unlock(&b->vm.pause_lock);
	board_kick_vcpus(b);
	for (i = 0; i < b->nr_threads; i++)
		pthread_join(b->vcpu_tid[i], NULL);
	b->nr_threads = 0;
}

/* One boot: the BOARD_EXIT_* it ended with, or -1 (a reset) with the threads joined. */
static int run_boot(struct board *b, volatile int *stop_requests)
{
	static struct vcpu_thread threads[BOARD_MAX_CPUS];
	/* Static: on a power-off the vCPU threads outlive this call, and report here. */
	static struct run_state st = { PTHREAD_MUTEX_INITIALIZER, 0, VCPU_STOP_SHUTDOWN };
	sigset_t stop_signals, old;
	unsigned int i;
	int forced;

	pthread_mutex_lock(&st.lock);
	st.stopped = 0;
	st.why = VCPU_STOP_SHUTDOWN;
	pthread_mutex_unlock(&st.lock);
	b->reset_requested = 0;
	b->nr_threads = 0;

	/* SIGTERM and SIGINT are the main thread's: the vCPUs keep running. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, &old);
	for (i = 0; i < b->nr_cpus; i++) {
		threads[i] = (struct vcpu_thread){ .vcpu = &b->vcpu[i], .st = &st,
						   .wake_fd = b->wake_fd };
		if (pthread_create(&b->vcpu_tid[i], NULL, vcpu_main, &threads[i])) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			fprintf(stderr, "vmapple: cannot start vCPU %u's thread\n", i);
			return BOARD_EXIT_ERROR;
		}
		b->nr_threads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	b->boot_clock_started = false;
	poll_progress(b);
	/* The first vCPU to stop decides; on a power-off the process exit ends the others. */
	forced = wait_for_stop(b, &st, stop_requests);
	if (forced >= 0)
		return forced;
	if (b->guest_panicked) {
		fprintf(stderr, "vmapple: the guest panicked (pvpanic)\n");
		qmp_event(&b->qmp, "GUEST_PANICKED", "{\"action\": \"poweroff\"}");
		return BOARD_EXIT_GUEST_PANIC;
	}
	if (st.why == VCPU_STOP_REQUESTED && b->reset_requested) {
		stop_vcpu_threads(b);	/* QMP's system_reset: a restart, as the guest's */
		return -1;
	}
	switch (st.why) {
	case VCPU_STOP_SHUTDOWN:
		qmp_event(&b->qmp, "SHUTDOWN", "{\"guest\": true, \"reason\": \"guest-shutdown\"}");
		return BOARD_EXIT_POWEROFF;
	case VCPU_STOP_RESET:
		if (b->cfg.exit_on_reset) {
			fprintf(stderr, "vmapple: the guest asked for a reset (PSCI SYSTEM_RESET); "
				"--on-reset exit: ending the run\n");
			return BOARD_EXIT_RESET;
		}
		stop_vcpu_threads(b);
		return -1;
	default:
		return BOARD_EXIT_ERROR;	/* the vCPU said why */
	}
}

/* Rebuild the machine for the next boot; 0, or -1 with the reason printed. */
static int restart(struct board *b)
{
	char err[512];

	/* The console thread feeds the UART: it waits while the UART is rebuilt; QMP too. */
	pthread_mutex_lock(&b->machine_lock);
	pthread_mutex_lock(&b->uart_lock);
	machine_teardown(b);
	b->restarts++;
	if (machine_build(b, err, sizeof(err))) {
		pthread_mutex_unlock(&b->uart_lock);
		pthread_mutex_unlock(&b->machine_lock);
		fprintf(stderr, "vmapple: restart %u failed: %s\n", b->restarts, err);
		return -1;
	}
	/* A system_reset before the first cont leaves the new machine held too (as QEMU). */
	if (b->prelaunch)
		hold_for_cont(b);
	pthread_mutex_unlock(&b->uart_lock);
	pthread_mutex_unlock(&b->machine_lock);
	fprintf(stderr, "vmapple: %s: restart %u\n", b->reset_requested ?
		"system_reset (QMP)" : "the guest reset itself (PSCI SYSTEM_RESET)", b->restarts);
	qmp_event(&b->qmp, "RESET", b->reset_requested ?
		  "{\"guest\": false, \"reason\": \"host-qmp-system-reset\"}" :
		  "{\"guest\": true, \"reason\": \"guest-reset\"}");
	return 0;
}

int board_run(struct board *b, volatile int *stop_requests)
{
	struct sigaction kick = { .sa_handler = kick_signal };
	double recent[BOARD_MAX_RESET_LIMIT + 1];
	unsigned int n_recent = 0;

	sigemptyset(&kick.sa_mask);
	sigaction(VCPU_KICK_SIGNAL, &kick, NULL);
	for (;;) {
		int status = run_boot(b, stop_requests);
		double t = now_s();

		if (status >= 0)
			return status;
		/* A reset loop: more than reset_limit restarts within the window. */
		while (n_recent && t - recent[0] > b->cfg.reset_window_s)
			memmove(recent, recent + 1, --n_recent * sizeof(recent[0]));
		recent[n_recent++] = t;
		if (n_recent > b->cfg.reset_limit) {
			fprintf(stderr, "vmapple: the guest reset %u times within %u s: a reset loop "
				"(--reset-limit %u --reset-window %u); ending the run\n", n_recent,
				b->cfg.reset_window_s, b->cfg.reset_limit, b->cfg.reset_window_s);
			return BOARD_EXIT_RESET_LOOP;
		}
		if (restart(b))
			return BOARD_EXIT_ERROR;
	}
}

void board_print_stats(struct board *b, FILE *out)
{
	struct vmapple_kvm_vm_stats st;
	unsigned int s;

	vm_print_stats(&b->vm, out);
	fprintf(out, "restarts: %u (guest resets; counters above are the last boot's)\n",
		b->restarts);
	for (s = 0; s < b->nr_blk; s++)
		fprintf(out, "%s: %llu requests, %llu failed, %llu kicks exited, up to %u in "
			"flight\n", b->blk[s]->vp.p.name, (unsigned long long)b->blk[s]->requests,
			(unsigned long long)b->blk[s]->errors,
			(unsigned long long)b->blk[s]->vp.kicks_exited, b->blk[s]->max_in_flight);
	for (s = 0; s < b->nr_nics; s++)
		fprintf(out, "%s: rx %llu frames (%llu dropped), tx %llu frames (%llu failed)%s\n",
			b->nic[s]->vp.p.name, (unsigned long long)b->nic[s]->rx_frames,
			(unsigned long long)b->nic[s]->rx_dropped,
			(unsigned long long)b->nic[s]->tx_frames,
			(unsigned long long)b->nic[s]->tx_errors,
			b->nic[s]->vhost_used ? "; the rest through vhost-net" : "");
	if (b->sound)
		fprintf(out, "%s: %llu requests (%llu bad), %llu tx/rx messages (%llu failed), "
			"%llu bytes discarded\n", b->sound->vp.p.name,
			(unsigned long long)b->sound->requests,
			(unsigned long long)b->sound->bad_requests,
			(unsigned long long)b->sound->xfers,
			(unsigned long long)b->sound->xfer_errors,
			(unsigned long long)b->sound->bytes_discarded);
	if (b->balloon) {
		struct virtio_balloon_counters n;

		virtio_balloon_get_counters(b->balloon, &n);
		fprintf(out, "%s: inflated %llu, deflated %llu, reported %llu pages, %llu MiB "
			"returned to the host, %llu refused\n", b->balloon->vp.p.name,
			(unsigned long long)n.inflated, (unsigned long long)n.deflated,
			(unsigned long long)n.reported, (unsigned long long)(n.returned_bytes >> 20),
			(unsigned long long)n.bad);
	}
	if (b->module_fd < 0 || vmk_get_own_vm_stats(b->module_fd, getpid(), &st))
		return;
	fprintf(out, "vmapple_kvm:");
	for (s = 0; s < VMAPPLE_KVM_NR_STATS; s++)
		fprintf(out, " %s %llu", stat_name(s), (unsigned long long)st.counters[s]);
	fprintf(out, "\n");
}

void board_destroy(struct board *b)
{
	unsigned int i;

	qmp_close(&b->qmp);
	machine_teardown(b);
	console_close(&b->console);
	disk_close(&b->root_disk);
	disk_close(&b->aux_disk);
	for (i = 0; i < BOARD_MAX_DRIVES; i++)
		disk_close(&b->drive_disk[i]);
	b->bdif.root.fd = b->bdif.aux.fd = -1;
	if (b->wake_fd >= 0)
		close(b->wake_fd);
	b->wake_fd = -1;
}
