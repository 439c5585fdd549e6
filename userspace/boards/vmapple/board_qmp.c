// SPDX-License-Identifier: GPL-2.0
/*
 * board_qmp.c - what the control socket's commands do to the board
 * (qmp.c speaks the protocol).  They run on the QMP thread: anything that
 * ends or rebuilds the machine is only asked of the main thread
 * (wait_for_stop() in board.c), never done here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "../../stat_view.h"
#include "../../vmk_client.h"

#define PAUSE_WAIT_MS	5000

static enum qmp_run_state status(void *opaque)
{
	struct board *b = opaque;

	if (b->guest_panicked)
		return QMP_RUN_GUEST_PANICKED;
	if (b->prelaunch)
		return QMP_RUN_PRELAUNCH;
	return b->paused ? QMP_RUN_PAUSED : QMP_RUN_RUNNING;
}

static int system_powerdown(void *opaque, char *err, size_t err_len)
{
	struct board *b = opaque;

	(void)err;
	(void)err_len;
	__atomic_add_fetch(&b->powerdowns_requested, 1, __ATOMIC_SEQ_CST);
	board_wake(b);
	qmp_event(&b->qmp, "POWERDOWN", NULL);
	return 0;
}

static int do_system_reset(struct board *b)
{
	/* The vCPUs stop; the main thread sees why and restarts the machine. */
	__atomic_store_n(&b->reset_requested, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&b->vm.stop_requested, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&b->vm.pause_lock);
	pthread_cond_broadcast(&b->vm.pause_cond);
	pthread_mutex_unlock(&b->vm.pause_lock);
	board_kick_vcpus(b);
	if (!b->prelaunch)	/* held since --paused: the restart holds the new machine */
		b->paused = 0;
	return 0;
}

/* The commands that touch the machine wait while a restart rebuilds it. */
static int system_reset(void *opaque, char *err, size_t err_len)
{
	struct board *b = opaque;
	int ret;

	(void)err;
	(void)err_len;
	pthread_mutex_lock(&b->machine_lock);
	ret = do_system_reset(b);
	pthread_mutex_unlock(&b->machine_lock);
	return ret;
}

static int quit(void *opaque, char *err, size_t err_len)
{
	struct board *b = opaque;

	(void)err;
	(void)err_len;
	qmp_event(&b->qmp, "SHUTDOWN", "{\"guest\": false, \"reason\": \"host-qmp-quit\"}");
	__atomic_store_n(&b->quit_requested, 1, __ATOMIC_SEQ_CST);
	board_wake(b);
	return 0;
}

/* Every vCPU out of the guest and waiting, or a timeout (a vCPU stuck in a device). */
static int do_stop(struct board *b, char *err, size_t err_len)
{
	struct timespec until;
	int ret = 0;

	if (b->paused)
		return 0;
	__atomic_store_n(&b->vm.pause_requested, 1, __ATOMIC_SEQ_CST);
	board_kick_vcpus(b);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += PAUSE_WAIT_MS / 1000;
	pthread_mutex_lock(&b->vm.pause_lock);
	while (b->vm.vcpus_paused < b->nr_threads && !ret)
		ret = pthread_cond_timedwait(&b->vm.pause_cond, &b->vm.pause_lock, &until);
	pthread_mutex_unlock(&b->vm.pause_lock);
	if (ret) {
		snprintf(err, err_len, "not every vCPU stopped within %d ms", PAUSE_WAIT_MS);
		return -ETIMEDOUT;
	}
	b->paused = 1;
	qmp_event(&b->qmp, "STOP", NULL);
	return 0;
}

static int do_cont(struct board *b)
{
	pthread_mutex_lock(&b->vm.pause_lock);
	__atomic_store_n(&b->vm.pause_requested, 0, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&b->vm.pause_cond);
	pthread_mutex_unlock(&b->vm.pause_lock);
	if (b->paused)
		qmp_event(&b->qmp, "RESUME", NULL);
	b->paused = 0;
	b->prelaunch = 0;	/* the main thread starts the boot's clock */
	board_wake(b);
	return 0;
}

static int stop(void *opaque, char *err, size_t err_len)
{
	struct board *b = opaque;
	int ret;

	pthread_mutex_lock(&b->machine_lock);
	ret = do_stop(b, err, err_len);
	pthread_mutex_unlock(&b->machine_lock);
	return ret;
}

