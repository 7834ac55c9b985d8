using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Authorizers;
using SecureApi.Authorizers.Directory;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Testing;

namespace Authorizers.Benchmarks;

/// <summary>
/// `-- directory-first RUNS`: the first decision for a directory user — nothing cached, so one ldaps connection (TLS
/// handshake), one bind and one search (the user's entry and memberOf) against a loopback slapd — beside the first
/// decision for an API key, in the same process, interleaved. Each run builds fresh authorizers (empty caches, fresh
/// failed-bind counters); the process itself is warm (a few runs first, not counted). Prints p50/p90 of each.
/// </summary>
internal static class DirectoryFirstDecision
{
    private const string Arn = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/Prod/GET/protected/admin";
    private const string ApiKey = "bench-api-key-0123456789";
    private const int WarmUps = 5;

    public static async Task RunAsync(int runs)
    {
        await using var slapd = await SlapdServer.StartAsync(Seed);
        var options = new DirectoryOptions
        {
            Url = slapd.LdapsUrl,
            BindDnTemplate = "uid={0}," + SlapdServer.PeopleDn,
            TrustedCaCertificates = slapd.CaCertificatePem,
            GroupRoleMap = new(StringComparer.OrdinalIgnoreCase) { ["admins"] = "admin" },
        };
        var basic = Request("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:alice-password")), null);
        var key = Request("User-Agent", "curl/8", ApiKey);
        var directoryTimes = new List<double>();
        var keyTimes = new List<double>();
        for (var i = 0; i < WarmUps + runs; i++)
        {
            using var directory = new DirectoryAuthenticator(options, new InMemoryRateLimitCounterStore(TimeProvider.System), TimeProvider.System);
            var authorizer = new RequestAuthorizer(new RequestAuthorizerOptions
            {
                ApiKeys = [new() { Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey))), PrincipalId = "api-key-user", Role = "admin" }],
            }, null, null, directory);
            var keyTime = await TimeAsync(authorizer, key);
            var directoryTime = await TimeAsync(authorizer, basic);
            if (i < WarmUps) continue;
            keyTimes.Add(keyTime);
            directoryTimes.Add(directoryTime);
        }
        Console.WriteLine($"runs {runs} (after {WarmUps} warm-ups), slapd {slapd.LdapsUrl}");
        Console.WriteLine($"first API-key decision:                 p50 {P(keyTimes, 50)} ms, p90 {P(keyTimes, 90)} ms");
        Console.WriteLine($"first directory decision (ldaps+bind+search): p50 {P(directoryTimes, 50)} ms, p90 {P(directoryTimes, 90)} ms");
    }

    /// <summary>
    /// `-- serve-slapd FOLDER`: slapd with alice for the AOT function (bench/coldstart-directory.sh): writes url.txt,
    /// ca.pem, group-role-map.json, api-keys.json, request-directory-event.json and request-apikey-event.json, then
    /// ready; serves until FOLDER/stop exists.
    /// </summary>
    public static async Task ServeAsync(string folder)
    {
        System.IO.Directory.CreateDirectory(folder);
        await using var slapd = await SlapdServer.StartAsync(Seed);
        File.WriteAllText(Path.Combine(folder, "url.txt"), slapd.LdapsUrl);
        File.WriteAllText(Path.Combine(folder, "ca.pem"), slapd.CaCertificatePem);
        File.WriteAllText(Path.Combine(folder, "bind-dn-template.txt"), "uid={0}," + SlapdServer.PeopleDn);
        File.WriteAllText(Path.Combine(folder, "group-role-map.json"), """{"admins":"admin"}""");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
        File.WriteAllText(Path.Combine(folder, "api-keys.json"), $$"""[{"sha256":"{{hash}}","principalId":"api-key-user","role":"admin"}]""");
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:alice-password"));
        const string Tail = ",\"requestContext\":{\"identity\":{\"sourceIp\":\"198.51.100.7\"}}}";
        File.WriteAllText(Path.Combine(folder, "request-directory-event.json"),
            "{\"type\":\"REQUEST\",\"methodArn\":\"" + Arn + "\",\"httpMethod\":\"GET\",\"headers\":{\"Authorization\":\"Basic " + basic + "\"}" + Tail);
        File.WriteAllText(Path.Combine(folder, "request-apikey-event.json"),
            "{\"type\":\"REQUEST\",\"methodArn\":\"" + Arn + "\",\"httpMethod\":\"GET\",\"queryStringParameters\":{\"api_key\":\"" + ApiKey + "\"}" + Tail);
        File.WriteAllText(Path.Combine(folder, "ready"), "");
        while (!File.Exists(Path.Combine(folder, "stop"))) await Task.Delay(200);
        Console.WriteLine($"slapd BIND results for alice: {slapd.CountBinds("uid=alice," + SlapdServer.PeopleDn, 0)} successful");
    }

    private const string Seed = $"""
        dn: uid=alice,{SlapdServer.PeopleDn}
        objectClass: inetOrgPerson
        uid: alice
        cn: alice
        sn: alice
        userPassword: alice-password

        dn: cn=admins,{SlapdServer.GroupsDn}
        objectClass: groupOfNames
        cn: admins
        member: uid=alice,{SlapdServer.PeopleDn}

        """;

    private static async Task<double> TimeAsync(RequestAuthorizer authorizer, APIGatewayCustomAuthorizerRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var decision = await authorizer.AuthorizeAsync(request);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (decision.Outcome != AuthorizerOutcome.Allow) throw new InvalidOperationException($"Expected Allow, got {decision.ReasonCode}.");
        return elapsed;
    }

    private static string P(List<double> values, int percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)].ToString("0.000", CultureInfo.InvariantCulture);
    }

    private static APIGatewayCustomAuthorizerRequest Request(string header, string value, string? apiKey) => new()
    {
        Type = "REQUEST", MethodArn = Arn,
        Headers = new Dictionary<string, string> { [header] = value, ["Host"] = "abc123defg.execute-api.us-east-1.amazonaws.com" },
        QueryStringParameters = apiKey is null ? null : new Dictionary<string, string> { ["api_key"] = apiKey },
        RequestContext = new() { Identity = new() { SourceIp = "198.51.100.1" } },
    };
}
