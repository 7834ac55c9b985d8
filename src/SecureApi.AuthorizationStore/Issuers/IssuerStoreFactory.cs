namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>The issuer registry next to the authorization store: the same table and client (DynamoDB) or the same process (in-memory).</summary>
public static class IssuerStoreFactory
{
    /// <param name="options">The settings <paramref name="authorizationStore"/> was built from (AuthorizationStoreFactory checked them).</param>
    /// <param name="authorizationStore">The process's authorization store: its DynamoDB client is shared; an in-memory one receives the audit records.</param>
    public static IIssuerStore Create(AuthorizationStoreOptions options, TimeProvider time, IAuthorizationStore authorizationStore) =>
        AuthorizationStoreFactory.Beside<IIssuerStore>(options, time, authorizationStore,
            client => new DynamoDbIssuerStore(client, options, time), audit => new InMemoryIssuerStore(time, audit));
}
