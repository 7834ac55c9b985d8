# Shared by the cold-start scripts that need a DynamoDB/KMS-compatible server (sourced, not run): moto's server on a
# free loopback port, stopped when the script exits. Needs moto_server (pip install 'moto[server]') and curl.
#   start_moto LOGFILE     sets MOTO_URL and MOTO_PID
#   moto_kms_key           prints the ARN of a fresh symmetric KMS key on it
start_moto() {
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  MOTO_URL="http://127.0.0.1:$port"
  moto_server -H 127.0.0.1 -p "$port" >"$1" 2>&1 &
  MOTO_PID=$!
  trap 'kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do curl -s -o /dev/null "$MOTO_URL/moto-api/" && return 0; sleep 0.1; done
  echo "moto_server did not answer on $MOTO_URL (log: $1)" >&2
  return 1
}

moto_kms_key() {
  curl -sf -X POST "$MOTO_URL/" -H 'X-Amz-Target: TrentService.CreateKey' -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{"Description":"bench step-up key"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["KeyMetadata"]["Arn"])'
}
