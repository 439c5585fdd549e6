// SPDX-License-Identifier: GPL-2.0
/*
 * shared_setup.c - `vmapple network up|down|status`: the shared network's
 * one-time, privileged setup (see shared_net.h).  The bridge, its address
 * and the TAP pool over rtnetlink (libnl-3) and tun's ioctls; DHCP and DNS
 * from Debian's dnsmasq; masquerading as one nftables table of its own, so
 * that down takes away exactly what up made.  What up made is written to
 * network.json; up undoes its own work when a step fails, and down removes
 * whatever is there, as often as it is run.
 */
#include "shared_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <json-c/json.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>

#include "../oci/oci_cache.h"
#include "net_link.h"
#include "shared_net.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define IP_FORWARD	"/proc/sys/net/ipv4/ip_forward"
#define NFT_TABLE	"vmapple"

/* The host's forwarding, masqueraded out of the subnet: nothing else is touched. */
static const char nft_ruleset[] =
	"table ip " NFT_TABLE " {\n"
	"\tchain postrouting {\n"
	"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
	"\t\tip saddr " SHARED_NET_SUBNET " ip daddr != " SHARED_NET_SUBNET " masquerade\n"
	"\t}\n"
	"}\n";

struct setup {
	unsigned int taps;
	gid_t gid;
	char ip_forward_was;	/* '0' or '1'; 0 when not read */
	int dnsmasq_pid;
};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("vmapple network: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* Why an rtnetlink or tun call was refused, and what to do when it is privilege. */
static const char *privilege_hint(int e)
{
	return e == EPERM || e == EACCES ?
		" (the setup is root's, once: sudo vmapple network up, or the vmapple-network "
		"service)" : "";
}

static struct nl_sock *rtnl_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk) {
		fail("netlink: out of memory");
		return NULL;
	}
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		fail("netlink: %s", nl_geterror(r));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static int make_bridge(struct nl_sock *sk)
{
	struct rtnl_link *br = rtnl_link_bridge_alloc();
	int r;

	if (!br)
		return fail("bridge %s: out of memory", SHARED_NET_BRIDGE);
	rtnl_link_set_name(br, SHARED_NET_BRIDGE);
	r = rtnl_link_add(sk, br, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(br);
	if (r == -NLE_EXIST)
		return fail("bridge %s already exists, not made by vmapple network up (ip link del "
			    "%s, if nothing else uses it)", SHARED_NET_BRIDGE, SHARED_NET_BRIDGE);
	if (r == -NLE_PERM)
		return fail("bridge %s: %s%s", SHARED_NET_BRIDGE, nl_geterror(r),
			    privilege_hint(EPERM));
	if (r < 0)
		return fail("bridge %s: %s", SHARED_NET_BRIDGE, nl_geterror(r));
	return 0;
}

static int address_bridge(struct nl_sock *sk)
{
	struct nl_addr *local = NULL, *brd = NULL;
	struct rtnl_addr *a = rtnl_addr_alloc();
	unsigned int ifindex = if_nametoindex(SHARED_NET_BRIDGE);
	int r = -NLE_NOMEM;

	if (a && ifindex && !nl_addr_parse(SHARED_NET_ADDRESS "/24", AF_INET, &local) &&
	    !nl_addr_parse("192.168.64.255", AF_INET, &brd)) {
		rtnl_addr_set_ifindex(a, (int)ifindex);
		rtnl_addr_set_local(a, local);
		rtnl_addr_set_broadcast(a, brd);
		r = rtnl_addr_add(sk, a, 0);
	}
	nl_addr_put(local);
	nl_addr_put(brd);
	rtnl_addr_put(a);
	if (r < 0)
		return fail("bridge %s: address %s/%d: %s", SHARED_NET_BRIDGE, SHARED_NET_ADDRESS,
			    SHARED_NET_PREFIX, nl_geterror(r));
	return 0;
}

/* A persistent TAP the group may attach to, up in the bridge. */
static int make_tap(const char *name, gid_t gid)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	char err[256];
	int fd, e;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail("TAP %s: /dev/net/tun: %s", name, strerror(errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETGROUP, (unsigned long)gid) < 0 ||
	    ioctl(fd, TUNSETPERSIST, 1ul) < 0) {
		e = errno;
		close(fd);
		return fail("TAP %s: %s%s", name, strerror(e), privilege_hint(e));
	}
	close(fd);
	if (net_link_up(name, SHARED_NET_BRIDGE, err, sizeof(err)))
		return fail("%s", err);
	return 0;
}

static int read_ip_forward(char *was)
{
	FILE *f = fopen(IP_FORWARD, "r");
	int c = f ? fgetc(f) : EOF;

	if (f)
		fclose(f);
	if (c != '0' && c != '1')
		return fail("%s: %s", IP_FORWARD, f ? "not 0 or 1" : strerror(errno));
	*was = (char)c;
	return 0;
}

