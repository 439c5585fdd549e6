// SPDX-License-Identifier: GPL-2.0
/*
 * test_vetu - the contract with Orchard's vetu runtime (orchard 0.55.0,
 * internal/worker/vmmanager/vetu/vetu.go and base/cmd.go): its exact
 * invocations replayed, in a VM's lifecycle order, against vetu_main() on
 * a store in a temporary $VMAPPLE_HOME, and the outputs parsed as Orchard
 * parses them (stdout trimmed; `list --format json` into Name, Source,
 * State, Running; an error is the first non-empty stderr line and any
 * non-zero exit).  `run` hands the launcher its argv: here a stand-in
 * launcher that writes its PID file and runs until SIGINT, as vmapple's
 * does; the rig runs the real one.  Then each bad input's error, and the
 * store's pieces (names, the IP lookup).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../../userspace/fleet/vetu.h"
#include "../../userspace/fleet/vm_ip.h"
#include "../../userspace/fleet/vm_store.h"
#include "tap.h"

#define MIB		(1024ull * 1024)
#define SRC_MAC		"7e:00:11:22:33:44"
#define VM		"orchard-ci-vm-6f1c0a2e-4b1d-4c3e-9a8f-0123456789ab-0"

static char home[64], src[128], out_path[128], err_path[128];
static char out[8192], err1[1024];	/* the last command's stdout, stderr's first line */
static char run_argv[16][512];		/* what the stand-in launcher was given */
static int run_argc;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(s, f) < 0 || fclose(f))
		die(path);
}

static void mkimage(const char *path, uint64_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, (off_t)size))
		die(path);
	close(fd);
}

static const char *at(const char *dir, const char *file)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, file);
	return buf[i];
}

/* A Tart bundle (VMConfig.swift's keys), the source Orchard's image stands for. */
static void make_source(void)
{
	snprintf(src, sizeof(src), "%s/src-bundle", home);
	if (mkdir(src, 0755))
		die(src);
	write_str(at(src, "config.json"),
		  "{\"version\":1,\"os\":\"darwin\",\"arch\":\"arm64\",\"cpuCountMin\":2,"
		  "\"cpuCount\":4,\"memorySizeMin\":4294967296,\"memorySize\":8589934592,"
		  "\"macAddress\":\"" SRC_MAC "\",\"diskFormat\":\"raw\","
		  /* binary plists, base64: {ECID: 0x1122334455667788}; a macOS 12 model */
		  "\"ecid\":\"YnBsaXN0MDDRAQJURUNJRBMRIjNEVWZ3iAgLEAAAAAAAAAEBAAAAAAAAAAMAAAAAAAAAAAAA"
		  "AAAAAAAZ\",\"hardwareModel\":\"YnBsaXN0MDDTAQIDBAUGXxAZRGF0YVJlcHJlc2VudGF0aW9uVm"
		  "Vyc2lvbl8QD1BsYXRmb3JtVmVyc2lvbl8QEk1pbmltdW1TdXBwb3J0ZWRPUxQAAAAAAAAAAAAAAAAAAAABEAKj"
		  "BwgIEAwQAAgPKz1SY2VpawAAAAAAAAEBAAAAAAAAAAkAAAAAAAAAAAAAAAAAAABt\"}");
	mkimage(at(src, "disk.img"), 64 * MIB);
	mkimage(at(src, "nvram.bin"), 32 * MIB + 0x4000);
}

/* The stand-in launcher: its argv kept, its PID file written, running until SIGINT. */
static volatile sig_atomic_t interrupted;

static void on_int(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int standin_launcher(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc && i < 16; i++)
		snprintf(run_argv[i], sizeof(run_argv[i]), "%s", argv[i]);
	run_argc = argc;
	for (i = 0; i + 1 < argc && !getenv("STANDIN_NO_PIDFILE"); i++)
		if (!strcmp(argv[i], "--pidfile")) {
			char pid[32];

			snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
			write_str(argv[i + 1], pid);
		}
	if (getenv("STANDIN_IGNORES_SIGINT"))
		signal(SIGINT, SIG_IGN);
	else
		signal(SIGINT, on_int);
	if (getenv("STANDIN_ARGV_TO")) {	/* for the parent to check */
		FILE *f = fopen(getenv("STANDIN_ARGV_TO"), "w");

		for (i = 0; f && i < argc; i++)
			fprintf(f, "%s\n", argv[i]);
		if (f)
			fclose(f);
	}
	while (!interrupted)
		pause();
	return 0;
}

