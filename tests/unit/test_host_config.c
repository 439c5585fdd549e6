// SPDX-License-Identifier: GPL-2.0
/*
 * test_host_config - /etc/vmapple/vmapple.json: no file is the default
 * limit (2); the file's max-macos-instances read; $VMAPPLE_CONFIG names
 * another file; and each bad file refused in one line naming the file and
 * the key: not JSON, not an object, out of range, not a number, a key this
 * version does not know, a directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../userspace/host_config.h"
#include "../../userspace/macos_slots.h"
#include "tap.h"

static char dir[] = "/tmp/host-config-XXXXXX";
static char path[256];

static void write_config(const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* @text as the file: refused, the message naming the file and holding @want. */
static void refuses(const char *text, const char *want, const char *what)
{
	struct host_config hc;
	char err[8192] = "";
	int rc;

	write_config(text);
	rc = host_config_read(path, &hc, err, sizeof(err));
	ok(rc == -1 && strstr(err, path) && strstr(err, want) && !strstr(err, "bundle"),
	   "%s: refused: %s", what, err);
}

int main(void)
{
	struct host_config hc;
	char err[8192] = "", sub[300];

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/vmapple.json", dir);

	ok(!host_config_read(path, &hc, err, sizeof(err)) && hc.max_macos == MACOS_SLOTS_DEFAULT &&
	   hc.max_macos == 2, "no file: the licence's two per host");
	write_config("{ \"max-macos-instances\": 5 }\n");
	ok(!host_config_read(path, &hc, err, sizeof(err)) && hc.max_macos == 5,
	   "max-macos-instances 5 is read");
	write_config("{}");
	ok(!host_config_read(path, &hc, err, sizeof(err)) && hc.max_macos == 2,
	   "an empty object: the default");
	setenv(HOST_CONFIG_ENV, path, 1);
	write_config("{ \"max-macos-instances\": 64 }");
	ok(!host_config_read(NULL, &hc, err, sizeof(err)) && hc.max_macos == 64 &&
	   !strcmp(hc.path, path), "$VMAPPLE_CONFIG names the file: %s", hc.path);
	unsetenv(HOST_CONFIG_ENV);
	ok(!strcmp(HOST_CONFIG_PATH, "/etc/vmapple/vmapple.json"), "the default file is /etc's");

	refuses("{ \"max-macos-instances\": 0 }", "\"max-macos-instances\": a whole number, 1 to 64",
		"a limit of 0");
	refuses("{ \"max-macos-instances\": 65 }", "\"max-macos-instances\": a whole number, 1 to 64",
		"a limit of 65");
	refuses("{ \"max-macos-instances\": 99999999999999999999 }", "1 to 64",
		"a limit past 64 bits");
	refuses("{ \"max-macos-instances\": \"2\" }", "\"max-macos-instances\": a whole number",
		"a limit as a string");
	refuses("{ \"max-macos-instances\": 2.5 }", "a whole number", "a fractional limit");
	refuses("{ \"max-macos-instance\": 2 }",
		"\"max-macos-instance\": not a setting this vmapple knows (max-macos-instances)",
		"a misspelt key");
	refuses("{ \"max-macos-instances\": 2", "not JSON", "JSON cut short");
	refuses("[2]", "not an object", "an array");

	snprintf(sub, sizeof(sub), "%s/dir.json", dir);
	mkdir(sub, 0755);
	ok(host_config_read(sub, &hc, err, sizeof(err)) == -1 && strstr(err, sub) &&
	   strstr(err, "not a file"), "a directory: refused: %s", err);
	rmdir(sub);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
