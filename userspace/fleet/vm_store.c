// SPDX-License-Identifier: GPL-2.0
/* vm_store.c - the local VM store: names, settings, the run lock, listing. */
#include "vm_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../bundle.h"

#define SETTINGS_FILE	"settings.json"
#define LOCK_FILE	"run.lock"

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i])
			continue;
		buf[i] = 0;
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		buf[i] = path[i];
	}
	return 0;
}

int vm_store_open(struct vm_store *s, char *err, size_t err_len)
{
	const char *env = getenv(VM_STORE_HOME_ENV), *home = getenv("HOME");
	int ret;

	if (env && *env)
		ret = snprintf(s->home, sizeof(s->home), "%s", env);
	else if (home && *home)
		ret = snprintf(s->home, sizeof(s->home), "%s/.vmapple", home);
	else {
		snprintf(err, err_len, "no VM store: set $%s (or $HOME)", VM_STORE_HOME_ENV);
		return -1;
	}
	if (ret < 0 || (size_t)ret >= sizeof(s->home) ||
	    snprintf(s->vms, sizeof(s->vms), "%s/vms", s->home) >= (int)sizeof(s->vms)) {
		snprintf(err, err_len, "the VM store's path is too long: %s", s->home);
		return -1;
	}
	ret = mkdir_p(s->vms);
	if (ret) {
		snprintf(err, err_len, "cannot make the VM store %s: %s", s->vms, strerror(-ret));
		return -1;
	}
	return 0;
}

int vm_store_check_name(const char *name, char *err, size_t err_len)
{
	size_t i, len = strlen(name);

	if (!len || len > VM_STORE_NAME_MAX) {
		snprintf(err, err_len, "local name \"%s\" must be 1 to %d characters", name,
			 VM_STORE_NAME_MAX);
		return -1;
	}
	for (i = 0; i < len; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || (c == '.' && i && i + 1 < len))
			continue;
		snprintf(err, err_len, "local name \"%s\" contains restricted characters, please "
			 "only use [A-Za-z0-9-_]", name);
		return -1;
	}
	return 0;
}

bool vm_store_is_remote(const char *ref)
{
	return strchr(ref, '/') != NULL;
}

int vm_store_dir(const struct vm_store *s, const char *name, char *out, size_t out_len)
{
	int n = snprintf(out, out_len, "%s/%s", s->vms, name);

	return n < 0 || (size_t)n >= out_len ? -1 : 0;
}

bool vm_store_exists(const struct vm_store *s, const char *name)
{
	char dir[PATH_MAX];
	struct stat st;

	return !vm_store_dir(s, name, dir, sizeof(dir)) && !stat(dir, &st) && S_ISDIR(st.st_mode);
}

static int file_in(const char *dir, const char *file, char *out, size_t out_len)
{
	int n = snprintf(out, out_len, "%s/%s", dir, file);

	return n < 0 || (size_t)n >= out_len ? -1 : 0;
}

int vm_settings_read(const char *dir, struct vm_settings *set, char *err, size_t err_len)
{
	json_object *root, *v;
	char path[PATH_MAX];
	int64_t x;

	*set = (struct vm_settings){ 0 };
	if (file_in(dir, SETTINGS_FILE, path, sizeof(path))) {
		snprintf(err, err_len, "%s: the path is too long", dir);
		return -1;
	}
	if (access(path, F_OK))
		return 0;
	root = json_object_from_file(path);
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(err, err_len, "%s: not a JSON object", path);
		json_object_put(root);
		return -1;
	}
	if (json_object_object_get_ex(root, "cpus", &v)) {
		x = json_object_get_int64(v);
		if (!json_object_is_type(v, json_type_int) || x < 0 || x > 255) {
			snprintf(err, err_len, "%s: cpus: want 0..255", path);
			json_object_put(root);
			return -1;
		}
		set->cpus = (unsigned int)x;
	}
	if (json_object_object_get_ex(root, "memory_mib", &v)) {
		x = json_object_get_int64(v);
		if (!json_object_is_type(v, json_type_int) || x < 0) {
			snprintf(err, err_len, "%s: memory_mib: want a whole number of MiB", path);
			json_object_put(root);
			return -1;
		}
		set->memory_mib = (uint64_t)x;
	}
	json_object_put(root);
	return 0;
}

