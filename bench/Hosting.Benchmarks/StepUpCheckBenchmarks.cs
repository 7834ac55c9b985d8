using SecureApi.AuthorizationStore;
using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using SecureApi.Auth;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.AuthorizerContract;
using SecureApi.StepUp;

namespace Hosting.Benchmarks;

/// <summary>
/// Goal (docs/step-up.md): the API's step-up check with a warm cache ≤ 10 µs, store round trip excluded. Two warm
/// paths: a JWT whose IdP did MFA recently (amr + auth_time: no store call at all), and a store key whose step-up
/// window this instance has already seen open (in-memory, no store call until the window ends). The in-memory
/// step-up store stands behind it and is not reached on either path.
/// </summary>
[Config(typeof(ShortConfig))]
public class StepUpCheckBenchmarks
{
    private StepUpCheck _check = null!;
    private ClaimsPrincipal _idpMfaUser = null!;
    private ClaimsPrincipal _keyUser = null!;
    private HttpRequest _tokenRequest = null!;
    private HttpRequest _keyRequest = null!;

    [GlobalSetup]
    public void Setup()
    {
        var time = TimeProvider.System;
        var store = new InMemoryStepUpStore(time);
        _check = new StepUpCheck(store, new SecretProtector(new LocalDataKeySource(new byte[32])), new StepUpOptions(), new AuthorizationStoreOptions(), time, NullLogger<StepUpCheck>.Instance);

        _idpMfaUser = User(AuthTypes.Jwt, "idp-user", null,
            (ApiGatewayAuthorizerClaimTypes.Amr, "pwd"), (ApiGatewayAuthorizerClaimTypes.Amr, "mfa"),
            (ApiGatewayAuthorizerClaimTypes.AuthTime, time.GetUtcNow().AddMinutes(-1).ToUnixTimeSeconds().ToString()));
        var tokenContext = new DefaultHttpContext();
        tokenContext.Request.Headers.Authorization = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJpZHAtdXNlciJ9.c2ln";
        _tokenRequest = tokenContext.Request;

        _keyUser = User(AuthTypes.ApiKey, "key-user", "key_0123456789abcdef");
        _keyRequest = new DefaultHttpContext().Request;
        // Warm: the window is open in the store and this instance has seen it once.
        store.OpenWindowAsync("key:key_0123456789abcdef", "key-user", time.GetUtcNow().AddHours(1)).GetAwaiter().GetResult();
        if (Check(_keyUser, _keyRequest) != StepUpOutcome.Satisfied || Check(_idpMfaUser, _tokenRequest) != StepUpOutcome.Satisfied)
            throw new InvalidOperationException("The warm paths must be satisfied.");
    }

    [Benchmark]
    public StepUpOutcome Jwt_with_recent_idp_mfa() => Check(_idpMfaUser, _tokenRequest);

    [Benchmark]
    public StepUpOutcome Store_key_with_open_window_warm() => Check(_keyUser, _keyRequest);

    private StepUpOutcome Check(ClaimsPrincipal user, HttpRequest request)
    {
        var pending = _check.CheckAsync(user, request, CancellationToken.None);
        return (pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()).Outcome;
    }

    private static ClaimsPrincipal User(string authType, string principalId, string? keyId, params (string Type, string Value)[] extra)
    {
        var identity = new ClaimsIdentity(ApiGatewayAuthorizerDefaults.AuthenticationScheme);
        identity.AddClaim(new Claim(ApiGatewayAuthorizerClaimTypes.PrincipalId, principalId));
        identity.AddClaim(new Claim(ApiGatewayAuthorizerClaimTypes.AuthType, authType));
        if (keyId is not null) identity.AddClaim(new Claim(ApiGatewayAuthorizerClaimTypes.KeyId, keyId));
        foreach (var (type, value) in extra) identity.AddClaim(new Claim(type, value));
        return new ClaimsPrincipal(identity);
    }
}
