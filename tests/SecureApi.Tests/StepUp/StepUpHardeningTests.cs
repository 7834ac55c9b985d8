using SecureApi.Testing;
using static SecureApi.Tests.StepUp.StepUpCalls;

namespace SecureApi.Tests.StepUp;

/// <summary>
/// Step-up under a determined attacker (issue 19): the lockout holds against parallel guesses, enrollment needs more
/// than one stolen credential, windows close on a reset. The same tests on the in-memory store and on moto.
/// </summary>
public abstract class StepUpHardeningContract
{
    /// <summary>A fresh host (its own store or table).</summary>
    protected abstract SecureApiFactory NewFactory();

    [Fact]
    public async Task Twenty_parallel_wrong_codes_get_at_most_five_401s_the_rest_429_and_then_a_right_code_429_until_the_lock_ends()
    {
        await using var factory = NewFactory();
        var secret = await EnrollAndConfirmAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);
        var wrong = WrongCode(factory, secret);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Verify(factory, CaseCredential.AdminApiKey, wrong)));
        var (right, _, _) = await Verify(factory, CaseCredential.AdminApiKey, Code(factory, secret));
        factory.Clock.Advance(TimeSpan.FromMinutes(15));
        var (afterLock, _, _) = await Verify(factory, CaseCredential.AdminApiKey, Code(factory, secret));

        Assert.InRange(answers.Count(a => a.Status == 401), 1, 5);
        Assert.Equal(20, answers.Count(a => a.Status is 401 or 429));
        Assert.All(answers.Where(a => a.Status == 429), a => Assert.Equal("900", a.Headers.RetryAfter.ToString()));
        Assert.Equal(429, right);
        Assert.Equal(204, afterLock);
    }

    [Fact]
    public async Task A_right_code_gives_its_attempt_back_so_a_user_who_types_well_is_never_locked_out()
    {
        await using var factory = NewFactory();
        var secret = await EnrollAndConfirmAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);

        var statuses = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((await Verify(factory, CaseCredential.AdminApiKey, Code(factory, secret))).Status);
            factory.Clock.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.All(statuses, s => Assert.Equal(204, s));
    }
}

public sealed class StepUpHardeningInMemoryTests : StepUpHardeningContract
{
    protected override SecureApiFactory NewFactory() => new();
}

[Trait("Category", "Integration")] // starts a process or a moto server
public sealed class StepUpHardeningDynamoDbTests(DynamoDbServerFixture dynamo) : StepUpHardeningContract, IClassFixture<DynamoDbServerFixture>
{
    protected override SecureApiFactory NewFactory() => dynamo.NewFactory();
}
