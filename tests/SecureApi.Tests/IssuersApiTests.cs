using Microsoft.Extensions.DependencyInjection;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>The run-time issuer registry's admin routes (docs/admin-api.md#issuers), through the local stage and the in-memory store.</summary>
public sealed class IssuersApiTests(SecureApiFactory factory) : IClassFixture<SecureApiFactory>
{
    internal static string NewName() => "idp-" + Guid.NewGuid().ToString("N")[..8];

    internal const string OktaJson = """
        {"issuer":"https://example.okta.com/oauth2/default","audiences":["api://secure"],"profile":"okta",
         "jwksUri":"https://example.okta.com/oauth2/default/v1/keys","roleClaims":["groups"],"stepUpAmr":["mfa"]}
        """;

    [Fact]
    public async Task Put_issuer_creates_it_with_201_then_replaces_it_with_200_and_get_reads_it_back()
    {
        var name = NewName();

        var (created, createdBody, _) = await factory.SendAsync("PUT", $"/issuers/{name}", OktaJson);
        var (replaced, _, _) = await factory.SendAsync("PUT", $"/issuers/{name}", OktaJson.Replace("api://secure", "api://other"));
        var (got, gotBody, _) = await factory.SendAsync("GET", $"/issuers/{name}");

        Assert.Equal(201, created);
        Assert.Equal(name, AdminCalls.Json(createdBody).GetProperty("name").GetString());
        Assert.Equal(200, replaced);
        Assert.Equal(200, got);
        var body = AdminCalls.Json(gotBody);
        Assert.Equal("api://other", body.GetProperty("audiences")[0].GetString());
        Assert.Equal("okta", body.GetProperty("profile").GetString());
        Assert.Equal("groups", body.GetProperty("roleClaims")[0].GetString());
        Assert.Equal("https://example.okta.com/oauth2/default/v1/keys", body.GetProperty("jwksUri").GetString());
    }

    [Fact]
    public async Task The_list_holds_a_stored_issuer_and_delete_removes_it_with_204_then_404()
    {
        var name = NewName();
        await factory.SendAsync("PUT", $"/issuers/{name}", OktaJson);

        var (listed, listBody, _) = await factory.SendAsync("GET", "/issuers");
        var (deleted, _, _) = await factory.SendAsync("DELETE", $"/issuers/{name}");
        var (again, _, _) = await factory.SendAsync("DELETE", $"/issuers/{name}");
        var (gone, _, _) = await factory.SendAsync("GET", $"/issuers/{name}");

        Assert.Equal(200, listed);
        Assert.Contains(AdminCalls.Json(listBody).GetProperty("issuers").EnumerateArray(), i => i.GetProperty("name").GetString() == name);
        Assert.Equal(204, deleted);
        Assert.Equal(404, again);
        Assert.Equal(404, gone);
    }

    [Theory]
    [InlineData("""{"issuer":"https://a.example","audiences":["x"],"jwksUri":"https://a.example/keys","jwks":"{\"keys\":[]}"}""", "jwksUri")]
    [InlineData("""{"issuer":"https://a.example","audiences":["x"]}""", "jwksUri")]
    [InlineData("""{"issuer":"https://a.example","jwksUri":"https://a.example/keys"}""", "audiences")]
    [InlineData("""{"audiences":["x"],"jwksUri":"https://a.example/keys"}""", "issuer")]
    [InlineData("""{"issuer":"https://a.example","audiences":["x"],"jwksUri":"https://a.example/keys","profile":"azure"}""", "profile")]
    [InlineData("""{"profile":"entra","audiences":["x"],"jwksUri":"https://a.example/keys","tenantIds":["not-a-guid"]}""", "tenantIds")]
    [InlineData("""{"issuer":"https://a.example","audiences":["x"],"jwksUri":"ftp://a.example/keys"}""", "jwksUri")]
    [InlineData("""{"issuer":"https://a.example","audiences":["x"],"symmetricKey":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI="}""", "symmetricKey")]
    [InlineData("""{"name":"other","issuer":"https://a.example","audiences":["x"],"jwksUri":"https://a.example/keys"}""", "name")]
    [InlineData("""{"issuer":"https://a.example","audiences":["x",null],"jwksUri":"https://a.example/keys"}""", "audiences[1]")]
    public async Task A_bad_entry_is_a_400_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        var name = NewName();

        var (status, body, _) = await factory.SendAsync("PUT", $"/issuers/{name}", json);

