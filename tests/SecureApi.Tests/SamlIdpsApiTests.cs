using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Saml;
using SecureApi.Testing;
using SecureApi.Testing.Saml;

namespace SecureApi.Tests;

/// <summary>The run-time SAML IdP registry's admin routes (docs/admin-api.md#saml-identity-providers), through the local stage and the in-memory store.</summary>
public sealed class SamlIdpsApiTests(SecureApiFactory factory) : IClassFixture<SecureApiFactory>
{
    internal static readonly string Pem = TestCertificates.Pem();

    internal static string NewName() => "saml-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A body for a fresh entity id (the registry keeps one entry per entity id).</summary>
    internal static string Body(string? entityId = null, IEnumerable<string>? certificates = null, string? metadataXml = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["entityId"] = entityId ?? $"https://{Guid.NewGuid():N}.idp.example.test/metadata",
        ["signingCertificates"] = certificates?.ToArray() ?? [Pem],
        ["metadataXml"] = metadataXml,
        ["roleAttribute"] = "http://schemas.xmlsoap.org/claims/Group",
        ["permissionAttribute"] = "urn:example:permissions",
        ["roleMap"] = new Dictionary<string, string> { ["Domain Admins"] = "admin" },
    });

    [Fact]
    public async Task Put_creates_an_idp_with_201_then_replaces_it_with_200_and_get_shows_its_certificates_by_thumbprint_and_expiry()
    {
        var name = NewName();
        var entityId = $"https://{name}.example.test/metadata";

        var (created, createdBody, _) = await factory.SendAsync("PUT", $"/saml-idps/{name}", Body(entityId));
        var (replaced, _, _) = await factory.SendAsync("PUT", $"/saml-idps/{name}", Body(entityId).Replace("Domain Admins", "Operators"));
        var (got, gotBody, _) = await factory.SendAsync("GET", $"/saml-idps/{name}");

        Assert.Equal((201, 200, 200), (created, replaced, got));
        Assert.Equal(name, AdminCalls.Json(createdBody).GetProperty("name").GetString());
        var body = AdminCalls.Json(gotBody);
        Assert.Equal(entityId, body.GetProperty("entityId").GetString());
        Assert.Equal("signingCertificates", body.GetProperty("keySource").GetString());
        var certificate = Assert.Single(body.GetProperty("certificates").EnumerateArray());
        Assert.Equal(TestCertificates.Sha256Thumbprint(Pem), certificate.GetProperty("sha256Thumbprint").GetString());
        Assert.True(certificate.GetProperty("notAfter").GetDateTimeOffset() > factory.Clock.GetUtcNow());
        Assert.Equal("admin", body.GetProperty("roleMap").GetProperty("Operators").GetString());
        Assert.DoesNotContain("BEGIN CERTIFICATE", gotBody);
    }

    [Fact]
    public async Task The_list_holds_a_stored_idp_and_delete_removes_it_with_204_then_404()
    {
        var name = NewName();
        await factory.SendAsync("PUT", $"/saml-idps/{name}", Body());

        var (listed, listBody, _) = await factory.SendAsync("GET", "/saml-idps");
        var (deleted, _, _) = await factory.SendAsync("DELETE", $"/saml-idps/{name}");
        var (again, _, _) = await factory.SendAsync("DELETE", $"/saml-idps/{name}");
        var (gone, _, _) = await factory.SendAsync("GET", $"/saml-idps/{name}");

        Assert.Equal(200, listed);
        Assert.Contains(AdminCalls.Json(listBody).GetProperty("samlIdps").EnumerateArray(), i => i.GetProperty("name").GetString() == name);
        Assert.Equal((204, 404, 404), (deleted, again, gone));
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { Body(certificates: ["not a certificate"]), "signingCertificates[0]" },
        { Body(certificates: [Pem, TestCertificates.Pem(notAfter: DateTimeOffset.UtcNow.AddDays(-1))]), "signingCertificates[1]" },
        { Body(certificates: [TestCertificates.Pem(rsaBits: 1024)]), "signingCertificates[0]" },
        { Body(certificates: [Pem + Pem]), "signingCertificates[0]" },
        { Body(certificates: [System.Security.Cryptography.RSA.Create(2048).ExportPkcs8PrivateKeyPem()]), "signingCertificates[0]" },
        { Body(metadataXml: "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"/>"), "signingCertificates" },   // two key sources
        { Body(certificates: []), "signingCertificates" },                                                                               // none
        { Body(certificates: [], metadataXml: "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"), "metadataXml" },
        { Body(certificates: [], metadataXml: "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"/>"), "metadataXml" }, // no certificate
        { Body().Replace("\"entityId\":\"https:", "\"other\":\"https:"), "entityId" },
        { Body().Replace("\"admin\"", "null"), "roleMap[Domain Admins]" },
        { Body().Replace("\"roleAttribute\":", "\"name\":\"other\",\"roleAttribute\":"), "name" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_entry_is_a_400_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        var name = NewName();

        var (status, body, _) = await factory.SendAsync("PUT", $"/saml-idps/{name}", json);

        Assert.Equal(400, status);
        Assert.True(AdminCalls.Json(body).GetProperty("errors").TryGetProperty(field, out _), body);
        Assert.DoesNotContain("PRIVATE KEY", body);
        Assert.Null(await factory.Services.GetRequiredService<ISamlIdpStore>().GetIdpAsync(name));
    }

    [Fact]
    public async Task An_entity_id_another_stored_idp_has_is_a_400_naming_entityId()
    {
        var entityId = $"https://{Guid.NewGuid():N}.example.test/metadata";
        await factory.SendAsync("PUT", $"/saml-idps/{NewName()}", Body(entityId));

        var (status, body, _) = await factory.SendAsync("PUT", $"/saml-idps/{NewName()}", Body(entityId));

        Assert.Equal(400, status);
        Assert.True(AdminCalls.Json(body).GetProperty("errors").TryGetProperty("entityId", out _), body);
    }

    [Fact]
    public async Task An_idp_trusted_through_metadata_shows_the_metadatas_signing_certificate()
    {
        var name = NewName();
        var der = Convert.ToBase64String(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(Pem).RawData);
        var metadata = $"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="x"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:IDPSSODescriptor></md:EntityDescriptor>""";

        var (created, body, _) = await factory.SendAsync("PUT", $"/saml-idps/{name}", Body(certificates: [], metadataXml: metadata));

        Assert.Equal(201, created);
        Assert.Equal("metadataXml", AdminCalls.Json(body).GetProperty("keySource").GetString());
        Assert.Equal(TestCertificates.Sha256Thumbprint(Pem), AdminCalls.Json(body).GetProperty("certificates")[0].GetProperty("sha256Thumbprint").GetString());
    }

    [Theory]
    [InlineData("PUT", "/saml-idps/Has_Upper")]
    [InlineData("GET", "/saml-idps/a-name-of-thirty-three-characters")]
    [InlineData("DELETE", "/saml-idps/has.dot")]
    public async Task A_name_outside_the_rule_is_a_400_naming_name(string method, string path)
    {
        var (status, body, _) = await factory.SendAsync(method, path, method == "PUT" ? Body() : null);

        Assert.Equal(400, status);
        Assert.True(AdminCalls.Json(body).GetProperty("errors").TryGetProperty("name", out _), body);
    }

    [Fact]
    public async Task Writes_without_step_up_get_the_challenge_and_change_nothing()
    {
        await using var fresh = new SecureApiFactory(); // no step-up window opened by another test
        var name = NewName();

        var (put, _, _) = await fresh.SendAsync(new CaseRequest("PUT", $"/protected/admin/saml-idps/{name}", CaseCredential.AdminApiKey), Body());
        var (delete, _, _) = await fresh.SendAsync(new CaseRequest("DELETE", $"/protected/admin/saml-idps/{name}", CaseCredential.AdminApiKey));

        Assert.Equal((401, 401), (put, delete));
        Assert.Null(await fresh.Services.GetRequiredService<ISamlIdpStore>().GetIdpAsync(name));
    }

    [Fact]
    public async Task A_caller_without_role_admin_is_refused()
    {
        var (list, _, _) = await factory.SendAsync("GET", "/saml-idps", credential: CaseCredential.UserApiKey);
        var (one, _, _) = await factory.SendAsync("GET", $"/saml-idps/{NewName()}", credential: CaseCredential.UserApiKey);

        Assert.Equal((403, 403), (list, one));
    }

    [Fact]
    public async Task Every_change_is_audited_with_its_actor_and_the_state_before_and_after()
    {
        var name = NewName();
        var entityId = $"https://{name}.example.test/metadata";
        await factory.SendAsync("PUT", $"/saml-idps/{name}", Body(entityId));
        await factory.SendAsync("PUT", $"/saml-idps/{name}", Body(entityId).Replace("Domain Admins", "Operators"));
        await factory.SendAsync("DELETE", $"/saml-idps/{name}");

        var records = (await factory.AuditAsync()).Where(r => r.Subject == "saml-idp:" + name).ToArray();

        Assert.Equal(3, records.Length);
        Assert.All(records, r => Assert.Equal(AdminCalls.Actor, r.Actor));
        var updated = Assert.Single(records, r => r.Action == AuditActions.SamlIdpUpdated);
        Assert.Matches("before: .*Domain Admins=admin.* after: .*Operators=admin", updated.Detail);
        Assert.Contains(records, r => r.Action == AuditActions.SamlIdpDeleted);
    }
}

/// <summary>The SAML IdP routes on the real DynamoDB store (moto).</summary>
[Trait("Category", "Integration")] // starts a moto server
public sealed class SamlIdpsApiDynamoDbTests(DynamoDbServerFixture dynamo) : IClassFixture<DynamoDbServerFixture>
{
    [Fact]
    public async Task Saml_idp_put_list_get_and_delete_round_trip_through_dynamodb_with_their_audit_records()
    {
        await using var factory = dynamo.NewFactory();
        Assert.IsType<DynamoDbSamlIdpStore>(factory.Services.GetRequiredService<ISamlIdpStore>());
        var name = SamlIdpsApiTests.NewName();
        var entityId = $"https://{name}.example.test/metadata";

        var (created, _, _) = await factory.SendAsync("PUT", $"/saml-idps/{name}", SamlIdpsApiTests.Body(entityId));
        var (replaced, _, _) = await factory.SendAsync("PUT", $"/saml-idps/{name}", SamlIdpsApiTests.Body(entityId).Replace("Domain Admins", "Operators"));
        var (_, listBody, _) = await factory.SendAsync("GET", "/saml-idps");
        var (got, gotBody, _) = await factory.SendAsync("GET", $"/saml-idps/{name}");
        var (deleted, _, _) = await factory.SendAsync("DELETE", $"/saml-idps/{name}");
        var (gone, _, _) = await factory.SendAsync("GET", $"/saml-idps/{name}");

        Assert.Equal((201, 200, 200, 204, 404), (created, replaced, got, deleted, gone));
        Assert.Equal("admin", AdminCalls.Json(gotBody).GetProperty("roleMap").GetProperty("Operators").GetString());
        Assert.Equal(TestCertificates.Sha256Thumbprint(SamlIdpsApiTests.Pem),
            AdminCalls.Json(gotBody).GetProperty("certificates")[0].GetProperty("sha256Thumbprint").GetString());
        Assert.Contains(AdminCalls.Json(listBody).GetProperty("samlIdps").EnumerateArray(), i => i.GetProperty("name").GetString() == name);
        var actions = (await factory.AuditAsync()).Where(r => r.Subject == "saml-idp:" + name).Select(r => r.Action).ToArray();
        Assert.Equal([AuditActions.SamlIdpCreated, AuditActions.SamlIdpDeleted, AuditActions.SamlIdpUpdated], actions.Order());
    }
}
