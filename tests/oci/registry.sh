# registry.sh - start and stop Debian's docker-registry on 127.0.0.1 and
# tests/oci/fault_proxy.py in front of it, for tests/oci/oci_test.sh.
# shellcheck shell=bash
REGISTRY_PID= PROXY_PID=
oci_py=/usr/bin/python3	# Debian's: python3-lz4 is installed for it

free_port() { "$oci_py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_http URL LOG PID: the server at URL answers within 20 s, else its log's tail and 1.
wait_http() {
	local i
	for i in $(seq 100); do
		curl -s -o /dev/null "$1" && return 0
		kill -0 "$3" 2>/dev/null || break
		sleep 0.2
	done
	echo "$1 did not come up in 20 s; its log:" >&2
	tail -n 5 "$2" >&2
	return 1
}

# registry_start DIR: REGISTRY_PORT and REGISTRY_PID set.
registry_start() {
	local dir=$1 try
	mkdir -p "$dir"
	for try in 1 2 3; do
		REGISTRY_PORT=$(free_port)
		cat >"$dir/config.yml" <<-EOT
		version: 0.1
		log:
		  level: warn
		storage:
		  filesystem:
		    rootdirectory: $dir/data
		  delete:
		    enabled: true
		http:
		  addr: 127.0.0.1:$REGISTRY_PORT
		  secret: oci-test
		EOT
		docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
		REGISTRY_PID=$!
		wait_http "http://127.0.0.1:$REGISTRY_PORT/v2/" "$dir/log" "$REGISTRY_PID" 2>/dev/null && return 0
		kill "$REGISTRY_PID" 2>/dev/null
	done
	echo "docker-registry did not start; its log:" >&2
	tail -n 5 "$dir/log" >&2
	return 1
}

registry_stop() {
	[ -n "$REGISTRY_PID" ] && kill "$REGISTRY_PID" 2>/dev/null && wait "$REGISTRY_PID" 2>/dev/null
	REGISTRY_PID=
}

# proxy_start MODE: PROXY_PORT, PROXY_PID and PROXY_LOG set (in front of REGISTRY_PORT).
proxy_start() {
	local dir
	dir=$(mktemp -d)
	PROXY_LOG=$dir/log
	"$oci_py" "$(dirname "${BASH_SOURCE[0]}")/fault_proxy.py" --upstream "127.0.0.1:$REGISTRY_PORT" \
		--port-file "$dir/port" --mode "$1" --log "$PROXY_LOG" 2>"$dir/err" &
	PROXY_PID=$!
	for _ in $(seq 100); do
		[ -s "$dir/port" ] && break
		sleep 0.2
	done
	PROXY_PORT=$(cat "$dir/port" 2>/dev/null)
	[ -n "$PROXY_PORT" ] && return 0
	echo "fault_proxy.py ($1) did not start:" >&2
	tail -n 5 "$dir/err" >&2
	return 1
}

proxy_stop() {
	[ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
	PROXY_PID=
}
