#!/usr/bin/env bash
# Copies Amazon Linux 2023's OpenLDAP client library into authorizers/RequestAuthorizer/lib/, which the function's
# publish packages next to the executable (Lambda puts /var/task/lib on LD_LIBRARY_PATH). Needed only when the
# REQUEST authorizer is deployed with Directory__Url (docs/directory.md). Needs docker (or DOCKER=podman).
# Prints the libraries' remaining dependencies so a missing one shows before deploying.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCKER="${DOCKER:-docker}"
IMAGE="${IMAGE:-public.ecr.aws/amazonlinux/amazonlinux:2023}"
OUT=authorizers/RequestAuthorizer/lib
mkdir -p "$OUT"
"$DOCKER" run --rm -v "$PWD/$OUT:/out" "$IMAGE" bash -euc '
  dnf install -y -q openldap cyrus-sasl-lib >/dev/null
  cp -P /usr/lib64/libldap*.so* /usr/lib64/liblber*.so* /usr/lib64/libsasl2.so* /out/
  echo "dependencies of the copied libraries:"
  for f in /out/*.so*; do [ -L "$f" ] || ldd "$f"; done | sort -u
'
ls -l "$OUT"
