// SPDX-License-Identifier: GPL-2.0
/* test_cli - the vmapple command line: commands, options, every bad input. */
#include <string.h>

#include "../../userspace/cli.h"
#include "tap.h"

#define ARGV(...) ((char *[]){ "vmapple", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "vmapple", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(...) vmapple_parse_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &args, err, sizeof(err))

static struct vmapple_args args;
static char err[256];

static void refuses(int rc, const char *want, const char *what)
{
	ok(rc == -1 && strstr(err, want), "%s: refused with \"%s\" (got \"%s\")", what, want, err);
}

int main(void)
{
	char small[12];
	char *none[] = { "vmapple", NULL };

	ok(vmapple_parse_args(1, none, &args, err, sizeof(err)) == -1 &&
	   strstr(err, "no command given"), "no command: clear error");
	refuses(PARSE("frob"), "unknown command 'frob'", "unknown command");
	refuses(PARSE("check", "--bogus"), "unknown option '--bogus'", "unknown option");
	refuses(PARSE("check", "--kvm"), "option '--kvm' needs a path", "option without value");
	refuses(PARSE("check", "--module", ""), "option '--module' needs a path", "empty path");
	refuses(PARSE("version", "--kvm", "/x"), "vmapple version: unknown option '--kvm'",
		"check-only option on another command");

	ok(PARSE("check") == 0 && args.command == VMAPPLE_CMD_CHECK &&
	   !strcmp(args.kvm_path, "/dev/kvm") && !strcmp(args.module_path, "/dev/vmapple_kvm"),
	   "check: default device paths");
	ok(PARSE("check", "--kvm", "/a", "--module", "/b") == 0 &&
	   !strcmp(args.kvm_path, "/a") && !strcmp(args.module_path, "/b"),
	   "check --kvm --module: paths taken");
	ok(PARSE("version") == 0 && args.command == VMAPPLE_CMD_VERSION, "version");
	ok(PARSE("help") == 0 && args.command == VMAPPLE_CMD_HELP, "help");
	ok(PARSE("--help") == 0 && args.command == VMAPPLE_CMD_HELP, "--help");
	ok(PARSE("-h") == 0 && args.command == VMAPPLE_CMD_HELP, "-h");

	refuses(PARSE("run"), "vmapple run: a BUNDLE, --bios FILE (AVPBooter.vmapple2.bin) or "
		"--kernel IMAGE is required", "run without a bundle, --bios or --kernel");
	ok(PARSE("run", "vm.bundle", "--mem", "4G", "--ephemeral") == 0 &&
	   !strcmp(args.bundle, "vm.bundle") && args.ephemeral && vmapple_given(&args, "--mem") &&
	   !vmapple_given(&args, "--cpus"), "run BUNDLE: the bundle, a flag, what was given");
	ok(PARSE("run", "--bundle", "vm.bundle") == 0 && !strcmp(args.bundle, "vm.bundle"),
	   "run --bundle PATH");
	refuses(PARSE("run", "a.bundle", "b.bundle"), "'b.bundle': one bundle is enough",
		"two bundles");
	refuses(PARSE("run", "--bios", "fw", "--ephemeral"),
		"--ephemeral runs a copy of a bundle", "--ephemeral without a bundle");
	refuses(PARSE("run", "vm.bundle", "--kernel", "k"), "--kernel does not go with it",
		"a bundle and --kernel");
	ok(PARSE("inspect", "vm.utm", "--json") == 0 && args.command == VMAPPLE_CMD_INSPECT &&
	   !strcmp(args.bundle, "vm.utm") && args.json, "inspect BUNDLE --json");
	refuses(PARSE("inspect"), "vmapple inspect: give a bundle", "inspect without a bundle");
	ok(PARSE("clone", "a", "b", "--allow-copy") == 0 && args.command == VMAPPLE_CMD_CLONE &&
	   !strcmp(args.bundle, "a") && !strcmp(args.clone_dst, "b") && args.allow_copy,
	   "clone SRC DST --allow-copy");
	refuses(PARSE("clone", "a"), "vmapple clone: give the bundle and the new name",
		"clone without DST");
	refuses(PARSE("clone", "a", "b", "c"), "'c': one SRC and DST is enough", "clone of three");
	refuses(PARSE("stop", "x"), "vmapple stop: unknown option 'x'",
		"a word where a command takes none");
	refuses(PARSE("run", "--bios", "f", "--kernel", "k"), "two ways to boot; give one",
		"run with both --bios and --kernel");
	refuses(PARSE("run", "--bios", "f", "--initrd", "i"), "--initrd needs --kernel",
		"--initrd without --kernel");
	refuses(PARSE("run", "--bios", "f", "--append", "quiet"), "--append needs --kernel",
		"--append without --kernel");
	refuses(PARSE("run", "--kernel", "k", "--rng", "maybe"), "--rng 'maybe': on or off",
		"--rng takes on or off");
	refuses(PARSE("run", "--kernel", "k", "--drive", "a", "--drive", "b", "--drive", "c",
		      "--drive", "d", "--drive", "e"), "--drive 'e': at most 4 of them",
		"a fifth --drive");
	refuses(PARSE("run", "--kernel", "k", "--net", "user", "--net", "user", "--net", "user"),
		"--net 'user': at most 2 of them", "a third --net");
	ok(PARSE("run", "--kernel", "Image", "--initrd", "rd", "--append", "console=ttyAMA0",
		 "--drive", "a.img", "--drive", "b.img,ro", "--net", "user,hostfwd=tcp::2222-:22",
		 "--rng", "off", "--pidfile", "/run/vm.pid", "--console", "unix:/run/c") == 0 &&
	   !strcmp(args.console, "unix:/run/c") &&
	   !strcmp(args.kernel, "Image") && !strcmp(args.initrd, "rd") &&
	   !strcmp(args.append, "console=ttyAMA0") && args.nr_drives == 2 &&
	   !strcmp(args.drive[1], "b.img,ro") && args.nr_nets == 1 &&
	   !strcmp(args.net[0], "user,hostfwd=tcp::2222-:22") && args.rng == 0 &&
	   !strcmp(args.pidfile, "/run/vm.pid"), "run --kernel: every Linux-boot option taken");
	ok(PARSE("run", "--kernel", "Image") == 0 && args.rng == 1 && !args.nr_drives &&
	   !args.nr_nets, "run --kernel: virtio-rng on, no drives, no NICs by default");
	ok(PARSE("stop", "--pid", "42") == 0 && args.command == VMAPPLE_CMD_STOP && args.pid == 42,
	   "stop --pid");
	ok(PARSE("stop", "--pidfile", "/run/vm.pid") == 0 && !strcmp(args.pidfile, "/run/vm.pid"),
	   "stop --pidfile");
	refuses(PARSE("stop"), "vmapple stop: give the VM as --pid N or --pidfile FILE",
		"stop without a VM");
	refuses(PARSE("stop", "--pid", "1", "--pidfile", "f"), "(one of them)",
		"stop with both --pid and --pidfile");
	refuses(PARSE("stop", "--kernel", "k"), "vmapple stop: unknown option '--kernel'",
		"a run-only option on stop");
	refuses(PARSE("run", "--bios", "f", "--mem", "12Q"), "--mem '12Q': not a size",
		"a size with a bad unit");
	refuses(PARSE("run", "--bios", "f", "--mem", "-1"), "--mem '-1': not a size",
		"a negative size");
	refuses(PARSE("run", "--bios", "f", "--mem", "99999999999999G"), "not a size",
		"a size past 2^64");
	refuses(PARSE("run", "--bios", "f", "--cpus", "two"), "--cpus 'two': not a number",
		"a non-numeric CPU count");
	refuses(PARSE("run", "--bios", "f", "--interval", "1"),
		"vmapple run: unknown option '--interval'", "a stat-only option on run");
	ok(PARSE("run", "--bios", "f", "--module", "none") == 0 && !strcmp(args.module_path, "none"),
	   "run: --module none runs without the module");
	ok(PARSE("run", "--bios", "fw", "--disk", "d", "--aux", "a", "--mem", "2G", "--cpus", "4",
		 "--ecid", "0x1234") == 0 && args.command == VMAPPLE_CMD_RUN &&
	   !strcmp(args.bios, "fw") && !strcmp(args.disk, "d") && !strcmp(args.aux, "a") &&
	   args.mem == 2ull << 30 && args.cpus == 4 && args.ecid == 0x1234,
	   "run: every option taken");
	ok(PARSE("run", "--bios", "fw", "--mem", "512") == 0 && args.mem == 512ull << 20 &&
	   args.cpus == 1, "run: a plain size is MiB; one CPU by default");
	ok(PARSE("run", "--bios", "fw", "--mem", "65536K") == 0 && args.mem == 64ull << 20,
	   "run: K suffix");

	ok(PARSE("run", "--bios", "fw") == 0 && !strcmp(args.on_reset, "restart") &&
	   args.reset_limit == 10 && args.reset_window == 60 && args.production_mode == 1 &&
	   args.fix_used_ring == 1 &&
	   !args.serial && !args.model,
	   "run: a reset restarts (loop at 10 in 60 s); production mode; default serial/model");
	ok(PARSE("run", "--bios", "fw", "--on-reset", "exit", "--reset-limit", "3",
		 "--reset-window", "5", "--serial", "C02X", "--model", "VirtualMac2,1",
		 "--production-mode", "off") == 0 && !strcmp(args.on_reset, "exit") &&
	   args.reset_limit == 3 && args.reset_window == 5 && !strcmp(args.serial, "C02X") &&
	   !strcmp(args.model, "VirtualMac2,1") && args.production_mode == 0,
	   "run: reset, serial, model and production-mode options taken");
	ok(PARSE("run", "--kernel", "Image") == 0 && !strcmp(args.board, "vmapple"),
	   "run: the VMApple board by default");
	ok(PARSE("run", "--board", "t8103", "--kernel", "Image") == 0 &&
	   !strcmp(args.board, "t8103"), "run: --board t8103 taken");
	refuses(PARSE("run", "--board", "m2", "--kernel", "Image"),
		"--board 'm2': one of vmapple, t8103", "an unknown --board");
	refuses(PARSE("run", "--board", "t8103", "--bios", "fw"),
		"--board t8103 boots only --kernel", "t8103 with firmware");
	refuses(PARSE("run", "--bios", "fw", "--on-reset", "reboot"),
		"--on-reset 'reboot': restart or exit", "an unknown --on-reset");
	refuses(PARSE("run", "--bios", "fw", "--reset-limit", "1001"),
		"--reset-limit 1001: at most 1000", "a --reset-limit past its ceiling");
	ok(PARSE("run", "--bios", "fw") == 0 && args.stop_timeout == 30,
	   "run: a stop forces the VM off after 30 s, as tart stop does");
	refuses(PARSE("run", "--bios", "fw", "--stop-timeout", "0"),
		"--stop-timeout 0: 1 to 86400 seconds", "a zero --stop-timeout");
	refuses(PARSE("run", "--bios", "fw", "--reset-window", "0"),
		"--reset-window 0: 1 to 86400 seconds", "a zero --reset-window");
	ok(PARSE("run", "--bios", "fw") == 0 && !vmapple_given(&args, "--max-macos-instances") &&
	   args.sound == VMAPPLE_SOUND_DEFAULT && args.balloon == 1,
	   "run: the host's macOS instance limit; sound by boot kind; a balloon");
	ok(PARSE("run", "--bios", "fw", "--max-macos-instances", "3") == 0 &&
	   vmapple_given(&args, "--max-macos-instances") && args.max_macos == 3,
	   "run: --max-macos-instances 3 overrides the host's");
	refuses(PARSE("run", "--bios", "fw", "--max-macos-instances", "65"),
		"--max-macos-instances 65: 1 to 64", "a limit past 64");
	ok(PARSE("resources") == 0 && args.command == VMAPPLE_CMD_RESOURCES,
	   "resources: the Orchard worker's resources");
	refuses(PARSE("resources", "--json"), "vmapple resources: unknown option '--json'",
		"resources takes no options");
	refuses(PARSE("run", "--bios", "fw", "--max-macos-instances", "0"),
		"--max-macos-instances 0: 1 to 64", "no macOS instances at all");
	refuses(PARSE("run", "--bios", "fw", "--sound", "loud"), "--sound 'loud': on or off",
		"--sound takes on or off");
	refuses(PARSE("run", "--bios", "fw", "--production-mode", "yes"),
		"--production-mode 'yes': on or off", "--production-mode takes on or off");

	ok(PARSE("qmp", "/run/vm.qmp", "{\"execute\":\"stop\"}") == 0 &&
	   args.command == VMAPPLE_CMD_QMP && !strcmp(args.qmp_socket, "/run/vm.qmp") &&
	   !strcmp(args.qmp_command, "{\"execute\":\"stop\"}"), "qmp: the socket and the command");
	refuses(PARSE("qmp", "/run/vm.qmp"), "vmapple qmp: give the socket and one command",
		"qmp without a command");
	ok(PARSE("run", "--kernel", "k", "--qmp", "unix:/tmp/q") == 0 &&
	   !strcmp(args.qmp, "unix:/tmp/q") && !args.paused, "run --qmp: the socket taken");
	ok(PARSE("qmp", "/run/vm.qmp", "--events") == 0 && args.qmp_events,
	   "qmp SOCKET --events: listen for events");
	ok(PARSE("qmp", "/run/vm.qmp", "{}") == 0 && !args.qmp_events,
	   "qmp SOCKET JSON: no --events");
	refuses(PARSE("qmp", "/run/vm.qmp", "--event"),
		"vmapple qmp: unknown option '--event' (a command is JSON; --events listens)",
		"qmp with an unknown option");
	ok(PARSE("run", "--kernel", "k", "--qmp", "unix:/tmp/q", "--paused") == 0 && args.paused,
	   "run --paused with --qmp");
	ok(PARSE("run", "--kernel", "k") == 0 && args.event_idx &&
	   PARSE("run", "--kernel", "k", "--event-idx", "off") == 0 && !args.event_idx,
	   "run --event-idx: on by default, off when asked");
	refuses(PARSE("run", "--kernel", "k", "--event-idx", "maybe"),
		"vmapple run: --event-idx 'maybe': on or off", "--event-idx with a bad value");
	refuses(PARSE("run", "--kernel", "k", "--paused"),
		"vmapple run: --paused waits for QMP's cont: give --qmp too", "--paused without --qmp");

	ok(PARSE("nvram", "vm.bundle", "set", "boot-args=-v serial=3") == 0 &&
	   args.command == VMAPPLE_CMD_NVRAM && !strcmp(args.nvram_action, "set") &&
	   !strcmp(args.nvram_arg, "boot-args=-v serial=3"), "nvram set KEY=VALUE");
	ok(PARSE("nvram", "aux.img", "print") == 0 && !args.nvram_arg, "nvram print");
	refuses(PARSE("nvram", "aux.img", "set", "boot-args"), "'boot-args' is not KEY=VALUE",
		"nvram set without =");
	refuses(PARSE("nvram", "aux.img", "zap"), "print, set KEY=VALUE or unset KEY",
		"an unknown nvram action");
	refuses(PARSE("nvram", "aux.img", "print", "x"), "vmapple nvram print: takes nothing more",
		"nvram print with more");
	refuses(PARSE("nvram", "aux.img", "unset"), "vmapple nvram unset: give one KEY",
		"nvram unset without a key");

	ok(PARSE("stat") == 0 && args.command == VMAPPLE_CMD_STAT && args.interval == 1 &&
	   args.count == 0 && !strcmp(args.module_path, "/dev/vmapple_kvm"),
	   "stat: every second until interrupted, on the default device");
	ok(PARSE("stat", "--interval", "5", "--count", "1", "--module", "/m") == 0 &&
	   args.interval == 5 && args.count == 1 && !strcmp(args.module_path, "/m"),
	   "stat: every option taken");
	refuses(PARSE("stat", "--interval", "0"), "--interval 0: between 1 and 3600",
		"a zero stat interval");
	refuses(PARSE("stat", "--count", "-1"), "--count '-1': not a number", "a negative count");
	refuses(PARSE("stat", "--bios", "x"), "vmapple stat: unknown option '--bios'",
		"a run-only option on stat");

	ok(vmapple_parse_args(ARGC("a-very-long-unknown-command"),
			      ARGV("a-very-long-unknown-command"), &args, small,
			      sizeof(small)) == -1 && strlen(small) == sizeof(small) - 1,
	   "a message longer than the buffer is truncated, not overflowed");
	ok(strstr(vmapple_usage, "check") && strstr(vmapple_usage, "version") &&
	   strstr(vmapple_usage, "  run ") && strstr(vmapple_usage, "  stat ") &&
	   strstr(vmapple_usage, "  nvram ") && strstr(vmapple_usage, "  qmp "),
	   "usage names every command");
	ok(PARSE("help", "run") == 0 && args.command == VMAPPLE_CMD_HELP &&
	   !strcmp(args.help_topic, "run") && strstr(vmapple_help("run"), "--stop-timeout") &&
	   strstr(vmapple_help("run"), "Exit status"), "help run: every run option and exit status");
	refuses(PARSE("help", "frob"), "vmapple help: no command 'frob'", "help of no command");
	{
		static const char *const every[] = { "run", "inspect", "clone", "nvram", "qmp",
						     "stop", "check", "stat", "version", "help" };
		unsigned int i, n = 0;

		for (i = 0; i < sizeof(every) / sizeof(every[0]); i++)
			n += vmapple_help(every[i]) != NULL;
		ok(n == sizeof(every) / sizeof(every[0]), "every command has its help (%u)", n);
	}
	return tap_done();
}
