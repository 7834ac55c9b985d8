using SecureApi.AuthorizationStore.StepUp;
using SecureApi.Testing;
using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests.StepUp;

/// <summary>
/// What every <see cref="IStepUpStore"/> must do (docs/step-up.md): enrollment lifecycle with audit, replay refused
/// by the last accepted time step, failures counted in a window that ends, windows per credential that expire.
/// </summary>
public abstract class StepUpStoreContract
{
    protected const string Admin = "admin-user";
    protected static readonly byte[] Encrypted = [1, 2, 3, 4, 5];
    protected ManualClock Clock { get; } = new(Start);

    /// <summary>A fresh step-up store and the authorization store whose audit trail it writes to.</summary>
    protected abstract Task<(IStepUpStore StepUp, IAuthorizationStore Audit)> CreateStoresAsync(TimeProvider clock);

    private async Task<IReadOnlyList<AuditRecord>> AuditAsync(IAuthorizationStore store) =>
        await store.ListAuditRecordsAsync(DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime), 100);

    [Fact]
    public async Task A_started_enrollment_is_pending_and_holds_the_encrypted_bytes_as_given()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var alice = Id("alice");

        Assert.Equal(StartEnrollmentOutcome.Started, await store.StartEnrollmentAsync(alice, Encrypted, alice));
        var enrollment = await store.GetEnrollmentAsync(alice);

        Assert.Equal(MfaEnrollmentStatus.Pending, enrollment?.Status);
        Assert.Equal(Encrypted, enrollment?.EncryptedSecret);
        Assert.Equal(Start, enrollment?.CreatedAt);
        Assert.Null(enrollment?.ConfirmedAt);
    }

    [Fact]
    public async Task A_pending_enrollment_is_replaced_but_a_confirmed_one_is_not()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var alice = Id("alice");
        await store.StartEnrollmentAsync(alice, Encrypted, alice);
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(StartEnrollmentOutcome.Started, await store.StartEnrollmentAsync(alice, [9, 9], alice));
        var replaced = await store.GetEnrollmentAsync(alice);
        Assert.True(await store.ConfirmEnrollmentAsync(alice, replaced!.CreatedAt, alice));
        Assert.Equal(StartEnrollmentOutcome.Confirmed, await store.StartEnrollmentAsync(alice, Encrypted, alice));

        var kept = await store.GetEnrollmentAsync(alice);
        Assert.Equal(MfaEnrollmentStatus.Confirmed, kept?.Status);
        Assert.Equal([9, 9], kept?.EncryptedSecret);
        Assert.Equal(Start.AddSeconds(1), kept?.ConfirmedAt);
    }

    [Fact]
    public async Task Confirming_needs_the_same_pending_enrollment()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var alice = Id("alice");

        Assert.False(await store.ConfirmEnrollmentAsync(alice, Start, alice));
        await store.StartEnrollmentAsync(alice, Encrypted, alice);
        Assert.False(await store.ConfirmEnrollmentAsync(alice, Start.AddSeconds(-1), alice));
        Assert.True(await store.ConfirmEnrollmentAsync(alice, Start, alice));
        Assert.False(await store.ConfirmEnrollmentAsync(alice, Start, alice));
    }

    [Fact]
    public async Task Deleting_removes_the_enrollment_and_reports_whether_there_was_one()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var alice = Id("alice");
        await store.StartEnrollmentAsync(alice, Encrypted, alice);

        Assert.True(await store.DeleteEnrollmentAsync(alice, Admin));
        Assert.Null(await store.GetEnrollmentAsync(alice));
        Assert.False(await store.DeleteEnrollmentAsync(alice, Admin));
    }

    [Fact]
    public async Task Enrollment_changes_are_audited_with_actor_and_status_but_no_secret()
    {
        var (store, audit) = await CreateStoresAsync(Clock);
        var alice = Id("alice");
        await store.StartEnrollmentAsync(alice, Encrypted, alice);
        await store.ConfirmEnrollmentAsync(alice, Start, alice);
        await store.DeleteEnrollmentAsync(alice, Admin);

        var records = (await AuditAsync(audit)).Where(r => r.Subject == "principal:" + alice).ToList();

        Assert.Equal(
            [(AuditActions.MfaEnrollmentStarted, alice, "status=pending"), (AuditActions.MfaEnrollmentConfirmed, alice, "status=confirmed"), (AuditActions.MfaEnrollmentDeleted, Admin, "was=confirmed")],
            records.OrderBy(r => r.Action == AuditActions.MfaEnrollmentStarted ? 0 : r.Action == AuditActions.MfaEnrollmentConfirmed ? 1 : 2)
                .Select(r => (r.Action, r.Actor, r.Detail)).ToArray());
    }

    [Fact]
    public async Task A_time_step_is_accepted_once_and_never_an_earlier_one_after_it()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var alice = Id("alice");

        Assert.True(await store.TryAcceptTimeStepAsync(alice, 100));
        Assert.False(await store.TryAcceptTimeStepAsync(alice, 100));
        Assert.False(await store.TryAcceptTimeStepAsync(alice, 99));
        Assert.True(await store.TryAcceptTimeStepAsync(alice, 101));
        Assert.True(await store.TryAcceptTimeStepAsync(Id("bob"), 100));
    }

    [Fact]
    public async Task Concurrent_acceptances_of_one_time_step_let_exactly_one_through()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var alice = Id("alice");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.TryAcceptTimeStepAsync(alice, 500)));

        Assert.Single(results, accepted => accepted);
    }

    [Fact]
    public async Task Attempts_are_counted_in_a_window_that_ends_and_then_start_over()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var alice = Id("alice");
        var window = TimeSpan.FromMinutes(15);

        Assert.Null(await store.GetFailedAttemptsAsync(alice));
        for (var i = 0; i < 4; i++) await store.TryReserveAttemptAsync(alice, 5, window);
        Clock.Advance(TimeSpan.FromMinutes(10));
        var fifth = await store.TryReserveAttemptAsync(alice, 5, window);

        Assert.Equal(new AttemptReservation(true, new FailedAttempts(5, Start + window)), fifth);
        Assert.Equal(fifth.Attempts, await store.GetFailedAttemptsAsync(alice));
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await store.GetFailedAttemptsAsync(alice));
        Assert.Equal(new AttemptReservation(true, new FailedAttempts(1, Clock.GetUtcNow() + window)), await store.TryReserveAttemptAsync(alice, 5, window));
    }

    [Fact]
    public async Task A_full_window_reserves_nothing_and_says_when_it_ends()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var alice = Id("alice");
        for (var i = 0; i < 5; i++) await store.TryReserveAttemptAsync(alice, 5, TimeSpan.FromMinutes(15));
        Clock.Advance(TimeSpan.FromMinutes(1));

        var refused = await store.TryReserveAttemptAsync(alice, 5, TimeSpan.FromMinutes(15));

        Assert.Equal(new AttemptReservation(false, new FailedAttempts(5, Start.AddMinutes(15))), refused);
        Assert.Equal(5, (await store.GetFailedAttemptsAsync(alice))?.Count);
    }

    [Fact]
    public async Task Of_twenty_concurrent_attempts_at_most_five_are_reserved()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var alice = Id("alice");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => store.TryReserveAttemptAsync(alice, 5, TimeSpan.FromMinutes(15))));

        Assert.Equal(5, results.Count(r => r.Reserved));
        Assert.Equal(5, (await store.GetFailedAttemptsAsync(alice))?.Count);
    }

    [Fact]
    public async Task A_released_reservation_is_given_back_only_in_its_own_window()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var alice = Id("alice");
        var window = TimeSpan.FromMinutes(15);
        await store.TryReserveAttemptAsync(alice, 5, window);
        var second = await store.TryReserveAttemptAsync(alice, 5, window);

        await store.ReleaseAttemptAsync(alice, second);
        var afterRelease = await store.GetFailedAttemptsAsync(alice);
        Clock.Advance(window);
        var inNewWindow = await store.TryReserveAttemptAsync(alice, 5, window);
        await store.ReleaseAttemptAsync(alice, second);

        Assert.Equal(1, afterRelease?.Count);
        Assert.Equal(1, (await store.GetFailedAttemptsAsync(alice))?.Count);
        Assert.Equal(1, inNewWindow.Attempts.Count);
    }

    [Fact]
    public async Task A_window_belongs_to_one_credential_and_closes_at_its_end()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var alice = Id("alice");
        await store.OpenWindowAsync("key:k1", alice, Start.AddMinutes(5));

        Assert.Equal(new StepUpWindow("key:k1", alice, Start.AddMinutes(5)), await store.GetWindowAsync("key:k1"));
        Assert.Null(await store.GetWindowAsync("key:k2"));
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await store.GetWindowAsync("key:k1"));
    }

    [Fact]
    public async Task Deleting_an_enrollment_closes_every_window_of_that_principal_and_no_other()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var (alice, bob) = (Id("alice"), Id("bob"));
        await store.StartEnrollmentAsync(alice, Encrypted, alice);
        await store.OpenWindowAsync("key:a1", alice, Start.AddMinutes(5));
        await store.OpenWindowAsync("token:a2", alice, Start.AddMinutes(5));
        await store.OpenWindowAsync("key:b1", bob, Start.AddMinutes(5));

        await store.DeleteEnrollmentAsync(alice, Admin);
        await store.OpenWindowAsync("key:a3", alice, Start.AddMinutes(5));

        Assert.Null(await store.GetWindowAsync("key:a1"));
        Assert.Null(await store.GetWindowAsync("token:a2"));
        Assert.NotNull(await store.GetWindowAsync("key:b1"));
        Assert.NotNull(await store.GetWindowAsync("key:a3")); // opened after the reset
    }

    [Fact]
    public async Task A_ticket_permits_one_enrollment_of_its_own_principal_before_it_expires()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var (alice, bob) = (Id("alice"), Id("bob"));
        var ticket = new EnrollmentPermit(EnrollmentPermitKind.Ticket, Sha256("ticket-1"));
        await store.IssueTicketAsync(alice, ticket.Sha256!, Start.AddHours(24), Admin);
        await store.IssueTicketAsync(bob, Sha256("ticket-2"), Start.AddMinutes(1), Admin);

        var wrongPrincipal = await store.StartEnrollmentAsync(bob, Encrypted, bob, ticket);
        var first = await store.StartEnrollmentAsync(alice, Encrypted, alice, ticket);
        var again = await store.StartEnrollmentAsync(alice, Encrypted, alice, ticket);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var expired = await store.StartEnrollmentAsync(bob, Encrypted, bob, new EnrollmentPermit(EnrollmentPermitKind.Ticket, Sha256("ticket-2")));

        Assert.Equal((StartEnrollmentOutcome.TicketRefused, StartEnrollmentOutcome.Started), (wrongPrincipal, first));
        Assert.Equal((StartEnrollmentOutcome.TicketRefused, StartEnrollmentOutcome.TicketRefused), (again, expired));
        Assert.Null(await store.GetEnrollmentAsync(bob));
    }

    [Fact]
    public async Task The_bootstrap_ticket_permits_one_enrollment_in_the_whole_store()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var bootstrap = new EnrollmentPermit(EnrollmentPermitKind.Bootstrap, Sha256(Id("bootstrap")));

        var first = await store.StartEnrollmentAsync(Id("admin"), Encrypted, "admin", bootstrap);
        var second = await store.StartEnrollmentAsync(Id("other"), Encrypted, "other", bootstrap);

        Assert.Equal((StartEnrollmentOutcome.Started, StartEnrollmentOutcome.TicketRefused), (first, second));
    }

    [Fact]
    public async Task Ids_the_store_cannot_hold_are_refused_before_anything_is_sent()
    {
        var (store, _) = await CreateStoresAsync(Clock);

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetEnrollmentAsync(" padded"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.StartEnrollmentAsync("alice", [], "alice"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetWindowAsync(new string('k', 161)));
    }
}

