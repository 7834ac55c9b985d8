using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.RateLimiting;

/// <summary>What the limiter does when its counter store cannot answer within the budget.</summary>
public enum StoreFailureMode
{
    /// <summary>Refuse the request: 503 with Retry-After (the default: a limit that holds).</summary>
    FailClosed,
    /// <summary>Serve the request uncounted and log a warning (availability over the limit).</summary>
    FailOpen,
}

/// <summary>
/// Settings of the per-principal rate limits (section "RateLimits"; env vars RateLimits__DefaultPlan__Quota…).
/// Secure defaults: limits on, the default plan below for every principal without its own and for every source
/// address on public routes, fail closed, a 500 ms bound on the counter update. See docs/rate-limits.md.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";
    public const int DefaultTimeoutMilliseconds = 500;
    public const int MaxTimeoutMilliseconds = 10_000;

    /// <summary>false: every route is served uncounted (only where another layer limits, and for the throughput benchmark).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The plan of a principal that has none of its own (per field), and of each source address on public routes.</summary>
    public RatePlan DefaultPlan { get; set; } = new(RatePerSecond: 10, Burst: 20, Quota: 10_000, Period: QuotaPeriod.Day);

    /// <summary>
    /// Lower limits for named routes in the default plan (RateLimits__DefaultPlan__Routes__0__Verb, __Path,
    /// __RatePerSecond, __Burst, __Quota); none by default. Checked at start against the API's routes.
    /// </summary>
    public IReadOnlyList<RouteLimit> DefaultRoutes { get; set; } = [];

    public StoreFailureMode OnStoreFailure { get; set; } = StoreFailureMode.FailClosed;

    /// <summary>Bound on one counter update including the SDK's retry; past it OnStoreFailure applies.</summary>
    public int TimeoutMilliseconds { get; set; } = DefaultTimeoutMilliseconds;

    public TimeSpan Timeout => TimeSpan.FromMilliseconds(TimeoutMilliseconds);

    private readonly List<string> _bindErrors = [];

    public static RateLimitOptions FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var o = new RateLimitOptions();
        var r = new ConfigReader(section, SectionName, o._bindErrors);
        o.Enabled = r.Bool(nameof(Enabled), o.Enabled);
        o.TimeoutMilliseconds = r.Int(nameof(TimeoutMilliseconds), o.TimeoutMilliseconds);
        if (r.String(nameof(OnStoreFailure)) is { } mode)
        {
            if (Enum.TryParse<StoreFailureMode>(mode, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed)) o.OnStoreFailure = parsed;
            else o._bindErrors.Add($"{SectionName}__{nameof(OnStoreFailure)} must be FailClosed or FailOpen.");
        }
        var plan = new ConfigReader(section.GetSection(nameof(DefaultPlan)), SectionName + "__" + nameof(DefaultPlan), o._bindErrors);
        var d = o.DefaultPlan;
        var period = d.Period;
        if (plan.String("QuotaPeriod") is { } p)
        {
            if (RatePlan.ParsePeriod(p) is { } parsedPeriod) period = parsedPeriod;
            else o._bindErrors.Add($"{SectionName}__{nameof(DefaultPlan)}__QuotaPeriod must be day or month.");
        }
        o.DefaultRoutes = [.. section.GetSection(nameof(DefaultPlan)).GetSection("Routes").GetChildren().Select((child, i) =>
        {
            var route = new ConfigReader(child, $"{SectionName}__{nameof(DefaultPlan)}__Routes__{i}", o._bindErrors);
            return new RouteLimit(route.String("Verb") ?? "", route.String("Path") ?? "",
                route.IntOrNull("RatePerSecond"), route.IntOrNull("Burst"), route.IntOrNull("Quota"));
        })];
        o.DefaultPlan = new RatePlan(plan.Int(nameof(RatePlan.RatePerSecond), d.RatePerSecond), plan.Int(nameof(RatePlan.Burst), d.Burst),
            plan.Int(nameof(RatePlan.Quota), (int)Math.Min(int.MaxValue, d.Quota)), period);
        return o;
    }

    /// <summary>Every problem, as messages naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>(_bindErrors);
        foreach (var (field, _) in DefaultPlan.Problems(""))
            e.Add($"{SectionName}__{nameof(DefaultPlan)}__{char.ToUpperInvariant(field[0])}{field[1..]} is invalid: " +
                  string.Join(" ", DefaultPlan.Problems("").Where(x => x.Field == field).Select(x => x.Message)));
        if (TimeoutMilliseconds is < 1 or > MaxTimeoutMilliseconds) e.Add($"{SectionName}__{nameof(TimeoutMilliseconds)} must be 1-{MaxTimeoutMilliseconds}.");
        return e;
    }

    /// <summary>
    /// The default plan's route limits against <paramref name="limited"/>, the routes of this API under rate limiting
    /// (known once the endpoints are mapped); the other settings are <see cref="Validate()"/>'s.
    /// </summary>
    public IReadOnlyList<string> ValidateRoutes(IReadOnlyList<(string Verb, string Path)> limited)
    {
        var e = new List<string>();
        var plan = DefaultPlan.Problems("").Count == 0 ? DefaultPlan : null;
        var prefix = $"{SectionName}__{nameof(DefaultPlan)}__Routes";
        RouteLimitRules.Check(DefaultRoutes, plan, limited, prefix, (i, member) => member is null ? $"{prefix}__{i}" : $"{prefix}__{i}__{char.ToUpperInvariant(member[0])}{member[1..]}",
            (_, message) => e.Add(message));
        return e;
    }

    public void ThrowIfInvalidRoutes(IReadOnlyList<(string Verb, string Path)> limited) => Throw(ValidateRoutes(limited));

    public void ThrowIfInvalid() => Throw(Validate());

    private static void Throw(IReadOnlyList<string> errors)
    {
        if (errors.Count > 0) throw new InvalidOperationException("Invalid RateLimits settings: " + string.Join(" ", errors));
    }
}
