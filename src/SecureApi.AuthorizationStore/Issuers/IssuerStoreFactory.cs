namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>The issuer registry next to the authorization store: the same table and client (DynamoDB) or the same process (in-memory).</summary>
public static class IssuerStoreFactory
{
    /// <param name="options">The settings <paramref name="authorizationStore"/> was built from (AuthorizationStoreFactory checked them).</param>
    /// <param name="authorizationStore">The process's authorization store: its DynamoDB client is shared; an in-memory one receives the audit records.</param>
    public static IIssuerStore Create(AuthorizationStoreOptions options, TimeProvider time, IAuthorizationStore authorizationStore)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(authorizationStore);
        if (options.UsesDynamoDb) return new DynamoDbIssuerStore(AuthorizationStoreFactory.DynamoDbClientOf(authorizationStore), options, time);
        return new InMemoryIssuerStore(time, CachingAuthorizationStore.Uncached(authorizationStore) as InMemoryAuthorizationStore);
    }
}
