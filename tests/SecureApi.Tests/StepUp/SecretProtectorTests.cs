using System.Security.Cryptography;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.StepUp;
using SecureApi.Testing;

namespace SecureApi.Tests.StepUp;

/// <summary>TOTP secrets at rest: AES-GCM under a local key or a KMS data key (moto's KMS on loopback, no mocks).</summary>
[Trait("Category", "Integration")] // starts a process or a moto server
public sealed class SecretProtectorTests(DynamoDbServerFixture moto) : IClassFixture<DynamoDbServerFixture>
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(20);

    private AmazonKeyManagementServiceClient Kms() => new(
        new BasicAWSCredentials(DynamoDbCompatibleServer.AccessKeyId, DynamoDbCompatibleServer.SecretAccessKey),
        new AmazonKeyManagementServiceConfig { ServiceURL = moto.Server.ServiceUrl, AuthenticationRegion = DynamoDbCompatibleServer.Region });

    private async Task<string> NewKeyAsync()
    {
        using var kms = Kms();
        return (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "step-up test" })).KeyMetadata.Arn;
    }

    [Fact]
    public async Task A_local_key_round_trips_and_the_envelope_holds_no_plain_secret()
    {
        var protector = new SecretProtector(new LocalDataKeySource(RandomNumberGenerator.GetBytes(32)));

        var envelope = await protector.ProtectAsync(Secret, "alice", default);

        Assert.True(envelope.AsSpan().IndexOf(Secret) < 0);
        Assert.Equal(Secret, await protector.UnprotectAsync(envelope, "alice", default));
    }

    [Fact]
    public async Task A_secret_encrypted_for_one_principal_does_not_decrypt_for_another_or_under_another_key()
    {
        var protector = new SecretProtector(new LocalDataKeySource(RandomNumberGenerator.GetBytes(32)));
        var envelope = await protector.ProtectAsync(Secret, "alice", default);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => protector.UnprotectAsync(envelope, "mallory", default));
        await Assert.ThrowsAnyAsync<CryptographicException>(() =>
            new SecretProtector(new LocalDataKeySource(RandomNumberGenerator.GetBytes(32))).UnprotectAsync(envelope, "alice", default));
    }

    [Fact]
    public async Task A_kms_data_key_protects_the_secret_and_a_later_cold_start_decrypts_it_through_kms()
    {
        var keyId = await NewKeyAsync();
        using var first = Kms();
        using var second = Kms();

        var envelope = await new SecretProtector(new KmsDataKeySource(first, keyId)).ProtectAsync(Secret, "alice", default);
        var decrypted = await new SecretProtector(new KmsDataKeySource(second, keyId)).UnprotectAsync(envelope, "alice", default);

        Assert.Equal(Secret, decrypted);
        Assert.True(envelope.AsSpan().IndexOf(Secret) < 0);
    }

    [Fact]
    public async Task A_kms_data_key_is_generated_for_one_principal_and_kms_unwraps_it_only_with_that_principals_encryption_context()
    {
        var keyId = await NewKeyAsync();
        using var kms = Kms();
        var envelope = await new SecretProtector(new KmsDataKeySource(kms, keyId)).ProtectAsync(Secret, "alice", default);
        var wrapped = envelope.AsSpan(3, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(envelope.AsSpan(1))).ToArray();
        Task<DecryptResponse> Unwrap(Dictionary<string, string>? context) =>
            kms.DecryptAsync(new DecryptRequest { KeyId = keyId, CiphertextBlob = new MemoryStream(wrapped), EncryptionContext = context });

        var withContext = await Unwrap(new() { ["principal"] = "alice" });

        Assert.Equal(32, withContext.Plaintext.Length);
        await Assert.ThrowsAnyAsync<AmazonServiceException>(() => Unwrap(null));
        await Assert.ThrowsAnyAsync<AmazonServiceException>(() => Unwrap(new() { ["principal"] = "mallory" }));
    }

    [Fact]
    public async Task Kms_unreachable_fails_enrollment_closed_with_503_and_stores_nothing()
    {
        await using var factory = new SecureApiFactory
        {
            ExtraConfiguration = new Dictionary<string, string?>
            {
                ["StepUp:KmsKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000",
                ["StepUp:KmsServiceUrl"] = $"http://127.0.0.1:{DynamoDbCompatibleServer.FreeLoopbackPort()}",
            },
        };

        var (status, _, headers) = await factory.SendAsync(await StepUpCalls.EnrollmentRequestAsync(factory, StepUpCalls.KeyEnrollment, CaseCredential.AdminApiKey));

        Assert.Equal(503, status);
        Assert.Equal("application/problem+json", headers.ContentType);
        Assert.Null(await factory.Services.GetRequiredService<IStepUpStore>().GetEnrollmentAsync(AdminCalls.Actor));
    }

    [Fact]
    public async Task The_api_enrolls_and_verifies_with_secrets_under_a_kms_data_key_in_dynamodb()
    {
        var keyId = await NewKeyAsync();
        var table = "api-stepup-" + Guid.NewGuid().ToString("N")[..12];
        await using var factory = new SecureApiFactory
        {
            ExtraConfiguration = new Dictionary<string, string?>
            {
                ["AuthorizationStore:TableName"] = table,
                ["AuthorizationStore:ServiceUrl"] = moto.Server.ServiceUrl,
                ["AuthorizationStore:Region"] = DynamoDbCompatibleServer.Region,
                ["AuthorizationStore:CreateTableIfMissing"] = "true",
                ["AuthorizationStore:TimeoutMilliseconds"] = "5000",
                ["StepUp:KmsKeyId"] = keyId,
                ["StepUp:KmsServiceUrl"] = moto.Server.ServiceUrl,
                ["StepUp:KmsRegion"] = DynamoDbCompatibleServer.Region,
            },
        };

        var (_, body, _) = await factory.SendAsync(await StepUpCalls.EnrollmentRequestAsync(factory, StepUpCalls.KeyEnrollment, CaseCredential.AdminApiKey));
        var secret = Base32Encoding.ToBytes(JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!);
        string Code() => TotpCodes.For(secret).ComputeTotp(factory.Clock.GetUtcNow().UtcDateTime);
        var (confirmed, _, _) = await factory.SendAsync(new CaseRequest("POST", "/protected/admin/mfa/enrollment/confirm", CaseCredential.AdminApiKey),
            JsonSerializer.Serialize(new { code = Code() }));
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        var (write, _, _) = await factory.SendAsync(new CaseRequest("PUT", "/protected/admin/principals/kms-user", CaseCredential.AdminApiKey,
            ExtraHeaders: [new("X-MFA-Code", Code())]), """{"roles":["user"],"permissions":[]}""");

        Assert.Equal(204, confirmed);
        Assert.Equal(201, write);
        var stored = await factory.Services.GetRequiredService<IStepUpStore>().GetEnrollmentAsync(AdminCalls.Actor);
        Assert.IsType<DynamoDbStepUpStore>(factory.Services.GetRequiredService<IStepUpStore>());
        Assert.True(stored!.EncryptedSecret.AsSpan().IndexOf(secret) < 0);
        Assert.True(stored.EncryptedSecret.Length > 3 + 12 + 16 + 20); // carries the KMS-wrapped data key
    }
}
