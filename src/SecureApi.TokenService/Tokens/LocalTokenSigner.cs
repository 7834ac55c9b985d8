using System.Security.Cryptography;

namespace SecureApi.TokenService.Tokens;

/// <summary>`dotnet run` and tests: an RSA-2048 key generated when the process starts, never written anywhere.</summary>
public sealed class LocalTokenSigner : ITokenSigner, IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly SigningKey _key;

    public LocalTokenSigner() => _key = SigningKey.From(_rsa.ExportParameters(includePrivateParameters: false));

    public Task<byte[]> SignAsync(byte[] signingInput, CancellationToken cancellationToken) =>
        Task.FromResult(_rsa.SignData(signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public Task<SigningKey> PublicKeyAsync(CancellationToken cancellationToken) => Task.FromResult(_key);

    public void Dispose() => _rsa.Dispose();
}