static int write_ip_forward(char value)
{
	int fd = open(IP_FORWARD, O_WRONLY | O_CLOEXEC), e;

	if (fd < 0 || write(fd, &value, 1) != 1) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return fail("%s: %s%s", IP_FORWARD, strerror(e), privilege_hint(e));
	}
	close(fd);
	return 0;
}

/* Run @argv, @input on its stdin when given, its stderr the user's.  Its exit status. */
static int run_tool(char *const argv[], const char *input, bool quiet)
{
	int pipefd[2] = { -1, -1 }, status, devnull;
	pid_t pid;

	if (input && pipe2(pipefd, O_CLOEXEC))
		return fail("%s: pipe: %s", argv[0], strerror(errno));
	pid = fork();
	if (pid < 0)
		return fail("%s: fork: %s", argv[0], strerror(errno));
	if (!pid) {
		if (input)
			dup2(pipefd[0], 0);
		devnull = open("/dev/null", O_RDWR);
		if (!input && devnull >= 0)
			dup2(devnull, 0);
		if (quiet && devnull >= 0) {
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (input) {
		close(pipefd[0]);
		(void)!write(pipefd[1], input, strlen(input));
		close(pipefd[1]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail("%s: wait: %s", argv[0], strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int add_nat(void)
{
	char *argv[] = { "nft", "-f", "-", NULL };
	int rc = run_tool(argv, nft_ruleset, false);

	if (rc == 127)
		return fail("nft not found: install nftables (apt install nftables)");
	if (rc)
		return fail("nft could not add table ip %s (it said why, above)", NFT_TABLE);
	return 0;
}

/* dnsmasq's own pid file: what down goes by when up's state is lost. */
static int pidfile_pid(void)
{
	char path[4096], line[32] = "";
	FILE *f;

	if (!shared_net_path(path, sizeof(path), SHARED_NET_PIDFILE))
		return 0;
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	return atoi(line) > 0 ? atoi(line) : 0;
}

static int start_dnsmasq(struct setup *s)
{
	char leases[4096], pidfile[4096], a_leases[4200], a_pid[4200];
	char *argv[] = { "dnsmasq", "--conf-file=/dev/null", "--interface=" SHARED_NET_BRIDGE,
			 "--bind-interfaces", "--except-interface=lo",
			 "--dhcp-range=" SHARED_NET_DHCP_FIRST "," SHARED_NET_DHCP_LAST ",12h",
			 "--dhcp-authoritative", a_leases, a_pid, NULL };
	int fd, rc;

	if (!shared_net_path(leases, sizeof(leases), SHARED_NET_LEASES) ||
	    !shared_net_path(pidfile, sizeof(pidfile), SHARED_NET_PIDFILE))
		return fail("%s: the path is too long", shared_net_dir());
	snprintf(a_leases, sizeof(a_leases), "--dhcp-leasefile=%s", leases);
	snprintf(a_pid, sizeof(a_pid), "--pid-file=%s", pidfile);
	/* Readable by every user's `vetu ip`, whatever dnsmasq's umask. */
	fd = open(leases, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || fchmod(fd, 0644))
		return fail("%s: %s", leases, strerror(errno));
	close(fd);
	rc = run_tool(argv, NULL, false);	/* it returns once it is a daemon */
	if (rc == 127)
		return fail("dnsmasq not found: install dnsmasq-base (apt install dnsmasq-base)");
	if (rc)
		return fail("dnsmasq did not start (exit %d; it said why, above)", rc);
	s->dnsmasq_pid = pidfile_pid();
	if (!s->dnsmasq_pid)
		return fail("dnsmasq started but left no pid in %s", pidfile);
	return 0;
}

/* Is @pid still the dnsmasq we started (not a process that took its pid since)? */
static bool is_dnsmasq(int pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = 0;
	fclose(f);
	return !strcmp(comm, "dnsmasq\n");
}

static void stop_dnsmasq(int pid)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	int i;

	if (pid <= 0 || !is_dnsmasq(pid))
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 60 && is_dnsmasq(pid); i++)
		nanosleep(&tick, NULL);
	if (is_dnsmasq(pid))
		kill(pid, SIGKILL);
}

static int write_state(const struct setup *s)
{
	struct json_object *o = json_object_new_object();
	char path[4096], ipf[2] = { s->ip_forward_was, 0 };
	int rc;

	if (!shared_net_path(path, sizeof(path), SHARED_NET_STATE))
		return fail("%s: the path is too long", shared_net_dir());
	json_object_object_add(o, "bridge", json_object_new_string(SHARED_NET_BRIDGE));
	json_object_object_add(o, "address", json_object_new_string(SHARED_NET_ADDRESS "/24"));
	json_object_object_add(o, "taps", json_object_new_int((int)s->taps));
	json_object_object_add(o, "group", json_object_new_int((int)s->gid));
	json_object_object_add(o, "ip-forward-was", json_object_new_string(ipf));
	json_object_object_add(o, "dnsmasq-pid", json_object_new_int(s->dnsmasq_pid));
	rc = json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(o);
	if (rc)
		return fail("%s: %s", path, json_util_get_last_err());
	chmod(path, 0644);
	return 0;
}

/* What an earlier up wrote; false when there is none (or it is not ours). */
static bool read_state(struct setup *s)
{
	struct json_object *o, *v;
	char path[4096];
	const char *ipf;

	*s = (struct setup){ 0 };
	if (!shared_net_path(path, sizeof(path), SHARED_NET_STATE) || access(path, F_OK))
		return false;
	o = json_object_from_file(path);
	if (!o)
		return false;
	if (json_object_object_get_ex(o, "taps", &v))
		s->taps = (unsigned int)json_object_get_int(v);
	if (json_object_object_get_ex(o, "dnsmasq-pid", &v))
		s->dnsmasq_pid = json_object_get_int(v);
	if (json_object_object_get_ex(o, "ip-forward-was", &v)) {
		ipf = json_object_get_string(v);
		if (ipf && (ipf[0] == '0' || ipf[0] == '1'))
			s->ip_forward_was = ipf[0];
	}
	json_object_put(o);
	return true;
}

static void delete_link(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *l;

	if (!if_nametoindex(name))
		return;
	l = rtnl_link_alloc();
	if (!l)
		return;
	rtnl_link_set_name(l, name);
	rtnl_link_delete(sk, l);
	rtnl_link_put(l);
}

static void remove_file(const char *name)
{
	char path[4096];

	if (shared_net_path(path, sizeof(path), name))
		unlink(path);
}

/* Everything up makes, whatever of it is there; @s as far as up got. */
static void teardown(struct nl_sock *sk, const struct setup *s)
{
	char *nft[] = { "nft", "delete", "table", "ip", NFT_TABLE, NULL };
	char name[IFNAMSIZ];
	unsigned int i;

	stop_dnsmasq(s->dnsmasq_pid ? s->dnsmasq_pid : pidfile_pid());
	run_tool(nft, NULL, true);	/* absent already: nothing to do */
	for (i = 0; i < SHARED_NET_TAPS_MAX; i++) {
		shared_net_tap_name(name, i);
		delete_link(sk, name);
	}
	delete_link(sk, SHARED_NET_BRIDGE);
	if (s->ip_forward_was == '0')
		write_ip_forward('0');
	remove_file(SHARED_NET_PIDFILE);
	remove_file(SHARED_NET_LEASES);
	remove_file(SHARED_NET_STATE);
}

static int network_up(struct setup *s)
{
	char state[4096], name[IFNAMSIZ], err[256] = "";
	struct nl_sock *sk;
	unsigned int i;

	if (!shared_net_path(state, sizeof(state), SHARED_NET_STATE))
		return fail("%s: the path is too long", shared_net_dir());
	if (!access(state, F_OK))
		return fail("already up (%s; vmapple network down first)", state);
	if (oci_mkdirs(shared_net_dir()))
		return fail("%s: %s%s", shared_net_dir(), strerror(errno), privilege_hint(errno));
	sk = rtnl_open();
	if (!sk)
		return -1;
	if (make_bridge(sk)) {
		nl_socket_free(sk);
		return -1;
	}
	if (address_bridge(sk))
		goto undo;
	if (net_link_up(SHARED_NET_BRIDGE, NULL, err, sizeof(err))) {
		fail("%s", err);
		goto undo;
	}
	for (i = 0; i < s->taps; i++) {
		shared_net_tap_name(name, i);
		if (make_tap(name, s->gid))
			goto undo;
	}
	if (read_ip_forward(&s->ip_forward_was) || write_ip_forward('1') || add_nat() ||
	    start_dnsmasq(s) || write_state(s))
		goto undo;
	nl_socket_free(sk);
	printf("vmapple network: up: bridge %s %s/%d, TAPs %s0 to %s%u for group %u, DHCP %s to "
	       "%s (dnsmasq pid %d), NAT (nftables table ip %s); state in %s\n",
	       SHARED_NET_BRIDGE, SHARED_NET_ADDRESS, SHARED_NET_PREFIX, SHARED_NET_BRIDGE "t",
	       SHARED_NET_BRIDGE "t", s->taps - 1, (unsigned int)s->gid, SHARED_NET_DHCP_FIRST,
	       SHARED_NET_DHCP_LAST, s->dnsmasq_pid, NFT_TABLE, shared_net_dir());
	return 0;
undo:
	teardown(sk, s);
	nl_socket_free(sk);
	fprintf(stderr, "vmapple network: up failed; what it had made is removed\n");
	return -1;
}

static int network_down(void)
{
	struct nl_sock *sk = rtnl_open();
	struct setup s;

	if (!sk)
		return -1;
	read_state(&s);
	teardown(sk, &s);
	nl_socket_free(sk);
	if (if_nametoindex(SHARED_NET_BRIDGE))
		return fail("bridge %s is still there%s", SHARED_NET_BRIDGE, privilege_hint(EPERM));
	printf("vmapple network: down\n");
	return 0;
}

static int network_status(void)
{
	char name[IFNAMSIZ];
	struct setup s;
	unsigned int i, free_taps = 0;
	int fd;

	if (!read_state(&s) || !if_nametoindex(SHARED_NET_BRIDGE)) {
		printf("vmapple network: down\n");
		return EXIT_FAIL;
	}
	for (i = 0; i < s.taps; i++) {
		struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };

		shared_net_tap_name(name, i);
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
		if (fd >= 0 && !ioctl(fd, TUNSETIFF, &ifr))
			free_taps++;
		if (fd >= 0)
			close(fd);
	}
	printf("vmapple network: up: bridge %s %s/%d, %u TAPs (%u free to you), dnsmasq %s, "
	       "state in %s\n", SHARED_NET_BRIDGE, SHARED_NET_ADDRESS, SHARED_NET_PREFIX, s.taps,
	       free_taps, is_dnsmasq(s.dnsmasq_pid) ? "running" : "NOT running",
	       shared_net_dir());
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: vmapple network up [--taps N] [--group NAME|GID]\n"
		"       vmapple network down\n"
		"       vmapple network status\n");
	return EXIT_USAGE;
}

/*
 * getgrnam, and /etc/group read directly when NSS cannot answer (a static
 * launcher's glibc may not load the host's NSS modules).
 */
static struct group *group_by_name(const char *name)
{
	struct group *gr = getgrnam(name);
	FILE *f;

	if (gr)
		return gr;
	f = fopen("/etc/group", "r");
	if (!f)
		return NULL;
	while ((gr = fgetgrent(f)) && strcmp(gr->gr_name, name))
		;
	fclose(f);
	return gr;
}

static int parse_up(int argc, char **argv, struct setup *s)
{
	const char *group = SHARED_NET_GROUP;
	struct group *gr;
	char *end;
	int a;

	s->taps = SHARED_NET_TAPS_DEFAULT;
	for (a = 1; a < argc; a++) {
		bool taps = !strcmp(argv[a], "--taps");

		if (!taps && strcmp(argv[a], "--group")) {
			fprintf(stderr, "vmapple network up: unknown option '%s'\n", argv[a]);
			return usage();
		}
		if (a + 1 >= argc || !argv[a + 1][0]) {
			fprintf(stderr, "vmapple network up: %s needs a value\n", argv[a]);
			return EXIT_USAGE;
		}
		a++;
		if (!taps) {
			group = argv[a];
			continue;
		}
		errno = 0;
		s->taps = (unsigned int)strtoul(argv[a], &end, 10);
		if (errno || *end || argv[a][0] == '-' || s->taps < 1 ||
		    s->taps > SHARED_NET_TAPS_MAX) {
			fprintf(stderr, "vmapple network up: --taps %s: 1 to %d\n", argv[a],
				SHARED_NET_TAPS_MAX);
			return EXIT_USAGE;
		}
	}
	gr = group_by_name(group);
	if (gr) {
		s->gid = gr->gr_gid;
		return 0;
	}
	errno = 0;
	s->gid = (gid_t)strtoul(group, &end, 10);
	if (errno || *end || !group[0] || group[0] == '-') {
		fprintf(stderr, "vmapple network up: --group %s: no such group (give a group "
			"name or a number)\n", group);
		return EXIT_USAGE;
	}
	return 0;
}

int shared_net_main(int argc, char **argv)
{
	struct setup s = { 0 };
	int rc;

	/* A tool that dies before reading its stdin is an error to report, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 1)
		return usage();
	if (!strcmp(argv[0], "up")) {
		rc = parse_up(argc, argv, &s);
		if (rc)
			return rc;
		return network_up(&s) ? EXIT_FAIL : 0;
	}
	if (argc > 1 && (!strcmp(argv[0], "down") || !strcmp(argv[0], "status"))) {
		fprintf(stderr, "vmapple network %s: unknown option '%s'\n", argv[0], argv[1]);
		return usage();
	}
	if (!strcmp(argv[0], "down"))
		return network_down() ? EXIT_FAIL : 0;
	if (!strcmp(argv[0], "status"))
		return network_status();
	fprintf(stderr, "vmapple network: unknown command '%s'\n", argv[0]);
	return usage();
}
