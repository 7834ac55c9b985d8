using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace SecureApi.AuthorizationStore.DynamoDb;

/// <summary>The low-level client the store uses, configured from <see cref="AuthorizationStoreOptions"/>.</summary>
public static class DynamoDbClientFactory
{
    /// <summary>Region used to sign requests to a ServiceUrl when no region is configured (local servers ignore it).</summary>
    public const string LocalSigningRegion = "us-east-1";

    /// <param name="credentials">Null → the SDK's default credential chain (the Lambda role in AWS).</param>
    public static AmazonDynamoDBClient Create(AuthorizationStoreOptions options, AWSCredentials? credentials = null)
    {
        var config = CreateConfig(options);
        return credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
    }

    /// <summary>The client configuration (endpoint, region, per-attempt timeout, one retry) for callers that build the client themselves.</summary>
    public static AmazonDynamoDBConfig CreateConfig(AuthorizationStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonDynamoDBConfig
        {
            // One attempt's HTTP timeout stays inside the overall budget; a retry only when it still fits.
            Timeout = options.Timeout,
            MaxErrorRetry = 1,
        };
        if (options.ServiceUrl is not null)
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region ?? LocalSigningRegion;
        }
        else if (options.Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        return config;
    }
}
