// SPDX-License-Identifier: GPL-2.0
/*
 * test_macos_slots - the licence limit: N slots, flock()ed, in a lock
 * directory made on first use; the N+1th refused naming the holders and
 * why; a slot freed when its holder goes (a child killed with SIGKILL);
 * a bad limit and an unusable directory named.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../userspace/macos_slots.h"
#include "tap.h"

int main(void)
{
	char dir[] = "/tmp/macos-slots-XXXXXX", sub[64], err[512];
	struct stat st;
	int a, b, c, pipefd[2];
	pid_t child;
	char go;

	if (!mkdtemp(dir))
		return 1;
	snprintf(sub, sizeof(sub), "%s/locks", dir);
	a = macos_slot_take(sub, 2, err, sizeof(err));
	ok(a >= 0 && !stat(sub, &st) && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777,
	   "the first instance takes a slot; the directory is made sticky and shared");
	b = macos_slot_take(sub, 2, err, sizeof(err));
	ok(b >= 0, "a second instance takes the other");
	c = macos_slot_take(sub, 2, err, sizeof(err));
	ok(c == -1 && strstr(err, "2 macOS guests already run on this host") &&
	   strstr(err, "licence allows two per Mac") && strstr(err, "--max-macos-instances"),
	   "a third is refused, saying why: %s", err);
	c = macos_slot_take(sub, 3, err, sizeof(err));
	ok(c >= 0, "--max-macos-instances 3 lets a third run");
	close(c);
	close(b);
	b = macos_slot_take(sub, 2, err, sizeof(err));
	ok(b >= 0, "a slot given back is taken again");
	close(b);

	/* A holder killed outright frees its slot: the kernel drops the lock. */
	if (pipe(pipefd))
		return 1;
	child = fork();
	if (!child) {
		int fd = macos_slot_take(sub, 2, err, sizeof(err));

		(void)!write(pipefd[1], fd >= 0 ? "y" : "n", 1);
		pause();
		_exit(0);
	}
	ok(read(pipefd[0], &go, 1) == 1 && go == 'y', "a child process takes the second slot");
	ok(macos_slot_take(sub, 2, err, sizeof(err)) == -1, "... so none is left");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	b = macos_slot_take(sub, 2, err, sizeof(err));
	ok(b >= 0, "after kill -9 of the child its slot is free again");
	close(b);
	close(a);

	ok(macos_slot_take(sub, 0, err, sizeof(err)) == -1 &&
	   strstr(err, "--max-macos-instances 0: 1 to 64"), "a limit of 0 is refused: %s", err);
	ok(macos_slot_take("/proc/version/x", 2, err, sizeof(err)) == -1 &&
	   strstr(err, "/proc/version/x"), "an unusable directory is named: %s", err);
	setenv(MACOS_SLOTS_DIR_ENV, sub, 1);
	a = macos_slot_take(NULL, 1, err, sizeof(err));
	ok(a >= 0 && macos_slot_take(NULL, 1, err, sizeof(err)) == -1 &&
	   strstr(err, "1 macOS guest already runs"), "the directory from the environment");
	close(a);
	return tap_done();
}
