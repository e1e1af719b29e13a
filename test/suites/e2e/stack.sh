#!/usr/bin/env bash
# Runs inside the private mount namespace made by run.sh (`unshare -m --propagation private`): nothing mounted here is seen
# by the rest of the machine. Starts the stack, runs the scenarios, and stops everything it started, even on failure.
#   stack.sh WORKDIR REPO_ROOT [VITEST_FILTER...]
set -euo pipefail

work=$1
root=$2
shift 2
logs=$work/logs
mkdir -p "$logs"
cd "$root"

pids=()
names=()
start_background() {
	local name=$1
	shift
	"$@" >"$logs/$name.log" 2>&1 &
	pids+=($!)
	names+=("$name")
}

stop_all() {
	local status=$?
	set +e
	if [[ -S $work/tmux.sock ]]; then tmux -S "$work/tmux.sock" kill-server 2>/dev/null; fi
	local i
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		local pid=${pids[$i]}
		kill -TERM "$pid" 2>/dev/null || continue
		local tries=0
		while kill -0 "$pid" 2>/dev/null && ((tries < 100)); do
			sleep 0.1
			tries=$((tries + 1))
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "e2e: ${names[$i]} (pid $pid) ignored SIGTERM for 10 s; killing it" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
	done
	# Scenario 6 removes the credential helper to install it again; whatever happened there, the machine gets it back.
	if ! command -v docker-credential-ecr-login >/dev/null 2>&1; then
		echo "e2e: reinstalling amazon-ecr-credential-helper (scenario 6 left it removed)" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends amazon-ecr-credential-helper >&2
	fi
	exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_for() {
	local what=$1 seconds=$2
	shift 2
	local deadline=$(($(date +%s) + seconds))
	until "$@" >/dev/null 2>&1; do
		if (($(date +%s) >= deadline)); then
			echo "e2e: $what did not come up within $seconds s; its log:" >&2
			tail -n 30 "$logs/$what.log" >&2 || true
			return 1
		fi
		sleep 0.2
	done
}

# ── the AWS stand-in and the topology's command line, bundled (Node 20 does not run TypeScript) ──
node_modules/.bin/esbuild aws-stand-in=test/helpers/aws-stand-in/cli.ts topology=test/suites/e2e/topology-cli.ts relay=test/suites/e2e/relay.ts \
	--bundle --platform=node --target=node20 --format=esm --outdir="$work/bin" --out-extension:.js=.mjs --log-level=warning

# ── a throwaway CA and one server certificate for every name of the stack ──
pki=$work/pki
mkdir -p "$pki"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=ecr-setup e2e throwaway CA" \
	-keyout "$pki/ca.key" -out "$pki/ca.crt" 2>"$logs/openssl.log"
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=ecr-setup e2e stand-in" \
	-keyout "$pki/server.key" -out "$pki/server.csr" 2>>"$logs/openssl.log"
{
	node "$work/bin/topology.mjs" san
	echo "basicConstraints=CA:FALSE"
	echo "keyUsage=digitalSignature,keyEncipherment"
	echo "extendedKeyUsage=serverAuth"
} >"$pki/server.ext"
openssl x509 -req -sha256 -days 2 -in "$pki/server.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
	-extfile "$pki/server.ext" -out "$pki/server.crt" 2>>"$logs/openssl.log"

# ── names → loopback, and a private /etc/docker, in this namespace only ──
node "$work/bin/topology.mjs" hosts >"$work/hosts"
mount --bind "$work/hosts" /etc/hosts
mkdir -p "$work/etc-docker" /etc/docker
mount --bind "$work/etc-docker" /etc/docker
registry_hosts=$(node "$work/bin/topology.mjs" registry-hosts)
for host in $registry_hosts; do
	mkdir -p "/etc/docker/certs.d/$host"
	cp "$pki/ca.crt" "/etc/docker/certs.d/$host/ca.crt"
done
echo '{}' >/etc/docker/daemon.json

# ── dockerd: its own data root, socket, exec root and pidfile; no networking of its own ──
export DOCKER_HOST=unix://$work/docker.sock
start_background dockerd dockerd --config-file /etc/docker/daemon.json \
	--storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
	--data-root "$work/docker-data" --exec-root "$work/docker-exec" --pidfile "$work/dockerd.pid" \
	-H "$DOCKER_HOST"

# ── the stand-in (writes each registry's first htpasswd), then one docker-registry per ECR host ──
node "$work/bin/topology.mjs" stand-in-config "$work" >"$work/stand-in.json"
start_background stand-in node "$work/bin/aws-stand-in.mjs" "$work/stand-in.json"
wait_for stand-in 20 curl -sf http://127.0.0.2:8480/_control/health
for host in $registry_hosts; do
	address=$(awk -v host="$host" '$2 == host {print $1}' "$work/hosts")
	dir=$work/registry/$host
	cat >"$dir/config.yml" <<-EOF
		version: 0.1
		log:
		  level: info
		  fields:
		    service: registry
		storage:
		  filesystem:
		    rootdirectory: $dir/data
		  delete:
		    enabled: true
		http:
		  addr: $address:5000
		  host: https://$host
		  tls:
		    certificate: $pki/server.crt
		    key: $pki/server.key
		auth:
		  htpasswd:
		    realm: basic-realm
		    path: $dir/htpasswd
	EOF
	start_background "registry-$host" docker-registry serve "$dir/config.yml"
done
for host in $registry_hosts; do
	address=$(awk -v host="$host" '$2 == host {print $1}' "$work/hosts")
	# 401 with a Basic challenge is "up"; curl -f would call it a failure, so look at the status code.
	wait_for "registry-$host" 20 bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' --cacert '$pki/ca.crt' --resolve '$host:5000:$address' https://$host:5000/v2/) == 401 ]]"
done
# ── the slow link: a relay of our own in front of one registry's front, 3 MB/s up ──
read -r relay_listen relay_target relay_rate < <(node "$work/bin/topology.mjs" slow-link)
start_background relay node "$work/bin/relay.mjs" "$relay_listen" "$relay_target" "$relay_rate"
wait_for relay 20 grep -q 'bytes/s up' "$logs/relay.log"
wait_for dockerd 60 docker version

echo "e2e: stack up: $(docker version --format 'docker CLI {{.Client.Version}} (API {{.Client.APIVersion}}) → dockerd {{.Server.Version}}'), $(docker-registry --version | awk '{print $2, $3}'), $(docker-credential-ecr-login version 2>&1 | head -1), $(/usr/bin/aws --version 2>&1)" >&2

# ── the scenarios ──
export E2E_WORK=$work
export E2E_ROOT=$root
export E2E_CA=$pki/ca.crt
set +e
timeout --kill-after=10 480 node_modules/.bin/vitest run --config test/suites/e2e/vitest.e2e.config.ts \
	--reporter=default --reporter=json --outputFile.json="$work/results.json" "$@"
status=$?
set -e
exit "$status"
