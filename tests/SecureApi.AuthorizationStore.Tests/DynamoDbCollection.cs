using SecureApi.Testing;

namespace SecureApi.AuthorizationStore.Tests;

/// <summary>The DynamoDB test classes of this assembly share one moto server (tables of their own).</summary>
[CollectionDefinition(Name)]
public sealed class DynamoDbCollection : ICollectionFixture<DynamoDbServerFixture>
{
    public const string Name = "DynamoDB-compatible server";
}
