using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;

namespace SecureApi.StepUp;

/// <summary>
/// Encrypts TOTP secrets for the store: AES-256-GCM under a data key, the principal id as associated data (an
/// encrypted secret copied to another principal does not decrypt). Envelope: version (2) | wrapped-key length (2,
/// big-endian) | the data key as KMS encrypted it (empty for a local key) | nonce (12) | tag (16) | ciphertext.
/// Carrying the wrapped key lets any instance decrypt what another encrypted, after any number of cold starts.
/// Version 2: the data key belongs to one principal (KMS encryption context {"principal": id}, so KMS itself
/// refuses to unwrap it for another); version 1 envelopes (one data key per process) still decrypt.
/// </summary>
public sealed class SecretProtector(IDataKeySource keys)
{
    private const byte Version = 2;
    private const byte SharedKeyVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public async Task<byte[]> ProtectAsync(byte[] secret, string principalId, CancellationToken ct)
    {
        var key = await keys.CurrentAsync(principalId, ct).ConfigureAwait(false);
        var aad = Encoding.UTF8.GetBytes(principalId);
        var envelope = new byte[1 + 2 + key.Wrapped.Length + NonceSize + TagSize + secret.Length];
        envelope[0] = Version;
        BinaryPrimitives.WriteUInt16BigEndian(envelope.AsSpan(1), checked((ushort)key.Wrapped.Length));
        key.Wrapped.CopyTo(envelope.AsSpan(3));
        var offset = 3 + key.Wrapped.Length;
        var nonce = envelope.AsSpan(offset, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Plain, TagSize);
        aes.Encrypt(nonce, secret, envelope.AsSpan(offset + NonceSize + TagSize), envelope.AsSpan(offset + NonceSize, TagSize), aad);
        return envelope;
    }

    /// <summary>The plain secret; <see cref="CryptographicException"/> when the envelope was not made for this principal with a key we hold.</summary>
    public async Task<byte[]> UnprotectAsync(byte[] envelope, string principalId, CancellationToken ct)
    {
        if (envelope.Length < 3 + NonceSize + TagSize || envelope[0] is not (Version or SharedKeyVersion)) throw new CryptographicException("Unknown secret envelope.");
        var wrappedLength = BinaryPrimitives.ReadUInt16BigEndian(envelope.AsSpan(1));
        var offset = 3 + wrappedLength;
        if (envelope.Length < offset + NonceSize + TagSize) throw new CryptographicException("Truncated secret envelope.");
        var key = await keys.UnwrapAsync(envelope.AsMemory(3, wrappedLength), envelope[0] == Version ? principalId : null, ct).ConfigureAwait(false);
        var cipherLength = envelope.Length - offset - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(envelope.AsSpan(offset, NonceSize), envelope.AsSpan(offset + NonceSize + TagSize), envelope.AsSpan(offset + NonceSize, TagSize), plain,
            Encoding.UTF8.GetBytes(principalId));
        return plain;
    }
}

/// <summary>A data key: the plain AES key and the same key as KMS encrypted it (empty for a local key).</summary>
public sealed record DataKey(byte[] Plain, byte[] Wrapped);

/// <summary>Where data keys come from: KMS when deployed, configuration or a generated key locally.</summary>
public interface IDataKeySource
{
    /// <summary>The key to encrypt <paramref name="principalId"/>'s new secrets with (KMS: generated for that principal).</summary>
    Task<DataKey> CurrentAsync(string principalId, CancellationToken ct);

    /// <summary>The plain key of a stored envelope's wrapped key; <paramref name="principalId"/> null for a version 1 (shared) key.</summary>
    Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrapped, string? principalId, CancellationToken ct);
}

/// <summary>One local key (from StepUp:DevelopmentKey, or generated at start in Development/Testing).</summary>
public sealed class LocalDataKeySource(byte[] key) : IDataKeySource
{
    private readonly DataKey _key = new(key, []);

    public Task<DataKey> CurrentAsync(string principalId, CancellationToken ct) => Task.FromResult(_key);

    public Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrapped, string? principalId, CancellationToken ct) =>
        wrapped.Length == 0 ? Task.FromResult(_key.Plain) : throw new CryptographicException("The secret was encrypted under a KMS data key; this instance has only a local key.");
}

