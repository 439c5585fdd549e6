// SPDX-License-Identifier: GPL-2.0
/*
 * help.c - `vmapple help [COMMAND]`: an overview, and each command's whole
 * text (its options, exit status, files and environment), as QEMU's and
 * kvmtool's help reads.  The man page, docs/vmapple.1, says the same.
 */
#include "cli.h"

#include <string.h>

const char vmapple_usage[] =
	"usage: vmapple COMMAND [OPTIONS]\n"
	"\n"
	"commands:\n"
	"  run            boot a VM: a bundle, firmware (--bios) or a kernel (--kernel)\n"
	"  inspect        print what a VM bundle holds (disk, aux, ECID, model, ...)\n"
	"  clone          copy a bundle instantly (copy-on-write) with a fresh MAC\n"
	"  nvram          print or edit the NVRAM in a VM's aux image\n"
	"  qmp            send one QMP command to a running VM's control socket,\n"
	"                 or print its events\n"
	"  stop           press a running VM's power button (again: force it off)\n"
	"  check          report the host's KVM features and the vmapple_kvm module\n"
	"  stat           live counters of the VMs attached to vmapple_kvm\n"
	"  vetu COMMAND   Orchard's vetu commands on the VM store (also as `vetu`):\n"
	"                 pull push fqn clone set run ip stop delete list\n"
	"  pull, push     vetu pull IMAGE, vetu push NAME IMAGE: OCI registry images\n"
	"  resources      the Orchard worker's --resources: this host's VM limit\n"
	"  network        up|down|status: the shared NAT network VMs join by TAP\n"
	"  version        print the launcher and ABI versions\n"
	"  help [COMMAND] this text, or a command's options\n"
	"\n"
	"vmapple help COMMAND prints a command's options; see also vmapple(1).\n";