int vm_settings_write(const char *dir, const struct vm_settings *set, char *err, size_t err_len)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	json_object *root = json_object_new_object();
	int ret;

	json_object_object_add(root, "cpus", json_object_new_int64(set->cpus));
	json_object_object_add(root, "memory_mib", json_object_new_int64((int64_t)set->memory_mib));
	if (file_in(dir, SETTINGS_FILE, path, sizeof(path))) {
		snprintf(err, err_len, "%s: the path is too long", dir);
		json_object_put(root);
		return -1;
	}
	/* Written whole, then renamed: a reader sees the old settings or the new. */
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	ret = json_object_to_file_ext(tmp, root, JSON_C_TO_STRING_PRETTY);
	json_object_put(root);
	if (ret || rename(tmp, path)) {
		snprintf(err, err_len, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The whole of run.lock, for writing: POSIX record locks name their holder's PID. */
static struct flock whole_file(short type)
{
	return (struct flock){ .l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
}

int vm_store_hold_running(const char *dir, const char *name, char *err, size_t err_len)
{
	struct flock fl = whole_file(F_WRLCK);
	char path[PATH_MAX];
	int fd;

	if (file_in(dir, LOCK_FILE, path, sizeof(path))) {
		snprintf(err, err_len, "VM \"%s\": its path is too long", name);
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, err_len, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fcntl(fd, F_SETLK, &fl)) {
		if (errno == EACCES || errno == EAGAIN)
			snprintf(err, err_len, "VM \"%s\" is already running", name);
		else
			snprintf(err, err_len, "VM \"%s\": cannot lock %s: %s", name, path,
				 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * F_GETLK asks without taking: a check never makes a run that starts at the
 * same moment fail, and it names the holder (no PID file to go stale).
 */
bool vm_store_running(const char *dir, pid_t *pid)
{
	struct flock fl = whole_file(F_WRLCK);
	char path[PATH_MAX];
	int fd, ret;

	*pid = 0;
	if (file_in(dir, LOCK_FILE, path, sizeof(path)))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ret = fcntl(fd, F_GETLK, &fl);
	close(fd);	/* this process holds no lock on it, so none is dropped */
	if (ret || fl.l_type == F_UNLCK)
		return false;
	*pid = fl.l_pid;
	return true;
}

int vm_store_grow_disk(const char *disk, uint64_t bytes, char *err, size_t err_len)
{
	struct stat st;

	if (stat(disk, &st)) {
		snprintf(err, err_len, "%s: %s", disk, strerror(errno));
		return -1;
	}
	if ((uint64_t)st.st_size > bytes) {
		snprintf(err, err_len, "failed to set VM configuration: new disk size of %llu bytes "
			 "should be larger than the current disk size of %llu bytes",
			 (unsigned long long)bytes, (unsigned long long)st.st_size);
		return -1;
	}
	if (truncate(disk, (off_t)bytes)) {
		snprintf(err, err_len, "%s: cannot grow to %llu bytes: %s", disk,
			 (unsigned long long)bytes, strerror(errno));
		return -1;
	}
	return 0;
}

/* What the tree at @path takes on disk (blocks), recursively. */
static uint64_t allocated(const char *path)
{
	struct stat st;
	uint64_t sum;
	DIR *d;
	struct dirent *de;

	if (lstat(path, &st))
		return 0;
	sum = (uint64_t)st.st_blocks * 512;
	if (!S_ISDIR(st.st_mode))
		return sum;
	d = opendir(path);
	if (!d)
		return sum;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) < (int)sizeof(sub))
			sum += allocated(sub);
	}
	closedir(d);
	return sum;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct vm_store_entry *)a)->name,
		      ((const struct vm_store_entry *)b)->name);
}