public sealed class InMemoryStepUpStoreTests : StepUpStoreContract
{
    protected override Task<(IStepUpStore StepUp, IAuthorizationStore Audit)> CreateStoresAsync(TimeProvider clock)
    {
        var audit = new InMemoryAuthorizationStore(clock);
        return Task.FromResult<(IStepUpStore, IAuthorizationStore)>((new InMemoryStepUpStore(clock, audit), audit));
    }
}

/// <summary>The contract against moto on loopback, plus the TTL attribute on short-lived items.</summary>
[Trait("Category", "Integration")] // starts a process or a moto server
[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbStepUpStoreTests(DynamoDbServerFixture dynamo) : StepUpStoreContract
{
    protected override async Task<(IStepUpStore StepUp, IAuthorizationStore Audit)> CreateStoresAsync(TimeProvider clock)
    {
        var audit = await dynamo.NewStoreAsync(clock);
        var options = dynamo.Options(audit.TableName);
        return (new DynamoDbStepUpStore(dynamo.Client(options), options, clock), audit);
    }

    [Fact]
    public async Task Windows_and_failure_counters_carry_the_ttl_attribute_and_the_secret_is_stored_as_given()
    {
        var (store, audit) = await CreateStoresAsync(Clock);
        await store.OpenWindowAsync("key:k1", "alice", Start.AddMinutes(5));
        await store.TryReserveAttemptAsync("alice", 5, TimeSpan.FromMinutes(15));
        await store.StartEnrollmentAsync("alice", Encrypted, "alice");

        using var client = dynamo.Client(dynamo.Options(((DynamoDb.DynamoDbAuthorizationStore)audit).TableName));
        var table = ((DynamoDb.DynamoDbAuthorizationStore)audit).TableName;
        async Task<Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>> Item(string pk, string sk) =>
            (await client.GetItemAsync(new Amazon.DynamoDBv2.Model.GetItemRequest { TableName = table, Key = DynamoDb.ItemMapper.Key(pk, sk) })).Item;

        Assert.Equal(Start.AddMinutes(5).ToUnixTimeSeconds().ToString(), (await Item("STEPUP#key:k1", "WINDOW"))["ttl"].N);
        Assert.Equal(Start.AddMinutes(15).ToUnixTimeSeconds().ToString(), (await Item("PRINCIPAL#alice", "MFA-FAILURES"))["ttl"].N);
        Assert.Equal(Encrypted, (await Item("PRINCIPAL#alice", "MFA-ENROLLMENT"))["secret"].B.ToArray());
    }
}