static int cont(void *opaque, char *err, size_t err_len)
{
	struct board *b = opaque;
	int ret;

	(void)err;
	(void)err_len;
	pthread_mutex_lock(&b->machine_lock);
	ret = do_cont(b);
	pthread_mutex_unlock(&b->machine_lock);
	return ret;
}

static void add(struct qmp_stat *s, unsigned int max, unsigned int *n, const char *section,
		const char *name, uint64_t value)
{
	if (*n >= max)
		return;
	snprintf(s[*n].section, sizeof(s[*n].section), "%s", section);
	snprintf(s[*n].name, sizeof(s[*n].name), "%s", name);
	s[*n].value = value;
	++*n;
}

/* query-vmapple-stats: the launcher's exit counters and the module's for this VM. */
static int stats(void *opaque, struct qmp_stat *s, unsigned int max, char *err, size_t err_len)
{
	struct board *b = opaque;
	const struct vm_stats *v = &b->vm.stats;
	struct vmapple_kvm_vm_stats k;
	unsigned int n = 0, i;

	(void)err;
	(void)err_len;
	add(s, max, &n, "launcher", "mmio_exits", v->mmio_exits);
	add(s, max, &n, "launcher", "mmio_to_ram", v->mmio_to_ram);
	add(s, max, &n, "launcher", "nisv_exits", v->nisv_exits);
	add(s, max, &n, "launcher", "nisv_to_vgic", v->nisv_to_vgic);
	add(s, max, &n, "launcher", "nisv_refused", v->nisv_refused);
	add(s, max, &n, "launcher", "hvc_forwarded", v->hvc_forwarded);
	add(s, max, &n, "launcher", "hvc_unknown", v->hvc_unknown);
	add(s, max, &n, "launcher", "restarts", b->restarts);
	pthread_mutex_lock(&b->machine_lock);
	if (b->balloon) {
		struct virtio_balloon_counters c;

		virtio_balloon_get_counters(b->balloon, &c);
		add(s, max, &n, "balloon", "inflated", c.inflated);
		add(s, max, &n, "balloon", "deflated", c.deflated);
		add(s, max, &n, "balloon", "reported", c.reported);
		add(s, max, &n, "balloon", "returned_bytes", c.returned_bytes);
		add(s, max, &n, "balloon", "refused", c.bad);
	}
	if (b->module_fd >= 0 && !vmk_get_own_vm_stats(b->module_fd, getpid(), &k))
		for (i = 0; i < VMAPPLE_KVM_NR_STATS; i++)
			add(s, max, &n, "vmapple_kvm", stat_name(i), k.counters[i]);
	pthread_mutex_unlock(&b->machine_lock);
	return (int)n;
}

static int balloon(void *opaque, uint64_t bytes, char *err, size_t err_len)
{
	struct board *b = opaque;
	int ret = 0;

	if (!bytes || bytes > b->cfg.mem) {
		snprintf(err, err_len, "Parameter 'value' expects a size of 1 to %llu bytes",
			 (unsigned long long)b->cfg.mem);
		return -EINVAL;
	}
	pthread_mutex_lock(&b->machine_lock);
	if (b->balloon)
		virtio_balloon_set_target(b->balloon, bytes);
	else
		ret = -ENODEV;
	pthread_mutex_unlock(&b->machine_lock);
	return ret;
}

static int query_balloon(void *opaque, uint64_t *actual, char *err, size_t err_len)
{
	struct board *b = opaque;

	int ret = 0;

	(void)err;
	(void)err_len;
	pthread_mutex_lock(&b->machine_lock);
	if (b->balloon)
		*actual = virtio_balloon_query(b->balloon);
	else
		ret = -ENODEV;
	pthread_mutex_unlock(&b->machine_lock);
	return ret;
}

int board_qmp_open(struct board *b, const char *spec, char *err, size_t err_len)
{
	const struct qmp_ops ops = {
		.opaque = b, .version = "0.1.0", .status = status,
		.system_powerdown = system_powerdown, .system_reset = system_reset,
		.stop = stop, .cont = cont, .quit = quit, .stats = stats,
		.balloon = balloon, .query_balloon = query_balloon,
	};
	int ret;

	if (qmp_open(&b->qmp, spec, &ops, err, err_len))
		return -1;
	ret = qmp_start(&b->qmp);
	if (ret) {
		snprintf(err, err_len, "vmapple: --qmp %s: cannot start its thread: %s", spec,
			 strerror(-ret));
		qmp_close(&b->qmp);
		return -1;
	}
	return 0;
}