static void fill_entry(const struct vm_store *s, const char *name, struct vm_store_entry *e)
{
	static struct bundle b;
	char dir[PATH_MAX], why[256];
	struct stat st;
	pid_t pid;

	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (vm_store_dir(s, name, dir, sizeof(dir)))
		return;
	e->running = vm_store_running(dir, &pid);
	e->allocated_bytes = allocated(dir);
	if (!stat(dir, &st))
		e->accessed = st.st_atime > st.st_mtime ? st.st_atime : st.st_mtime;
	if (!bundle_open(&b, dir, why, sizeof(why)))
		e->disk_bytes = b.disk_size;
}

int vm_store_list(const struct vm_store *s, struct vm_store_entry **out, size_t *n, char *err,
		  size_t err_len)
{
	struct vm_store_entry *list = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(s->vms);

	*out = NULL;
	*n = 0;
	if (!d) {
		snprintf(err, err_len, "%s: %s", s->vms, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char why[256];

		/* Dot names are the store's own (a clone in the making). */
		if (de->d_name[0] == '.' || vm_store_check_name(de->d_name, why, sizeof(why)) ||
		    !vm_store_exists(s, de->d_name))
			continue;
		if (count == cap) {
			struct vm_store_entry *grown;

			cap = cap ? 2 * cap : 16;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				free(list);
				closedir(d);
				snprintf(err, err_len, "out of memory listing %s", s->vms);
				return -1;
			}
			list = grown;
		}
		fill_entry(s, de->d_name, &list[count++]);
	}
	closedir(d);
	if (count)
		qsort(list, count, sizeof(*list), by_name);
	*out = list;
	*n = count;
	return 0;
}

static int print_json(FILE *out, const struct vm_store_entry *e, size_t n)
{
	json_object *arr = json_object_new_array();
	size_t i;
	int ret;

	if (!n) {	/* as Tart prints it (json-c would say "[ ]") */
		json_object_put(arr);
		return fprintf(out, "[]\n") < 0 ? -1 : 0;
	}
	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		char when[32];
		struct tm tm;

		gmtime_r(&e[i].accessed, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_object_object_add(o, "Source", json_object_new_string("local"));
		json_object_object_add(o, "Name", json_object_new_string(e[i].name));
		json_object_object_add(o, "Disk",
				       json_object_new_int64((int64_t)(e[i].disk_bytes / 1000000000)));
		json_object_object_add(o, "Size",
				       json_object_new_int64((int64_t)(e[i].allocated_bytes / 1000000000)));
		json_object_object_add(o, "Accessed", json_object_new_string(when));
		json_object_object_add(o, "Running", json_object_new_boolean(e[i].running));
		json_object_object_add(o, "State",
				       json_object_new_string(e[i].running ? "running" : "stopped"));
		json_object_array_add(arr, o);
	}
	ret = fprintf(out, "%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
							JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
	json_object_put(arr);
	return ret ? -1 : 0;
}

int vm_store_print_list(FILE *out, const struct vm_store_entry *e, size_t n, bool json)
{
	size_t i;

	if (json)
		return print_json(out, e, n);
	fprintf(out, "%-7s %-40s %5s %5s %s\n", "Source", "Name", "Disk", "Size", "State");
	for (i = 0; i < n; i++)
		fprintf(out, "%-7s %-40s %5llu %5llu %s\n", "local", e[i].name,
			(unsigned long long)(e[i].disk_bytes / 1000000000),
			(unsigned long long)(e[i].allocated_bytes / 1000000000),
			e[i].running ? "running" : "stopped");
	return ferror(out) ? -1 : 0;
}
