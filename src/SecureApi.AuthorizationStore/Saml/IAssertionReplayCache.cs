using System.Security.Cryptography;
using System.Text;

namespace SecureApi.AuthorizationStore.Saml;

/// <summary>
/// One use per SAML assertion (docs/saml.md): an exchanged assertion's (Issuer, ID) is kept until the assertion's own
/// NotOnOrAfter, so presenting it again within its validity is refused on every instance. The mark is a conditional
/// write; failures throw <see cref="AuthorizationStoreUnavailableException"/> and the exchange fails closed.
/// </summary>
public interface IAssertionReplayCache
{
    /// <summary>Marks the assertion used; false when it was used already (a replay).</summary>
    Task<bool> TryUseAsync(string issuer, string assertionId, DateTimeOffset keepUntil, CancellationToken cancellationToken = default);
}

internal static class AssertionKey
{
    /// <summary>A fixed-length key for (issuer, id): IdP-chosen strings never reach a table key as they are.</summary>
    public static string Of(string issuer, string assertionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(assertionId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(issuer + "\n" + assertionId)));
    }
}

/// <summary>The replay cache next to the authorization store: the same DynamoDB table and client, or this process.</summary>
public static class AssertionReplayCacheFactory
{
    public static IAssertionReplayCache Create(AuthorizationStoreOptions options, TimeProvider time, IAuthorizationStore authorizationStore)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(authorizationStore);
        return options.UsesDynamoDb
            ? new DynamoDbAssertionReplayCache(AuthorizationStoreFactory.DynamoDbClientOf(authorizationStore), options, time)
            : new InMemoryAssertionReplayCache(time);
    }
}
