using SecureApi.Testing.Saml;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SecureApi.AuthorizationStore;
using SecureApi.Testing;
using SecureApi.TokenService.Tokens;

namespace SecureApi.TokenService.Tests;

/// <summary>Deployed signing: kms:Sign and kms:GetPublicKey on an RSA_2048 SIGN_VERIFY key of moto's KMS (loopback, no mocks).</summary>
[Trait("Category", "Integration")] // starts a moto server
public sealed class KmsTokenSignerTests(DynamoDbServerFixture moto) : IClassFixture<DynamoDbServerFixture>
{
    private AmazonKeyManagementServiceClient Kms() => new(
        new BasicAWSCredentials(DynamoDbCompatibleServer.AccessKeyId, DynamoDbCompatibleServer.SecretAccessKey),
        new AmazonKeyManagementServiceConfig { ServiceURL = moto.Server.ServiceUrl, AuthenticationRegion = DynamoDbCompatibleServer.Region });

    private async Task<string> NewSigningKeyAsync()
    {
        using var kms = Kms();
        var created = await kms.CreateKeyAsync(new CreateKeyRequest
        {
            KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.SIGN_VERIFY, Description = "token service test",
        });
        return created.KeyMetadata.Arn;
    }

    [Fact]
    public async Task A_token_the_service_signs_with_KMS_verifies_with_the_JWKS_it_serves()
    {
        var keyId = await NewSigningKeyAsync();
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        using var idp = new DotNetIdp();
        using var service = new TokenServiceFactory(idp.CertificatePem, clock, new Dictionary<string, string?>
        {
            ["Saml:KmsKeyId"] = keyId,
            ["Saml:KmsServiceUrl"] = moto.Server.ServiceUrl,
            ["Saml:KmsRegion"] = DynamoDbCompatibleServer.Region,
        });
        // The service's KMS client takes credentials from the SDK chain, as on Lambda: tests/test.runsettings provides them.

        var answer = await service.ExchangeAsync(await idp.SignAsync(new AssertionSpec { Now = clock.GetUtcNow() }.ToXml()));
        Assert.Equal(200, answer.Status);
        using var client = service.CreateClient();
        var keys = new JsonWebKeySet(await client.GetStringAsync("/.well-known/jwks.json"));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(answer.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = TokenServiceFactory.TokenIssuer,
            ValidAudience = TokenServiceFactory.TokenAudience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            LifetimeValidator = (_, _, _, _) => true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        using var kms = Kms();
        var publicKey = await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = keyId });
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(publicKey.PublicKey.ToArray(), out _);
        Assert.Equal(SigningKey.Base64Url(rsa.ExportParameters(false).Modulus!), Assert.Single(keys.Keys).N);
    }

    [Fact]
    public async Task A_key_KMS_refuses_fails_the_exchange_closed_with_503()
    {
        using var kms = Kms();
        var signer = new KmsTokenSigner(kms, "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000");

        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => signer.SignAsync([1, 2, 3], default));
        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => signer.PublicKeyAsync(default));
    }
}
