using System.Collections.Concurrent;

namespace SecureApi.LocalGateway.DeveloperConsole;

/// <summary>One request through the stage, as recorded: references to what the stage already had, nothing formatted.</summary>
public sealed record RecordedRequest(
    long Sequence, DateTimeOffset At, string Method, string Path, int Status, GatewayOutcome Outcome,
    string? RateLimit, string? RateLimitPolicy, string? Challenge);

/// <summary>
/// The developer console's memory (docs/local-stage.md#the-developer-console): the last <see cref="Capacity"/>
/// requests through the stage in a ring (one array slot per request, overwritten in turn, so recording costs an
/// allocation and an interlocked increment), and per principal the requests the stage let through in each hour of
/// the current UTC day (the principal page's chart). The /protected throughput benchmark runs through this.
/// </summary>
public sealed class DecisionRecorder(TimeProvider time)
{
    public const int Capacity = 200;
    private const int MaxPrincipals = 1_000;

    private readonly RecordedRequest?[] _ring = new RecordedRequest?[Capacity];
    private readonly ConcurrentDictionary<string, HourlyCounts> _hourly = new(StringComparer.Ordinal);
    private long _sequence;

    public void Record(string method, string path, int status, GatewayOutcome outcome,
        string? rateLimit, string? rateLimitPolicy, string? challenge)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var now = time.GetUtcNow();
        Volatile.Write(ref _ring[sequence % Capacity],
            new RecordedRequest(sequence, now, method, path, status, outcome, rateLimit, rateLimitPolicy, challenge));
        if (outcome.IsAllowed && outcome.Policy?.PrincipalID is { Length: > 0 } principalId)
        {
            // A crude bound, as the authorizer cache has: a flood of principals must not grow memory without limit.
            if (_hourly.Count >= MaxPrincipals && !_hourly.ContainsKey(principalId)) _hourly.Clear();
            _hourly.GetOrAdd(principalId, static _ => new HourlyCounts()).Add(now);
        }
    }

    /// <summary>The recorded requests after <paramref name="after"/>, oldest first (at most <see cref="Capacity"/>).</summary>
    public IReadOnlyList<RecordedRequest> Since(long after)
    {
        var result = new List<RecordedRequest>(Capacity);
        for (var i = 0; i < _ring.Length; i++)
        {
            var recorded = Volatile.Read(ref _ring[i]);
            if (recorded is not null && recorded.Sequence > after) result.Add(recorded);
        }
        result.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return result;
    }

    public long LastSequence => Interlocked.Read(ref _sequence);

    /// <summary>Requests let through for the principal in each UTC hour of today (24 counts; zeros when none).</summary>
    public long[] HoursToday(string principalId) =>
        _hourly.TryGetValue(principalId, out var counts) ? counts.Today(time.GetUtcNow()) : new long[24];

    private sealed class HourlyCounts
    {
        private readonly long[] _hours = new long[24];
        private long _day;

        public void Add(DateTimeOffset now)
        {
            var day = now.UtcDateTime.Date.Ticks;
            if (Interlocked.Exchange(ref _day, day) != day) Array.Clear(_hours); // a new day starts from zero
            Interlocked.Increment(ref _hours[now.UtcDateTime.Hour]);
        }

        public long[] Today(DateTimeOffset now)
        {
            if (Interlocked.Read(ref _day) != now.UtcDateTime.Date.Ticks) return new long[24];
            var copy = new long[24];
            for (var h = 0; h < 24; h++) copy[h] = Interlocked.Read(ref _hours[h]);
            return copy;
        }
    }
}
