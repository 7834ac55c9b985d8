#!/usr/bin/env bash
# What one store round trip costs on the loopback DynamoDB-compatible server the cold-start scripts use (moto), measured
# from outside any SDK: raw HTTP/1.1 on one kept-alive connection (as the SDK's pooled one), moto's own reply time
# plus loopback. The shapes are the ones on the cold-start paths: the REQUEST authorizer's route-table GetItem, a
# principal's GetItem, and the rate limiter's one conditional "count" UpdateItem (RateCounterUpdates.Count) on a
# counter item that does not exist yet (a process's first caller) and on one that does (its window is stored).
# Issue 22's cold-start goals leave the deployed configuration a budget per start (bench/README.md); this prints
# what the counterpart alone takes for the round trips those starts cannot avoid.
# Needs moto_server (pip install 'moto[server]').   bench/store-roundtrip.sh [N]   (default 200 per shape)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-200}
mkdir -p "$ROOT/artifacts"
source "$ROOT/bench/moto.sh"
start_moto "$ROOT/artifacts/store-roundtrip-moto.log"
python3 - "$MOTO_URL" "$N" <<'PY'
import http.client, json, statistics, sys, time, urllib.parse
url, n = urllib.parse.urlparse(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection(url.hostname, url.port)
def call(op, body):
    headers = {"X-Amz-Target": f"DynamoDB_20120810.{op}", "Content-Type": "application/x-amz-json-1.0",
               "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"}
    started = time.perf_counter()
    conn.request("POST", "/", json.dumps(body), headers)
    response = conn.getresponse(); payload = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200 and b"ConditionalCheckFailed" not in payload: sys.exit(f"{op}: {response.status} {payload[:200]!r}")
    return elapsed
S = lambda v: {"S": v}
Nv = lambda v: {"N": str(v)}
call("CreateTable", {"TableName": "rt", "BillingMode": "PAY_PER_REQUEST",
     "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
     "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"}]})
call("PutItem", {"TableName": "rt", "Item": {"PK": S("PRINCIPAL#ops"), "SK": S("PRINCIPAL"), "status": S("active"), "roles": {"SS": ["admin"]}}})
def count(key, window=1000):
    return {"TableName": "rt", "Key": {"PK": S(key), "SK": S("COUNTER")}, "ReturnValues": "ALL_NEW",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            "ExpressionAttributeNames": {"#used": "used", "#win": "win", "#winUsed": "winUsed", "#cw": f"c{window}",
                                         "#ttl": "ttl", "#type": "type", "#prev": f"c{window - 1}"},
            "ExpressionAttributeValues": {":one": Nv(1), ":w": Nv(window), ":quota": Nv(10**9), ":burst": Nv(10**9),
                                          ":zero": Nv(0), ":ttl": Nv(2000000000), ":type": S("rate-counter")},
            "UpdateExpression": "SET #win = :w, #winUsed = if_not_exists(#cw, :zero) + :one, #cw = if_not_exists(#cw, :zero) + :one, #ttl = :ttl, #type = :type ADD #used :one REMOVE #prev",
            "ConditionExpression": "(attribute_not_exists(#used) OR #used < :quota) AND ((#win = :w AND #cw = #winUsed AND #cw < :burst) OR ((attribute_not_exists(#win) OR #win < :w) AND attribute_not_exists(#cw)))"}
shapes = [
    ("GetItem, route table (absent item)", lambda i: call("GetItem", {"TableName": "rt", "Key": {"PK": S("ROUTES"), "SK": S("ROUTES")}, "ConsistentRead": True})),
    ("GetItem, principal (present item)", lambda i: call("GetItem", {"TableName": "rt", "Key": {"PK": S("PRINCIPAL#ops"), "SK": S("PRINCIPAL")}, "ConsistentRead": True})),
    ("UpdateItem count, new counter item", lambda i: call("UpdateItem", count(f"RATE#ip-{i}"))),
    ("UpdateItem count, window stored", lambda i: call("UpdateItem", count("RATE#same"))),
]
for _, shape in shapes:  # warm: moto imports its parsers on first use; DynamoDB has no such first request
    for i in range(20): shape(-1 - i)
print(f"moto on loopback, raw HTTP on one kept-alive connection, {n} requests per shape after 20 warm-ups (ms)")
print(f"{'shape':40} {'min':>6} {'p50':>6} {'p90':>6}")
for name, shape in shapes:
    xs = sorted(shape(i) for i in range(n))
    print(f"{name:40} {xs[0]:6.2f} {statistics.median(xs):6.2f} {xs[int(len(xs) * 0.9)]:6.2f}")
PY
