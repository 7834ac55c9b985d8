# Minimal Lambda Runtime API loop (urllib, stdlib only) running the recipe's token authorizer, for cold-start runs.
# The recipe accepts only its hard-coded demo tokens, so RECIPE_DEMO_TOKEN (e.g. user-token) replaces the JWT the
# shared benchmark event carries; without it every run would answer Unauthorized and not count.
import json, os, sys, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import token_authorizer  # noqa: E402  (the recipe's code, unchanged)

base = "http://%s/2018-06-01/runtime/invocation" % os.environ["AWS_LAMBDA_RUNTIME_API"]
demo_token = os.environ.get("RECIPE_DEMO_TOKEN")
while True:
    with urllib.request.urlopen(base + "/next") as r:
        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(r.read())
    if demo_token:
        event["authorizationToken"] = "Bearer " + demo_token
    try:
        body, kind = json.dumps(token_authorizer.lambda_handler(event, None)), "response"
    except Exception as e:  # the recipe raises Exception('Unauthorized') for 401
        body, kind = json.dumps({"errorMessage": str(e), "errorType": type(e).__name__}), "error"
    urllib.request.urlopen(urllib.request.Request("%s/%s/%s" % (base, request_id, kind), body.encode(), {"Content-Type": "application/json"}))
