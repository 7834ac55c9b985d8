using System.Net;
using Amazon.Runtime;
using SecureApi.AuthorizationStore.DynamoDb;
using SecureApi.Testing;

namespace SecureApi.AuthorizationStore.Tests;

public sealed class StoreMetricsTests
{
    [Fact]
    public async Task A_store_call_that_answers_is_counted_ok_and_timed_by_operation()
    {
        using var recorded = new RecordedMeasurements();
        var operation = "TestRead" + Guid.NewGuid().ToString("N");

        await new BoundedCall(TimeSpan.FromSeconds(30)).RunAsync(operation, _ => Task.FromResult(1), CancellationToken.None);

        var call = Assert.Single(recorded.Of("secureapi.store.calls"), m => m.Tags["operation"] == operation);
        Assert.Equal("ok", call.Tags["result"]);
        Assert.Single(recorded.Of("secureapi.store.call.duration"), m => m.Tags["operation"] == operation);
        Assert.DoesNotContain(recorded.Of("secureapi.store.failures"), m => m.Tags["operation"] == operation);
    }

    [Fact]
    public async Task A_refused_store_call_is_counted_as_a_failure_of_its_operation_and_still_fails_closed()
    {
        using var recorded = new RecordedMeasurements();
        var operation = "TestWrite" + Guid.NewGuid().ToString("N");

        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => new BoundedCall(TimeSpan.FromSeconds(30)).RunAsync<int>(operation,
            _ => throw new AmazonServiceException("throttled") { StatusCode = HttpStatusCode.BadRequest, ErrorCode = "ThrottlingException" }, CancellationToken.None));

        Assert.Equal("failed", Assert.Single(recorded.Of("secureapi.store.calls"), m => m.Tags["operation"] == operation).Tags["result"]);
        Assert.Equal(1, Assert.Single(recorded.Of("secureapi.store.failures"), m => m.Tags["operation"] == operation).Value);
    }
}
