#!/usr/bin/env bash
# Installs what the end-to-end suite (test/suites/e2e) needs, from Debian's packages. Idempotent: a second run
# installs nothing and takes well under a second. Needs root (as CI runs).
#
#   docker.io                     dockerd (and a docker CLI; see the note on PATH below)
#   docker-registry               distribution 2.8 (`docker-registry serve`), the stand-in for the ECR registry
#   amazon-ecr-credential-helper  the real docker-credential-ecr-login
#   awscli                        AWS CLI v2, used to check the AWS stand-in's fidelity
#   tmux                          drives the wizard like a person would
#   openssl                       the throwaway CA and server certificate
#   apache2-utils                 htpasswd with bcrypt (-B), for the registry's Basic auth
#   procps, util-linux            ps (scenario 2 samples argv) and unshare
#   podman                        the second container engine (test/suites/e2e/podman.test.ts), vfs storage
#   tinyproxy                     a real HTTP CONNECT proxy on loopback (test/suites/e2e/proxy.test.ts)
set -euo pipefail

packages=(docker.io docker-registry amazon-ecr-credential-helper awscli tmux openssl apache2-utils procps util-linux podman tinyproxy)
commands=(dockerd docker-registry docker-credential-ecr-login aws tmux openssl htpasswd ps unshare podman tinyproxy)

if [[ $(id -u) -ne 0 ]]; then
	echo "e2e-setup: must run as root (it installs Debian packages with apt-get)" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "e2e-setup: apt-get not found; the end-to-end stack is installed from Debian packages" >&2
	exit 1
fi

missing=()
for i in "${!packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "${packages[$i]}" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("${packages[$i]}")
	fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
	echo "e2e-setup: installing ${missing[*]}" >&2
	# The packages' maintainer scripts would start dockerd and the registry as system services. The suite starts
	# its own, isolated ones; a policy-rc.d that answers 101 keeps the packages from starting anything.
	created_policy=0
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		created_policy=1
	fi
	cleanup_policy() { if [[ $created_policy -eq 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi; }
	trap cleanup_policy EXIT
	export DEBIAN_FRONTEND=noninteractive
	# A package list older than a day (or none at all) may point at files the mirror no longer has.
	lists_fresh=0
	if compgen -G '/var/lib/apt/lists/*Packages*' >/dev/null; then
		newest=$(stat -c %Y /var/lib/apt/lists/*Packages* | sort -n | tail -1)
		if [[ $(($(date +%s) - newest)) -lt 86400 ]]; then lists_fresh=1; fi
	fi
	if [[ $lists_fresh -eq 0 ]]; then
		apt-get update -qq >&2
	fi
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

for command in "${commands[@]}"; do
	if ! command -v "$command" >/dev/null 2>&1; then
		echo "e2e-setup: '$command' is still missing after installing ${packages[*]}" >&2
		exit 1
	fi
done
# Versions from dpkg, not from the programs: `aws --version` alone takes about 2 s here.
echo "e2e-setup: ready ($(dpkg-query -W -f='${Package} ${Version}, ' "${packages[@]:0:4}" | sed 's/, $//'))" >&2