static const char run_help[] =
	"usage: vmapple run BUNDLE [OPTIONS]\n"
	"       vmapple run --bios FILE [--disk FILE[,ro]] [--aux FILE[,ro]] [OPTIONS]\n"
	"       vmapple run --kernel IMAGE [--initrd FILE] [--append CMDLINE] [OPTIONS]\n"
	"\n"
	"Boot the VMApple board: a VM bundle made by macosvm, UTM, Tart or\n"
	"VirtualBuddy (its disk, aux, ECID, CPUs, memory and MAC; options given\n"
	"here override it), firmware loaded at 0x100000 (AVPBooter; the disk and\n"
	"aux reach it through BDIF and Apple's virtio-blk, an aux's 16 KiB\n"
	"Virtualization.framework header skipped), or an arm64 Linux Image or a\n"
	"raw binary (loaded at RAM's start, entered with x0 = the device tree).\n"
	"\n"
	"  --mem SIZE            RAM, like 512M or 2G; plain numbers are MiB (default 1G)\n"
	"  --cpus N              vCPUs (default 1)\n"
	"  --ecid N              the ECID the firmware reads from cfg\n"
	"  --serial S --model M  cfg's serial number and model (31 characters at most)\n"
	"  --production-mode on|off  cfg's production-mode flag (default on)\n"
	"  --drive FILE[,ro]     a standard virtio-blk disk (up to 4)\n"
	"  --net SPEC            virtio-net: user[,hostfwd=tcp:[HOST]:PORT-[GUEST]:PORT]\n"
	"                        (libslirp), shared (a free TAP of `vmapple network up`'s\n"
	"                        pool, no privilege needed) or\n"
	"                        tap,ifname=NAME[,bridge=BR][,offload=on|off]\n"
	"                        [,vhost=on|off] (up to 2; a TAP's frames go through\n"
	"                        vhost-net with checksum and TSO offloads by default)\n"
	"  --rng on|off          a virtio-rng (default on)\n"
	"  --sound on|off        a virtio-sound that answers macOS's queries and\n"
	"                        discards output (default on with --bios)\n"
	"  --balloon on|off      a virtio-balloon, AppleVirtIOBalloon's quirks handled\n"
	"                        on --bios boots (default on)\n"
	"  --fix-overlapping-used on|off  move a virtio used ring laid inside its\n"
	"                        avail ring, as macOS 26 does (default on)\n"
	"  --event-idx on|off    offer virtio's EVENT_IDX (fewer kicks and interrupts;\n"
	"                        default on)\n"
	"  --console stdio|unix:PATH  the PL011 console: the terminal (default), or a\n"
	"                        socket the launcher listens on (one client at a time)\n"
	"  --qmp unix:PATH       a QMP control socket: qmp_capabilities, query-status,\n"
	"                        system_powerdown, system_reset, stop, cont, quit,\n"
	"                        balloon, query-balloon, query-vmapple-stats,\n"
	"                        query-commands; events SHUTDOWN, RESET, POWERDOWN,\n"
	"                        GUEST_PANICKED, STOP, RESUME, VMAPPLE_PROGRESS\n"
	"  --paused              start with the vCPUs held (QEMU's -S): query-status\n"
	"                        says prelaunch until QMP's cont (needs --qmp)\n"
	"  --pidfile FILE        write the launcher's pid (for vmapple stop)\n"
	"  --bundle PATH         the bundle, as an option\n"
	"  --ephemeral           run on a copy-on-write scratch copy of the bundle,\n"
	"                        deleted at exit (even after kill -9: at the next start)\n"
	"  --allow-copy          --ephemeral where the filesystem cannot reflink: copy\n"
	"                        the bundle (sparsely) instead of refusing\n"
	"  --stop-timeout SECONDS  after SIGTERM or vmapple stop presses the power\n"
	"                        button, force the VM off if it is still on (default 30)\n"
	"  --board vmapple|t8103   the machine: VMApple (default), or an M1 whose AIC is\n"
	"                          in vmapple_kvm (needs the module; boots only --kernel)\n"
	"  --on-reset restart|exit  a guest's reset restarts it in place, disks kept\n"
	"                        (default), or ends the run (status 5)\n"
	"  --reset-limit N --reset-window SECONDS  more than N restarts within SECONDS\n"
	"                        is a reset loop: the run ends (status 6); default 10, 60\n"
	"  --max-macos-instances N  --bios (macOS) guests at once on this host\n"
	"                        (default: max-macos-instances in /etc/vmapple/\n"
	"                        vmapple.json, else 2, as Apple's licence allows per Mac)\n"
	"  --kvm PATH            KVM's device (default /dev/kvm)\n"
	"  --module PATH|none    vmapple_kvm's device (default /dev/vmapple_kvm); none\n"
	"                        runs without it (Layer 0)\n"
	"\n"
	"With a bundle, the firmware is --bios, $VMAPPLE_BIOS, or\n"
	"/usr/share/vmapple/AVPBooter.vmapple2.bin.\n"
	"\n"
	"Exit status: 0 the guest powered off (or QMP quit), 1 an error (named on\n"
	"stderr), 2 a bad command line, 3 the guest panicked, 4 forced off (a second\n"
	"stop, or --stop-timeout), 5 the guest reset with --on-reset exit, 6 a reset loop.\n"
	"\n"
	"Files: /run/lock/vmapple-macos/slotN (the macOS instance slots).\n"
	"Environment: VMAPPLE_MACOS_LOCK_DIR (where the slots are), VMAPPLE_BIOS,\n"
	"VMAPPLE_TRACE_EXITS=N (print the first N exits), VMAPPLE_NO_THP=1 (guest RAM\n"
	"without transparent huge pages).\n";

static const char inspect_help[] =
	"usage: vmapple inspect BUNDLE [--json]\n"
	"\n"
	"Print what a VM bundle holds, as vmapple run takes it: its layout\n"
	"(macosvm, utm, tart, vbuddy), disk, aux, hardware model, ECID, CPUs,\n"
	"memory and MAC address; --json prints it as one JSON object.\n"
	"Exit status: 0, or 1 with one line naming the file and field at fault.\n";

static const char clone_help[] =
	"usage: vmapple clone SRC DST [--allow-copy]\n"
	"\n"
	"Copy bundle SRC to DST instantly, each file reflinked (FICLONE, then\n"
	"copy_file_range), and give DST a fresh MAC address.  Where the filesystem\n"
	"cannot reflink, say so and refuse, or with --allow-copy copy the bytes.\n"
	"DST must not exist; a failed clone leaves nothing behind.\n";