static void read_back(void)
{
	FILE *f = fopen(out_path, "r");
	size_t n = f ? fread(out, 1, sizeof(out) - 1, f) : 0;

	out[n] = 0;
	if (f)
		fclose(f);
	err1[0] = 0;
	f = fopen(err_path, "r");
	while (f && fgets(err1, sizeof(err1), f) && (err1[0] == '\n' || !err1[0]))
		;
	if (f)
		fclose(f);
	err1[strcspn(err1, "\n")] = 0;
}

/* `vetu ARGS...` in a child (its own stdout and stderr files): the child, not waited for. */
static pid_t spawn(const char *const *args)
{
	char *argv[16];
	int n = 0, status;
	pid_t pid;

	while (args[n] && n < 15) {
		argv[n] = (char *)args[n];
		n++;
	}
	argv[n] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (o < 0 || e < 0)
			_exit(99);
		dup2(o, 1);
		dup2(e, 2);
		status = vetu_main(n, argv, standin_launcher);
		fflush(NULL);
		_exit(status);
	}
	return pid;
}

/* `vetu ARGS...` to its end: its exit status; out and err1 read back. */
static int vetu(const char *const *args)
{
	int status;
	pid_t pid = spawn(args);

	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	read_back();
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define VETU(...) vetu((const char *const[]){ __VA_ARGS__, NULL })

static const char *trimmed(void)
{
	size_t n = strlen(out);

	while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = 0;
	return out;
}

/* Orchard's VMInfo, from `list --format json`: the entry for @name, or NULL. */
struct vminfo {
	char name[160], source[16], state[16];
	int running;	/* -1: not a bool */
};

static int list_json(struct vminfo *infos, int max)
{
	json_object *arr;
	int i, n;

	if (VETU("list", "--format", "json"))
		return -1;
	arr = json_tokener_parse(out);
	if (!json_object_is_type(arr, json_type_array)) {
		json_object_put(arr);
		return -1;
	}
	n = (int)json_object_array_length(arr);
	for (i = 0; i < n && i < max; i++) {
		json_object *o = json_object_array_get_idx(arr, (size_t)i), *v;

		memset(&infos[i], 0, sizeof(infos[i]));
		if (json_object_object_get_ex(o, "Name", &v))
			snprintf(infos[i].name, sizeof(infos[i].name), "%s", json_object_get_string(v));
		if (json_object_object_get_ex(o, "Source", &v))
			snprintf(infos[i].source, sizeof(infos[i].source), "%s",
				 json_object_get_string(v));
		if (json_object_object_get_ex(o, "State", &v))
			snprintf(infos[i].state, sizeof(infos[i].state), "%s", json_object_get_string(v));
		infos[i].running = json_object_object_get_ex(o, "Running", &v) &&
				   json_object_is_type(v, json_type_boolean) ?
				   json_object_get_boolean(v) : -1;
	}
	json_object_put(arr);
	return n;
}

static bool wait_for_file(const char *path)
{
	struct timespec ts = { 0, 20 * 1000000 };
	int i;

	for (i = 0; i < 250; i++) {
		if (!access(path, F_OK))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* Until a run holds the VM's lock (as another process sees it). */
static bool wait_running(const char *dir)
{
	struct timespec ts = { 0, 20 * 1000000 };
	pid_t pid;
	int i;

	for (i = 0; i < 250; i++) {
		if (vm_store_running(dir, &pid) && pid > 0)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

static bool file_has_line(const char *path, const char *line)
{
	char buf[1024];
	FILE *f = fopen(path, "r");
	bool found = false;

	while (f && !found && fgets(buf, sizeof(buf), f))
		found = !strncmp(buf, line, strlen(line)) && buf[strlen(line)] == '\n';
	if (f)
		fclose(f);
	return found;
}

static void test_lifecycle(void)
{
	char dir[512], argv_file[512], want[600], cfg[1024];
	struct vminfo info[4];
	struct stat st;
	pid_t run;
	int status, n;

	snprintf(dir, sizeof(dir), "%s/vms/%s", home, VM);
	snprintf(argv_file, sizeof(argv_file), "%s/launcher-argv", home);

	/* IfNotPresent is Orchard's default; with Always it pulls first. */
	ok(VETU("pull", src) == 0 && strstr(out, "is a local image, nothing to pull here!"),
	   "pull of a local image: nothing to do, exit 0");
	ok(VETU("clone", src, VM) == 0 && !stat(dir, &st) && S_ISDIR(st.st_mode),
	   "clone IMAGE orchard-NAME-UID-RESTARTS: the VM is in the store");
	{
		FILE *f = fopen(at(dir, "config.json"), "r");
		size_t len = f ? fread(cfg, 1, sizeof(cfg) - 1, f) : 0;

		cfg[len] = 0;
		if (f)
			fclose(f);
	}
	ok(!strstr(cfg, SRC_MAC) && strstr(cfg, "macAddress"), "the clone has a MAC of its own");
	ok(VETU("fqn", src) == 0 && !strcmp(trimmed(), src), "fqn of a local image: itself");
	ok(VETU("set", "--memory", "4096", VM) == 0, "set --memory MIB NAME");
	ok(VETU("set", "--cpu", "3", VM) == 0, "set --cpu N NAME");
	ok(VETU("set", "--disk-size", "1", VM) == 0 && !stat(at(dir, "disk.img"), &st) &&
	   st.st_size == 1000000000, "set --disk-size GB NAME: the disk grows to 10^9 bytes (%lld)",
	   (long long)st.st_size);

	setenv("STANDIN_ARGV_TO", argv_file, 1);
	run = spawn((const char *const[]){ "run", VM, NULL });
	unsetenv("STANDIN_ARGV_TO");
	ok(wait_for_file(at(dir, "run.pid")) && wait_for_file(argv_file),
	   "run NAME: the launcher starts, its PID file written");
	snprintf(want, sizeof(want), "%s", dir);
	ok(file_has_line(argv_file, "run") && file_has_line(argv_file, want) &&
	   file_has_line(argv_file, "--cpus") && file_has_line(argv_file, "3") &&
	   file_has_line(argv_file, "--mem") && file_has_line(argv_file, "4096M") &&
	   file_has_line(argv_file, "--pidfile"),
	   "run NAME: the launcher gets `run DIR --qmp unix:DIR/qmp.sock --pidfile ... --cpus 3 "
	   "--mem 4096M` (set's values)");
	snprintf(want, sizeof(want), "unix:%s/qmp.sock", dir);
	ok(file_has_line(argv_file, want), "run NAME: QMP at a known path (%s)", want);
	ok(!file_has_line(argv_file, "--net"), "run NAME, no shared network: no --net");
	n = list_json(info, 4);
	ok(n == 1 && !strcmp(info[0].name, VM) && info[0].running == 1 &&
	   !strcmp(info[0].state, "running") && !strcmp(info[0].source, "local"),
	   "list --format json, parsed as Orchard's VMInfo: Name, Source local, State running, "
	   "Running true");
	ok(VETU("run", VM) == 1 && strstr(err1, "is already running"),
	   "a second run of a running VM: exit 1, \"%s\"", err1);
	ok(VETU("delete", VM) == 1 && strstr(err1, "it is running"),
	   "delete of a running VM is refused: \"%s\"", err1);

	ok(VETU("ip", "--wait", "0", VM) == 1 && strstr(err1, "IP not found"),
	   "ip with no lease and no neighbour: exit 1, \"%s\"", err1);
	mkdir(at(home, "network"), 0755);
	/* dnsmasq's lease line for the clone's MAC, written as it would be. */
	{
		char mac[32] = "", lease[256];
		const char *p = strstr(cfg, "macAddress");

		/* "macAddress": "xx:...": the value's opening quote is after the colon. */
		if (p && (p = strchr(p, ':')) && (p = strchr(p, '"')))
			snprintf(mac, sizeof(mac), "%.17s", p + 1);
		snprintf(lease, sizeof(lease), "0 %s 10.211.0.7 mac-vm *\n", mac);
		write_str(at(at(home, "network"), "dnsmasq.leases"), lease);
	}
	ok(VETU("ip", "--wait", "60", VM) == 0 && !strcmp(trimmed(), "10.211.0.7"),
	   "ip --wait 60 NAME: the lease's address, trimmed (\"%s\")", out);

	ok(VETU("stop", "--timeout", "5", VM) == 0, "stop --timeout 5 NAME: exit 0");
	ok(waitpid(run, &status, 0) == run && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "the launcher took SIGINT (the power button) and ended with 0");
	n = list_json(info, 4);
	ok(n == 1 && info[0].running == 0 && !strcmp(info[0].state, "stopped"),
	   "list after stop: Running false, State stopped");
	ok(VETU("stop", VM) == 1 && strstr(err1, "is not running"),
	   "stop of a stopped VM: exit 1, \"%s\"", err1);

	/*
	 * A PID file left by a killed run names a live process that is no
	 * launcher, and a new run holds the lock but has not written its own
	 * yet: stop signals the run (the lock's holder), never that process.
	 */
	{
		pid_t bystander = fork();
		char pid[32];

		if (!bystander) {
			pause();
			_exit(0);
		}
		snprintf(pid, sizeof(pid), "%d\n", (int)bystander);
		write_str(at(dir, "run.pid"), pid);
		setenv("STANDIN_NO_PIDFILE", "1", 1);
		run = spawn((const char *const[]){ "run", VM, NULL });
		unsetenv("STANDIN_NO_PIDFILE");
		ok(wait_running(dir) && VETU("stop", "--timeout", "5", VM) == 0 &&
		   waitpid(run, &status, 0) == run && WIFEXITED(status) &&
		   waitpid(bystander, &status, WNOHANG) == 0,
		   "a stale run.pid naming another live process: stop reaches the run, not it");
		kill(bystander, SIGKILL);
		waitpid(bystander, &status, 0);
	}

	/* A launcher that does not stop at the button is killed after --timeout. */
	setenv("STANDIN_IGNORES_SIGINT", "1", 1);
	run = spawn((const char *const[]){ "run", VM, NULL });
	unsetenv("STANDIN_IGNORES_SIGINT");
	ok(wait_running(dir) && VETU("stop", "--timeout", "1", VM) == 0 &&
	   waitpid(run, &status, 0) == run && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	   "stop --timeout 1 of a VM that ignores the button: SIGKILL after the timeout");

	/* A run killed with SIGKILL leaves its socket: the VM still clones. */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", at(dir, "qmp.sock"));
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
			die("bind");
		close(fd);
	}
	ok(VETU("clone", VM, "vm-copy") == 0 && VETU("delete", "vm-copy") == 0,
	   "clone of a VM a killed run left its socket in: done (\"%s\")", err1);
	/* `vmapple network up` leaves its state: the run joins the network. */
	write_str(at(at(home, "network"), "network.json"), "{}\n");
	setenv("STANDIN_ARGV_TO", argv_file, 1);
	unlink(argv_file);
	run = spawn((const char *const[]){ "run", VM, NULL });
	unsetenv("STANDIN_ARGV_TO");
	ok(wait_running(dir) && wait_for_file(argv_file) && file_has_line(argv_file, "--net") &&
	   file_has_line(argv_file, "shared"), "run NAME, the shared network up: --net shared");
	ok(VETU("clone", VM, "vm-copy") == 1 &&
	   strstr(err1, "is running (pid") && strstr(err1, "stop it before cloning it"),
	   "clone of a running VM is refused: \"%s\"", err1);
	ok(VETU("stop", "--timeout", "5", VM) == 0 && waitpid(run, &status, 0) == run,
	   "(stopped again)");

	ok(VETU("delete", VM) == 0 && stat(dir, &st) && errno == ENOENT,
	   "delete NAME: the VM's directory is gone");
	ok(list_json(info, 4) == 0 && !strcmp(trimmed(), "[]"), "list --format json: [] when empty");
}

static bool vm_present(const char *name)
{
	struct vm_store s;
	char e[256];

	return !vm_store_open(&s, e, sizeof(e)) && vm_store_exists(&s, name);
}

static void test_bad_inputs(void)
{
	ok(VETU("pull", "ghcr.io/CirrusLabs/x:latest") == 1 &&
	   strstr(err1, "ghcr.io/CirrusLabs/x:latest: not an image reference"),
	   "pull of a malformed reference: exit 1, the reference named (\"%s\")", err1);
	ok(VETU("pull", "--insecure", "127.0.0.1:1/x/y:1") == 1 &&
	   strstr(err1, "registry 127.0.0.1:1: GET manifest x/y:1: ") && !vm_present("y"),
	   "pull from a registry that is not there: exit 1, named (\"%s\")", err1);
	ok(VETU("clone", "--insecure", "127.0.0.1:1/x/y:1", "vm1") == 1 &&
	   strstr(err1, "registry 127.0.0.1:1") && !vm_present("vm1"),
	   "clone of an image that cannot be pulled: exit 1, named, no VM");
	ok(VETU("fqn", "127.0.0.1:1/x/y:1") == 1 && strstr(err1, "not pulled"),
	   "fqn of an image not pulled: exit 1 (\"%s\")", err1);
	ok(VETU("push", src, "127.0.0.1:1/x/y@sha256:"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") == 1 &&
	   strstr(err1, "push to a tag"), "push to a digest: refused (\"%s\")", err1);
	ok(VETU("push", "nosuchvm", "127.0.0.1:1/x/y:1") == 1 && strstr(err1, "does not exist"),
	   "push of a VM that does not exist: refused (\"%s\")", err1);
	ok(VETU("push", "--chunk-size", "x", src, "127.0.0.1:1/x/y:1") == 2,
	   "push --chunk-size x: a usage error");
	ok(VETU("clone", src, "bad/name") == 1 && strstr(err1, "restricted characters"),
	   "a name with '/': \"%s\"", err1);
	ok(VETU("clone", src, ".hidden") == 1 && strstr(err1, "restricted characters"),
	   "a name starting with '.': refused");
	ok(VETU("clone", src, "vm1") == 0 && VETU("clone", src, "vm1") == 1 &&
	   strstr(err1, "VM \"vm1\" already exists"), "clone onto an existing name: \"%s\"", err1);
	{
		char longname[121];

		memset(longname, 'n', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = 0;
		ok(VETU("clone", src, longname) == 1 &&
		   strstr(err1, "over the 107 a Unix socket takes: use a shorter name") &&
		   !vm_present(longname),
		   "a name whose control socket would not fit sun_path: refused at clone, named");
	}
	ok(VETU("clone", "nope", "vm2") == 1 && strstr(err1, "\"nope\" does not exist"),
	   "clone of a VM the store lacks: \"%s\"", err1);
	ok(VETU("set", "vm1", "--cpu", "0") == 2 && strstr(err1, "\"0\" for \"--cpu\""),
	   "set --cpu 0: exit 2, \"%s\"", err1);
	ok(VETU("set", "vm1", "--memory=lots") == 2 && strstr(err1, "\"lots\" for \"--memory\""),
	   "set --memory=lots (the = form): \"%s\"", err1);
	ok(VETU("set", "--disk-size", "70000", "vm1") == 2, "set --disk-size beyond uint16: exit 2");
	ok(VETU("set", "vm1", "--disk-size", "1") == 0 && VETU("set", "vm1", "--disk-size", "1") == 0,
	   "set --disk-size to the size it has: fine");
	{
		char d[256];

		snprintf(d, sizeof(d), "%s/vms/vm1/disk.img", home);
		mkimage(d, 2000000000ull);
	}
	ok(VETU("set", "vm1", "--disk-size", "1") == 1 &&
	   strstr(err1, "should be larger than the current disk size"),
	   "shrinking the disk is refused, as vetu refuses it: \"%s\"", err1);
	ok(VETU("set", "vm1", "--frobnicate", "1") == 2 && strstr(err1, "unknown flag: --frobnicate"),
	   "an unknown flag: exit 2, named");
	ok(VETU("set", "vm1", "--cpu") == 2 && strstr(err1, "flag needs an argument: --cpu"),
	   "a flag without its value: named");
	ok(VETU("ip", "ghost") == 1 && strstr(err1, "\"ghost\" does not exist"),
	   "ip of a VM the store lacks: \"%s\"", err1);
	ok(VETU("list", "--format", "yaml") == 2 && strstr(err1, "--format yaml: want text or json"),
	   "list --format yaml: named");
	ok(VETU("list", "--source", "oci", "--format", "json") == 0 && !strcmp(trimmed(), "[]"),
	   "list --source oci: no OCI images cached here, []");
	ok(VETU("list", "-q") == 0 && !strcmp(trimmed(), "vm1"), "list -q: names only");
	ok(VETU("suspend", "vm1") == 2 && strstr(err1, "unknown command \"suspend\""),
	   "suspend (Orchard refuses suspendable for vetu): an unknown command, exit 2");
	ok(VETU("delete", "vm1", "ghost") == 1 && strstr(err1, "\"ghost\" does not exist") &&
	   !vm_present("vm1"),
	   "delete of two, one missing: the other deleted, exit 1");
}

static void test_store_parts(void)
{
	uint8_t mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	char e[256], ip[64], leases[256], arp[256];

	ok(!vm_store_check_name("orchard-a.b_c-1", e, sizeof(e)) &&
	   vm_store_check_name("a.", e, sizeof(e)) && vm_store_check_name("", e, sizeof(e)) &&
	   vm_store_check_name("a b", e, sizeof(e)), "names: [A-Za-z0-9-_], '.' inside only");
	ok(vm_store_is_remote("ghcr.io/a/b:1") && !vm_store_is_remote("vm"),
	   "a reference with '/' is a registry's");
	snprintf(leases, sizeof(leases), "%s/leases", home);
	snprintf(arp, sizeof(arp), "%s/arp", home);
	write_str(leases, "0 02:aa:bb:cc:dd:ee 10.0.0.5 a *\n"
			  "4102444800 02:AA:BB:CC:DD:EE 10.0.0.6 a *\n"
			  "100 02:aa:bb:cc:dd:ee 10.0.0.8 a *\n"
			  "0 02:aa:bb:cc:dd:ef 10.0.0.9 b *\n");
	ok(!vm_ip_lookup(mac, leases, NULL, ip, sizeof(ip)) && !strcmp(ip, "10.0.0.6"),
	   "leases: the newest unexpired one for the MAC, either case (%s)", ip);
	write_str(arp, "IP address       HW type     Flags       HW address            Mask     Device\n"
		       "10.1.0.3         0x1         0x0         02:aa:bb:cc:dd:ee     *        br0\n"
		       "10.1.0.4         0x1         0x2         02:aa:bb:cc:dd:ee     *        br0\n");
	ok(!vm_ip_lookup(mac, "/nonexistent", arp, ip, sizeof(ip)) && !strcmp(ip, "10.1.0.4"),
	   "neighbour table: only a complete entry (%s)", ip);
	mac[5] = 0x01;
	ok(vm_ip_lookup(mac, leases, arp, ip, sizeof(ip)) == -ENOENT, "an unknown MAC: -ENOENT");
}

int main(void)
{
	snprintf(home, sizeof(home), "/tmp/vmapple-vetu-%d", (int)getpid());
	if (mkdir(home, 0755))
		die(home);
	setenv("VMAPPLE_HOME", home, 1);
	setenv("VMAPPLE_NETWORK_DIR", at(home, "network"), 1);	/* the shared network's */
	snprintf(out_path, sizeof(out_path), "%s/out", home);
	snprintf(err_path, sizeof(err_path), "%s/err", home);
	make_source();
	(void)run_argv;
	(void)run_argc;
	test_lifecycle();
	test_bad_inputs();
	test_store_parts();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", home);
		if (system(cmd))
			perror("rm");
	}
	return tap_done();
}
