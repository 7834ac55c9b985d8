using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace SecureApi.Authorizers.Directory;

/// <summary>Who the directory said a credential belongs to, mapped: the principal id and its roles and permissions.</summary>
internal sealed record DirectoryIdentity(string PrincipalId, string[] Roles, string[] Permissions);

/// <summary>
/// Positive results only, for Directory__CacheSeconds, under an HMAC-SHA256 of the whole Authorization value with a
/// key made at start-up and never stored: the password is not kept, and a memory dump does not let anyone test
/// guesses against the keys offline. A failure is never cached (the next try asks the directory again, and counts).
/// </summary>
internal sealed class DirectoryResultCache(TimeProvider time, TimeSpan lifetime)
{
    private const int MaxEntries = 10_000;
    // One key per process, never stored; one HMAC context per thread reused (creating one costs about a microsecond).
    private static readonly byte[] s_key = RandomNumberGenerator.GetBytes(32);
    [ThreadStatic] private static IncrementalHash? t_hmac;
    private readonly ConcurrentDictionary<Key, Entry> _entries = new();

    private readonly record struct Key(UInt128 High, UInt128 Low);
    private sealed record Entry(DirectoryIdentity Identity, DateTimeOffset ExpiresAt);

    public bool Enabled => lifetime > TimeSpan.Zero;

    public bool TryGet(string authorization, out DirectoryIdentity identity)
    {
        identity = null!;
        if (!Enabled || !_entries.TryGetValue(KeyOf(authorization), out var entry)) return false;
        if (time.GetUtcNow() >= entry.ExpiresAt) return false;
        identity = entry.Identity;
        return true;
    }

    public void Add(string authorization, DirectoryIdentity identity)
    {
        if (!Enabled) return;
        var now = time.GetUtcNow();
        if (_entries.Count >= MaxEntries)
        {
            foreach (var (key, entry) in _entries)
                if (now >= entry.ExpiresAt) _entries.TryRemove(key, out _);
            if (_entries.Count >= MaxEntries) _entries.Clear(); // a flood of distinct valid users: start over rather than grow
        }
        _entries[KeyOf(authorization)] = new Entry(identity, now + lifetime);
    }

    private Key KeyOf(string authorization)
    {
        var max = Encoding.UTF8.GetMaxByteCount(authorization.Length);
        var buffer = max <= 1024 ? stackalloc byte[1024] : new byte[max];
        var length = Encoding.UTF8.GetBytes(authorization, buffer);
        Span<byte> mac = stackalloc byte[32];
        var hmac = t_hmac ??= IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, s_key);
        hmac.AppendData(buffer[..length]);
        hmac.GetHashAndReset(mac);
        buffer[..length].Clear();
        return new Key(System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(mac),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(mac[16..]));
    }
}
