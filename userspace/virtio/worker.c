// SPDX-License-Identifier: GPL-2.0
/* worker.c - a virtio device's I/O thread (see worker.h). */
#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>

static void *worker_main(void *arg)
{
	struct virtio_worker *w = arg;
	struct virtio_pci *vp = w->vp;
	struct pollfd fds[1 + VIRTIO_PCI_MAX_QUEUES + WORKER_MAX_EXTRA_FDS];
	unsigned int nq = vp->p.nr_queues, q;

	for (;;) {
		int timeout = -1, extra = 0, i;

		fds[0] = (struct pollfd){ .fd = w->stop_fd, .events = POLLIN };
		for (q = 0; q < nq; q++)
			fds[1 + q] = (struct pollfd){ .fd = vp->kick_fd[q], .events = POLLIN };
		if (w->pollfds)
			extra = w->pollfds(w->opaque, &fds[1 + nq], WORKER_MAX_EXTRA_FDS, &timeout);
		if (poll(fds, 1 + nq + (unsigned int)extra, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "vmapple: %s: poll: %m; its I/O thread stops\n", vp->p.name);
			return NULL;
		}
		if (fds[0].revents)
			return NULL;
		for (i = 0; i < (int)nq; i++) {
			if (!(fds[1 + i].revents & POLLIN))
				continue;
			virtio_pci_drain_kick(vp->kick_fd[i]);
			pthread_mutex_lock(&vp->lock);
			w->kicked(vp, (unsigned int)i);
			pthread_mutex_unlock(&vp->lock);
		}
		if (w->polled)
			w->polled(w->opaque, &fds[1 + nq], extra);
	}
}

int virtio_worker_start(struct virtio_worker *w)
{
	sigset_t all, old;
	int ret;

	w->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (w->stop_fd < 0)
		return -errno;
	/* Signals (SIGTERM: the power button) are the main thread's to take. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&w->tid, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		close(w->stop_fd);
		w->stop_fd = -1;
		return -ret;
	}
	w->started = true;
	return 0;
}

void virtio_worker_stop(struct virtio_worker *w)
{
	if (!w->started)
		return;
	(void)eventfd_write(w->stop_fd, 1);
	pthread_join(w->tid, NULL);
	close(w->stop_fd);
	w->started = false;
}