        Assert.Equal(400, status);
        Assert.True(AdminCalls.Json(body).GetProperty("errors").TryGetProperty(field, out _), body);
        Assert.Null(await factory.Services.GetRequiredService<IIssuerStore>().GetIssuerAsync(name));
    }

    [Fact]
    public async Task A_name_outside_the_rule_is_a_400_naming_name()
    {
        var (status, body, _) = await factory.SendAsync("PUT", "/issuers/Has_Upper", OktaJson);

        Assert.Equal(400, status);
        Assert.True(AdminCalls.Json(body).GetProperty("errors").TryGetProperty("name", out _), body);
    }

    [Fact]
    public async Task Writes_without_step_up_get_the_challenge_and_change_nothing()
    {
        await using var fresh = new SecureApiFactory(); // no step-up window opened by another test
        var name = NewName();

        var (put, _, _) = await fresh.SendAsync(new CaseRequest("PUT", $"/protected/admin/issuers/{name}", CaseCredential.AdminApiKey), OktaJson);
        var (delete, _, _) = await fresh.SendAsync(new CaseRequest("DELETE", $"/protected/admin/issuers/{name}", CaseCredential.AdminApiKey));

        Assert.Equal(401, put);
        Assert.Equal(401, delete);
        Assert.Null(await fresh.Services.GetRequiredService<IIssuerStore>().GetIssuerAsync(name));
    }

    [Fact]
    public async Task A_caller_without_role_admin_is_refused()
    {
        var (status, _, _) = await factory.SendAsync("GET", "/issuers", credential: CaseCredential.UserApiKey);

        Assert.Equal(403, status);
    }

    [Fact]
    public async Task Every_change_is_audited_with_its_actor()
    {
        var name = NewName();
        await factory.SendAsync("PUT", $"/issuers/{name}", OktaJson);
        await factory.SendAsync("DELETE", $"/issuers/{name}");

        var records = (await factory.AuditAsync()).Where(r => r.Subject == "issuer:" + name).ToArray();

        Assert.Contains(records, r => r.Action == AuditActions.IssuerCreated && r.Actor == AdminCalls.Actor);
        Assert.Contains(records, r => r.Action == AuditActions.IssuerDeleted && r.Actor == AdminCalls.Actor);
    }
}

/// <summary>The issuer routes on the real DynamoDB store (moto).</summary>
[Trait("Category", "Integration")] // starts a moto server
public sealed class IssuersApiDynamoDbTests(DynamoDbServerFixture dynamo) : IClassFixture<DynamoDbServerFixture>
{
    [Fact]
    public async Task Issuer_put_list_get_and_delete_round_trip_through_dynamodb_with_their_audit_records()
    {
        await using var factory = dynamo.NewFactory();
        Assert.IsType<DynamoDbIssuerStore>(factory.Services.GetRequiredService<IIssuerStore>());
        var name = IssuersApiTests.NewName();

        var (created, _, _) = await factory.SendAsync("PUT", $"/issuers/{name}", IssuersApiTests.OktaJson);
        var (replaced, _, _) = await factory.SendAsync("PUT", $"/issuers/{name}", IssuersApiTests.OktaJson.Replace("\"okta\"", "\"generic\""));
        var (_, listBody, _) = await factory.SendAsync("GET", "/issuers");
        var (got, gotBody, _) = await factory.SendAsync("GET", $"/issuers/{name}");
        var (deleted, _, _) = await factory.SendAsync("DELETE", $"/issuers/{name}");
        var (gone, _, _) = await factory.SendAsync("GET", $"/issuers/{name}");

        Assert.Equal((201, 200, 200, 204, 404), (created, replaced, got, deleted, gone));
        Assert.Equal("generic", AdminCalls.Json(gotBody).GetProperty("profile").GetString());
        Assert.Contains(AdminCalls.Json(listBody).GetProperty("issuers").EnumerateArray(), i => i.GetProperty("name").GetString() == name);
        var actions = (await factory.AuditAsync()).Where(r => r.Subject == "issuer:" + name).Select(r => r.Action).ToArray();
        Assert.Equal(3, actions.Length);
        Assert.Contains(AuditActions.IssuerDeleted, actions);
    }
}

/// <summary>The API's route check refuses the cached Allow of an issuer removed from the run-time registry (docs/identity-providers.md#run-time-registry).</summary>
public sealed class RemovedIssuerTests
{
    [Fact]
    public async Task A_removed_issuers_cached_allow_is_refused_by_the_api_once_the_cache_window_has_passed()
    {
        // The gateway's answer for a token of the stored issuer "partner" (the context names it), as if cached.
        await using var factory = new SecureApiFactory
        {
            EditAuthorizerResponse = r => { if (r.Context is { } context && context.ContainsKey("issuer")) context["issuer"] = "partner"; },
        };
        var issuers = factory.Services.GetRequiredService<IIssuerStore>();
        await issuers.PutIssuerAsync(new IssuerEntry
        {
            Name = "partner", Issuer = "https://partner.example.test/", Audiences = ["api"], JwksUri = "https://partner.example.test/keys",
        }, "admin");

        var (registered, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected", CaseCredential.UserToken));
        await issuers.DeleteIssuerAsync("partner", "admin");
        var (withinWindow, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected", CaseCredential.UserToken));
        factory.Clock.Advance(TimeSpan.FromSeconds(AuthorizationStoreOptions.DefaultCacheSeconds));
        var (removed, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected", CaseCredential.UserToken));

        Assert.Equal(200, registered);
        Assert.Equal(200, withinWindow); // the bound is the cache window, as for a disabled principal
        Assert.Equal(401, removed);
    }
}
