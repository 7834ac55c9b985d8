using Amazon.Runtime;
using SecureApi.AuthorizationStore;
using SecureApi.StepUp;

namespace SecureApi.Tests.StepUp;

/// <summary>The KMS client is built off the start path, by the first call that needs a data key.</summary>
public sealed class KmsDataKeySourceTests
{
    private const string KeyId = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000";

    [Fact]
    public async Task The_kms_client_is_built_by_the_first_data_key_call_and_a_client_that_cannot_be_built_fails_each_call_closed()
    {
        var builds = 0;
        var source = new KmsDataKeySource(() =>
        {
            builds++;
            throw new AmazonClientException("No endpoint could be resolved.");
        }, KeyId);
        var buildsAtStart = builds;

        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => source.CurrentAsync("alice", default));
        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => source.UnwrapAsync(new byte[] { 1, 2, 3 }, "alice", default));

        Assert.Equal(0, buildsAtStart);
        Assert.Equal(1, builds);
    }
}
