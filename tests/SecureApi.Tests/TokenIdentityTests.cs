using Microsoft.Extensions.DependencyInjection;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// Identity is (issuer, sub): through the local stage, a token whose sub equals a key principal's id is the principal
/// default:{sub}, and shares neither that key principal's stored permissions nor its MFA enrollment.
/// </summary>
public sealed class TokenIdentityTests
{
    private static CaseRequest WithToken(string method, string path, string token) =>
        new(method, path, ExtraHeaders: [new("Authorization", "Bearer " + token)]);

    [Fact]
    public async Task A_token_with_sub_ops_does_not_get_the_permissions_stored_for_the_key_principal_ops()
    {
        await using var factory = new SecureApiFactory();
        await factory.Store().PutPrincipalAsync(new PrincipalChange("ops", ["admin"], ["read"]), "test-setup");
        var token = factory.Credentials.MintToken("ops", role: "user", permissions: "write");

        var (status, _, _) = await factory.SendAsync(WithToken("GET", "/protected", token));

        Assert.Equal(403, status); // the key principal's "read" would have let it in
    }

    [Fact]
    public async Task A_token_with_sub_ops_enrolls_mfa_for_default_ops_never_for_the_key_principal_ops()
    {
        await using var factory = new SecureApiFactory();
        var token = factory.Credentials.MintToken("ops");

        // A first enrollment needs a ticket (issue 19); this one is issued to default:ops, so only that identity can use it.
        var ticket = await StepUp.StepUpCalls.TicketHeaderAsync(factory, "default:ops");
        var (status, _, _) = await factory.SendAsync(new CaseRequest("POST", "/protected/mfa/enrollment",
            ExtraHeaders: [new("Authorization", "Bearer " + token), ticket]));

        Assert.Equal(201, status);
        var stepUp = factory.Services.GetRequiredService<IStepUpStore>();
        Assert.NotNull(await stepUp.GetEnrollmentAsync("default:ops"));
        Assert.Null(await stepUp.GetEnrollmentAsync("ops"));
    }

    [Fact]
    public async Task An_admin_grants_a_token_subject_roles_under_its_issuer_qualified_id()
    {
        await using var factory = new SecureApiFactory();
        await factory.Store().PutPrincipalAsync(new PrincipalChange("default:carol", ["user"], ["read"]), "test-setup");
        var token = factory.Credentials.MintToken("carol", role: "user", permissions: "write");

        var (status, _, _) = await factory.SendAsync(WithToken("GET", "/protected", token));

        Assert.Equal(200, status); // the record's "read" replaces the token's "write"
    }
}
