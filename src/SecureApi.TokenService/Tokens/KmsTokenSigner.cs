using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using SecureApi.AuthorizationStore;

namespace SecureApi.TokenService.Tokens;

/// <summary>
/// Deployed: the private key never leaves KMS (an RSA_2048 SIGN_VERIFY key the template creates; only this function's
/// role may kms:Sign). KMS hashes a RAW message of up to 4 KB itself; a longer signing input (many permissions) is
/// hashed here and sent as a DIGEST (moto, the tests' KMS, implements RAW only). The public key is read once (GetPublicKey) and kept. KMS unreachable or refusing →
/// <see cref="AuthorizationStoreUnavailableException"/> (503), never a token signed some other way.
/// </summary>
public sealed class KmsTokenSigner(IAmazonKeyManagementService kms, string keyId) : ITokenSigner
{
    private const int MaxRawMessageBytes = 4096;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SigningKey? _key;

    public async Task<byte[]> SignAsync(byte[] signingInput, CancellationToken cancellationToken)
    {
        var raw = signingInput.Length <= MaxRawMessageBytes;
        var response = await Kms("Sign", () => kms.SignAsync(new SignRequest
        {
            KeyId = keyId,
            Message = new MemoryStream(raw ? signingInput : SHA256.HashData(signingInput), writable: false),
            MessageType = raw ? MessageType.RAW : MessageType.DIGEST,
            SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256,
        }, cancellationToken)).ConfigureAwait(false);
        return response.Signature.ToArray();
    }

    public async Task<SigningKey> PublicKeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } known) return known;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_key is { } raced) return raced;
            var response = await Kms("GetPublicKey", () => kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = keyId }, cancellationToken)).ConfigureAwait(false);
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(response.PublicKey.ToArray(), out _);
            return _key = SigningKey.From(rsa.ExportParameters(includePrivateParameters: false));
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<T> Kms<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Amazon.Runtime.AmazonServiceException e)
        {
            throw new AuthorizationStoreUnavailableException($"KMS refused {operation} ({e.ErrorCode ?? e.GetType().Name}).", e);
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonClientException or HttpRequestException or IOException or CryptographicException)
        {
            throw new AuthorizationStoreUnavailableException($"KMS could not be used for {operation} ({e.GetType().Name}).", e);
        }
    }
}