static const char nvram_help[] =
	"usage: vmapple nvram AUX|BUNDLE print\n"
	"       vmapple nvram AUX|BUNDLE set KEY=VALUE\n"
	"       vmapple nvram AUX|BUNDLE unset KEY\n"
	"\n"
	"The CHRP NVRAM in a VM's aux image (aux.img, Tart's nvram.bin): print every\n"
	"variable of the live bank; set one (boot-args=-v serial=3), appended into\n"
	"the other bank with a higher generation and a fixed checksum, the old bank\n"
	"untouched (re-serialising the list makes iBoot refuse it); unset is\n"
	"refused for a set key (CHRP has no delete: set KEY= instead).  An aux a\n"
	"running VM holds, or one with no valid bank, is refused.\n";

static const char qmp_help[] =
	"usage: vmapple qmp SOCKET JSON\n"
	"       vmapple qmp SOCKET --events\n"
	"\n"
	"Send one QMP command to a running VM's --qmp socket (a path, or unix:PATH),\n"
	"after qmp_capabilities, and print its reply.  Exit status 0 for a return,\n"
	"1 for an error reply or no connection.\n"
	"  --events    print \"listening\" once connected, then every event the VM\n"
	"              sends, one JSON line each, until the VM ends (exit status 0)\n"
	"Example: vmapple qmp /run/vmapple/vm.qmp '{\"execute\": \"query-status\"}'\n";

static const char stop_help[] =
	"usage: vmapple stop --pid N | --pidfile FILE\n"
	"\n"
	"Press the power button of the VM that vmapple run pid N is running\n"
	"(SIGTERM does the same); a second stop forces it off, as does\n"
	"vmapple run's --stop-timeout.\n";

static const char check_help[] =
	"usage: vmapple check [--kvm PATH] [--module PATH]\n"
	"\n"
	"Report the host's KVM features and whether vmapple_kvm is loaded, with\n"
	"which hooks, and why not where it is not.\n";

static const char stat_help[] =
	"usage: vmapple stat [--module PATH] [--interval SECONDS] [--count N]\n"
	"\n"
	"Live counters of every VM attached to vmapple_kvm (yours; all with\n"
	"CAP_SYS_ADMIN), per second like kvm_stat; --count 1 prints one snapshot.\n";

static const char resources_help[] =
	"usage: vmapple resources\n"
	"\n"
	"Print the resources this host offers an Orchard worker, as its\n"
	"--resources takes them: org.cirruslabs.tart-vms=N, N being the macOS\n"
	"instance limit every vmapple run on the host keeps to (max-macos-instances\n"
	"in /etc/vmapple/vmapple.json, or $VMAPPLE_CONFIG; 2 without one):\n"
	"  orchard worker run --resources \"$(vmapple resources)\" CONTROLLER\n";

static const char network_help[] =
	"usage: vmapple network up [--taps N] [--group NAME|GID]\n"
	"       vmapple network down\n"
	"       vmapple network status\n"
	"\n"
	"The shared NAT network, as Tart's shared network on a Mac: up (as root,\n"
	"once; or systemctl start vmapple-network) makes the bridge vmapple0 at\n"
	"192.168.64.1/24, N persistent TAPs in it (vmapple0t0...; default 8, at\n"
	"most 64) that the group may attach to (default kvm), dnsmasq serving\n"
	"DHCP (192.168.64.2-254) and DNS on it, forwarding, and masquerading in\n"
	"the nftables table ip vmapple.  VMs then join it unprivileged with\n"
	"--net shared (vetu run does so itself); vetu ip NAME reads its leases.\n"
	"down removes all of it (and restores forwarding), however often run.\n"
	"State, leases and dnsmasq's pid in /run/vmapple/network\n"
	"($VMAPPLE_NETWORK_DIR).  status exits 0 when up, 1 when down.\n";

static const char version_help[] =
	"usage: vmapple version\n\nPrint the launcher's version and the module ABI it speaks.\n";

static const char help_help[] =
	"usage: vmapple help [COMMAND]\n\nThe overview, or COMMAND's options.\n";

static const struct {
	const char *name;
	const char *text;
} topics[] = {
	{ "run", run_help }, { "inspect", inspect_help }, { "clone", clone_help },
	{ "nvram", nvram_help }, { "qmp", qmp_help }, { "stop", stop_help },
	{ "check", check_help }, { "stat", stat_help }, { "resources", resources_help },
	{ "network", network_help },
	{ "version", version_help },
	{ "help", help_help },
};

const char *vmapple_help(const char *command)
{
	size_t i;

	if (!command)
		return vmapple_usage;
	for (i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		if (!strcmp(topics[i].name, command))
			return topics[i].text;
	return NULL;
}
