using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizerContract;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>Admin API calls through the local stage with the configured admin API key (principal api-key-user, role admin).</summary>
internal static class AdminCalls
{
    public const string Actor = "api-key-user";

    /// <summary>Writes need step-up (docs/step-up.md): these calls are made by an admin who has stepped up.</summary>
    public static async Task<(int Status, string Body, IHeaderDictionary Headers)> SendAsync(
        this SecureApiFactory factory, string method, string path, string? json = null, CaseCredential credential = CaseCredential.AdminApiKey)
    {
        var request = new CaseRequest(method, "/protected/admin" + path, credential);
        if (method != "GET") await factory.StepUpAsync(request);
        return await factory.SendAsync(request, json);
    }

    /// <summary>Opens a step-up window for the credential of <paramref name="request"/>, as a verified code would.</summary>
    public static async Task StepUpAsync(this SecureApiFactory factory, CaseRequest request)
    {
        var store = factory.Services.GetRequiredService<SecureApi.AuthorizationStore.StepUp.IStepUpStore>();
        var until = factory.Clock.GetUtcNow().AddMinutes(5);
        var authorization = request.Resolve(factory.Credentials).Headers.FirstOrDefault(h => h.Key == "Authorization").Value;
        (string Credential, string Principal)[] windows = authorization is null
            ? [(SecureApi.StepUp.StepUpCredential.For(AuthTypes.ApiKey, Actor, null, null), Actor),
               (SecureApi.StepUp.StepUpCredential.For(AuthTypes.CustomHeader, "custom-user", null, null), "custom-user")]
            : [(SecureApi.StepUp.StepUpCredential.For(AuthTypes.Jwt, "", null, authorization), request.Credential == CaseCredential.AdminToken ? "default:test-admin" : "default:test-user")]; // identity is (issuer, sub)
        foreach (var (credential, principal) in windows) await store.OpenWindowAsync(credential, principal, until);
    }

    public static IAuthorizationStore Store(this SecureApiFactory factory) => factory.Services.GetRequiredService<IAuthorizationStore>();

    public static Task<IReadOnlyList<AuditRecord>> AuditAsync(this SecureApiFactory factory) =>
        factory.Store().ListAuditRecordsAsync(DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime), 1000);

    public static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    /// <summary>A PUT /routes body with every default rule, optionally edited.</summary>
    public static string RoutesJson(Func<IEnumerable<RouteRule>, IEnumerable<object>>? edit = null)
    {
        var rules = RouteRules.Default.Rules;
        var routes = edit is null
            ? rules.Select(r => (object)new { verb = r.Verb, path = r.Path, requiredPermission = r.RequiredPermission, requiredRole = r.RequiredRole })
            : edit(rules);
        return JsonSerializer.Serialize(new { routes });
    }

    public static object Rule(RouteRule r) => new { verb = r.Verb, path = r.Path, requiredPermission = r.RequiredPermission, requiredRole = r.RequiredRole };
}

/// <summary>A store that is down: every call throws <see cref="AuthorizationStoreUnavailableException"/> (or <paramref name="failure"/>).</summary>
internal sealed class UnavailableStore(Exception? failure = null) : IAuthorizationStore
{
    private Task<T> Down<T>() => Task.FromException<T>(failure ?? new AuthorizationStoreUnavailableException("GetItem: timeout"));

    public Task<PrincipalRecord?> GetPrincipalAsync(string principalId, CancellationToken cancellationToken = default) => Down<PrincipalRecord?>();
    public Task<PutPrincipalResult> PutPrincipalAsync(PrincipalChange principal, AuditActor actor, CancellationToken cancellationToken = default) => Down<PutPrincipalResult>();
    public Task<CreateCredentialOutcome> CreateCredentialAsync(NewCredential credential, AuditActor actor, CancellationToken cancellationToken = default) => Down<CreateCredentialOutcome>();
    public Task<CredentialRecord?> FindUsableCredentialByHashAsync(string sha256, CancellationToken cancellationToken = default) => Down<CredentialRecord?>();
    public Task<CredentialRecord?> GetCredentialAsync(string keyId, CancellationToken cancellationToken = default) => Down<CredentialRecord?>();
    public Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(string principalId, CancellationToken cancellationToken = default) => Down<IReadOnlyList<CredentialRecord>>();
    public Task<CredentialRecord?> RevokeCredentialAsync(string keyId, AuditActor actor, CancellationToken cancellationToken = default) => Down<CredentialRecord?>();
    public Task<RouteRules?> GetRouteRulesAsync(CancellationToken cancellationToken = default) => Down<RouteRules?>();
    public Task PutRouteRulesAsync(RouteRules routes, AuditActor actor, CancellationToken cancellationToken = default) => Down<bool>();
    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsAsync(DateOnly dayUtc, int limit, CancellationToken cancellationToken = default) => Down<IReadOnlyList<AuditRecord>>();
    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsOfPrincipalAsync(string principalId, int limit, CancellationToken cancellationToken = default) => Down<IReadOnlyList<AuditRecord>>();
}
