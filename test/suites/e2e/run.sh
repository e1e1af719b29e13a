#!/usr/bin/env bash
# `npm run test:e2e`: the end-to-end suite against the real stack (see test/suites/e2e/README.md).
# Needs root and unshare (as CI runs); anywhere else it fails and says why: it never passes without running.
#   bash test/suites/e2e/run.sh [VITEST_FILTER...]   e.g. `bash test/suites/e2e/run.sh 02-login` runs one scenario file
#   E2E_KEEP=1 keeps the work directory (logs of dockerd, the registries and the stand-in) even when everything passed.
set -uo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
started=$(date +%s)

fail_early() {
	echo "e2e: cannot run: $1" >&2
	echo "0 passed, 1 failed"
	exit 1
}

[[ $EUID -eq 0 ]] || fail_early "must run as root (it installs Debian packages, starts dockerd and bind-mounts /etc/hosts inside a private mount namespace); run it as root, as CI does"
command -v unshare >/dev/null 2>&1 || fail_early "unshare (util-linux) is missing: the suite maps AWS host names to loopback inside a private mount namespace (unshare -m) so the machine's /etc/hosts is never changed"
unshare -m true 2>/dev/null || fail_early "'unshare -m' is not permitted here (no CAP_SYS_ADMIN, or a seccomp/user-namespace restriction); the suite needs a private mount namespace"

hosts_before=$(sha256sum /etc/hosts | cut -d' ' -f1)

setup_started=$(date +%s)
bash scripts/e2e-setup.sh || fail_early "scripts/e2e-setup.sh failed (see above)"
echo "e2e: setup took $(($(date +%s) - setup_started)) s" >&2

# The suite runs the built CLI, as a user would run it.
# Tried up to three times: another build running in the same work tree (a developer's) can remove dist/ under this one.
build_status=failed
for attempt in 1 2 3; do
	if npm run build --silent >&2; then
		build_status=ok
		break
	fi
	echo "e2e: npm run build failed (attempt $attempt of 3)" >&2
	sleep 5
done
if [[ $build_status != ok ]]; then
	echo "e2e: WARNING: npm run build failed; every scenario that runs dist/cli.js will fail" >&2
fi

work=$(mktemp -d /tmp/ecr-setup-e2e.XXXXXX)
chmod 755 "$work"
export E2E_BUILD_STATUS=$build_status
# The scenarios run a snapshot of the build, so a rebuild in the work tree while they run cannot pull it from under them.
if [[ -f dist/cli.js ]]; then
	mkdir -p "$work/cli"
	cp -a dist package.json "$work/cli/"
	ln -s "$root/node_modules" "$work/cli/node_modules"
fi

unshare -m --propagation private bash "$root/test/suites/e2e/stack.sh" "$work" "$root" "$@"
stack_status=$?

passed=0
failed=0
if [[ -f $work/results.json ]]; then
	# Failed tests, plus files that failed without a failing test (an import or a hook that threw), plus any skipped test
	# (the suite has none on purpose: a skip would hide a scenario).
	read -r passed failed < <(node -e '
		const results = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
		const brokenFiles = results.testResults.filter(file => file.status === "failed" && !file.assertionResults.some(test => test.status === "failed")).length;
		console.log(results.numPassedTests, results.numFailedTests + brokenFiles + results.numPendingTests + results.numTodoTests);
	' "$work/results.json")
else
	echo "e2e: the scenarios did not run (stack.sh exited $stack_status); see $work/logs" >&2
	failed=$((failed + 1))
fi

# The machine must be as it was: its /etc/hosts untouched and nothing the suite started still running.
hosts_after=$(sha256sum /etc/hosts | cut -d' ' -f1)
if [[ $hosts_before == "$hosts_after" ]]; then
	echo "e2e: ok: /etc/hosts of the machine is unchanged" >&2
	passed=$((passed + 1))
else
	echo "e2e: FAIL: /etc/hosts of the machine changed" >&2
	failed=$((failed + 1))
fi
leftover=$(ps -eo pid=,args= | grep -F -- "$work" | grep -v -e grep -e "ps -eo" || true)
if [[ -z $leftover ]]; then
	echo "e2e: ok: no process of the suite is left running" >&2
	passed=$((passed + 1))
else
	echo "e2e: FAIL: processes left running:" >&2
	echo "$leftover" >&2
	failed=$((failed + 1))
fi

if [[ $failed -eq 0 && -z ${E2E_KEEP:-} ]]; then
	rm -rf "$work"
else
	echo "e2e: logs kept in $work/logs" >&2
fi
echo "e2e: total $(($(date +%s) - started)) s" >&2
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $stack_status -eq 0 ]]