/// <summary>
/// Data keys from KMS, each generated for one principal with the encryption context {"principal": id} (docs/iam.md:
/// the key policy lets the API use the key only with that context): one GenerateDataKey (AES-256) per principal
/// and process for new secrets; Decrypt of a stored wrapped key once, then from memory. The plain keys live only in this process's memory. The client can be built on first
/// use (<see cref="KmsDataKeySource(Func{IAmazonKeyManagementService}, string)"/>): a failure to build it fails
/// that call closed like an unreachable KMS.
/// </summary>
public sealed class KmsDataKeySource(Lazy<IAmazonKeyManagementService> client, string keyId) : IDataKeySource
{
    public KmsDataKeySource(IAmazonKeyManagementService kms, string keyId) : this(new Lazy<IAmazonKeyManagementService>(kms), keyId) { }

    public KmsDataKeySource(Func<IAmazonKeyManagementService> createClient, string keyId)
        : this(new Lazy<IAmazonKeyManagementService>(createClient, LazyThreadSafetyMode.ExecutionAndPublication), keyId) { }

    private readonly SemaphoreSlim _gate = new(1, 1);
    public const string ContextKey = "principal";
    private const int MaxCachedKeys = 10_000;
    private readonly ConcurrentDictionary<string, byte[]> _unwrapped = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DataKey> _current = new(StringComparer.Ordinal);

    public async Task<DataKey> CurrentAsync(string principalId, CancellationToken ct)
    {
        if (_current.TryGetValue(principalId, out var current)) return current;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_current.TryGetValue(principalId, out var raced)) return raced;
            var generated = await Kms("GenerateDataKey", () => client.Value.GenerateDataKeyAsync(new Amazon.KeyManagementService.Model.GenerateDataKeyRequest
            {
                KeyId = keyId,
                KeySpec = Amazon.KeyManagementService.DataKeySpec.AES_256,
                EncryptionContext = new Dictionary<string, string> { [ContextKey] = principalId },
            }, ct)).ConfigureAwait(false);
            var key = new DataKey(generated.Plaintext.ToArray(), generated.CiphertextBlob.ToArray());
            if (_current.Count >= MaxCachedKeys) _current.Clear();
            if (_unwrapped.Count >= MaxCachedKeys) _unwrapped.Clear();
            _unwrapped[CacheId(key.Wrapped, principalId)] = key.Plain;
            return _current[principalId] = key;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrapped, string? principalId, CancellationToken ct)
    {
        if (wrapped.Length == 0) throw new CryptographicException("The secret was encrypted under a local key; this instance uses KMS.");
        var id = CacheId(wrapped.Span, principalId);
        if (_unwrapped.TryGetValue(id, out var known)) return known;
        var decrypted = await Kms("Decrypt", () => client.Value.DecryptAsync(new Amazon.KeyManagementService.Model.DecryptRequest
        {
            KeyId = keyId,
            CiphertextBlob = new MemoryStream(wrapped.ToArray(), writable: false),
            EncryptionContext = principalId is null ? null : new Dictionary<string, string> { [ContextKey] = principalId },
        }, ct)).ConfigureAwait(false);
        var plain = decrypted.Plaintext.ToArray();
        if (plain.Length != 32) throw new CryptographicException("KMS returned a data key of the wrong size.");
        if (_unwrapped.Count >= MaxCachedKeys) _unwrapped.Clear();
        return _unwrapped[id] = plain;
    }

    /// <summary>A cached plain key is found only with the context it was unwrapped for.</summary>
    private static string CacheId(ReadOnlySpan<byte> wrapped, string? principalId) => (principalId ?? "") + "\n" + Convert.ToBase64String(wrapped);

    /// <summary>KMS unreachable or refusing: the same fail-closed answer as a store outage (503), with the error code only.</summary>
    private static async Task<T> Kms<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Amazon.Runtime.AmazonServiceException e)
        {
            throw new SecureApi.AuthorizationStore.AuthorizationStoreUnavailableException($"KMS refused {operation} ({e.ErrorCode ?? e.GetType().Name}).", e);
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonClientException or HttpRequestException or IOException)
        {
            throw new SecureApi.AuthorizationStore.AuthorizationStoreUnavailableException($"KMS could not be reached for {operation} ({e.GetType().Name}).", e);
        }
    }
}
