using Microsoft.Extensions.Configuration;

namespace SecureApi.AuthorizationStore;

/// <summary>
/// Settings of the authorization store, the same for the API and both authorizers (section "AuthorizationStore";
/// env vars AuthorizationStore__TableName…). No table name → the embedded in-memory store. Region and credentials
/// come from the usual AWS chain unless <see cref="Region"/> is set.
/// </summary>
public sealed class AuthorizationStoreOptions
{
    public const string SectionName = "AuthorizationStore";
    public const int DefaultCacheSeconds = 10;
    /// <summary>Upper bound of <see cref="CacheSeconds"/>: a revoked key or disabled principal must not live longer.</summary>
    public const int MaxCacheSeconds = 60;
    public const int DefaultTimeoutMilliseconds = 1000;
    public const int MaxTimeoutMilliseconds = 30_000;

    /// <summary>DynamoDB table; set → DynamoDB, empty → in-memory.</summary>
    public string? TableName { get; set; }

    /// <summary>Endpoint of a DynamoDB-compatible server (local work, tests); empty → the regional AWS endpoint.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>AWS region, e.g. eu-west-1; empty → the SDK's region chain (AWS_REGION on Lambda).</summary>
    public string? Region { get; set; }

    /// <summary>Create the table (on-demand, TTL on) at start when it does not exist; for local work only.</summary>
    public bool CreateTableIfMissing { get; set; }

    /// <summary>How long a lookup result (found or not) is reused in process; 0 disables the cache.</summary>
    public int CacheSeconds { get; set; } = DefaultCacheSeconds;

    /// <summary>Budget of one store call including retries; past it the call fails closed.</summary>
    public int TimeoutMilliseconds { get; set; } = DefaultTimeoutMilliseconds;

    public bool UsesDynamoDb => !string.IsNullOrWhiteSpace(TableName);
    public TimeSpan CacheDuration => TimeSpan.FromSeconds(CacheSeconds);
    public TimeSpan Timeout => TimeSpan.FromMilliseconds(TimeoutMilliseconds);

    private readonly List<string> _bindErrors = [];

    /// <summary>Reads the "AuthorizationStore" section (pass the section itself). Call <see cref="Validate"/> next.</summary>
    public static AuthorizationStoreOptions FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var o = new AuthorizationStoreOptions();
        var r = new ConfigReader(section, SectionName, o._bindErrors);
        o.TableName = r.String(nameof(TableName));
        o.ServiceUrl = r.String(nameof(ServiceUrl));
        o.Region = r.String(nameof(Region));
        o.CreateTableIfMissing = r.Bool(nameof(CreateTableIfMissing), o.CreateTableIfMissing);
        o.CacheSeconds = r.Int(nameof(CacheSeconds), o.CacheSeconds);
        o.TimeoutMilliseconds = r.Int(nameof(TimeoutMilliseconds), o.TimeoutMilliseconds);
        return o;
    }

    /// <summary>Every problem with these settings, as messages naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>(_bindErrors);
        const string p = SectionName + "__";
        if (UsesDynamoDb && !IsValidTableName(TableName!))
            e.Add($"{p}TableName must be 3-255 characters of letters, digits, '_', '-' and '.'.");
        if (ServiceUrl is not null &&
            (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
            e.Add($"{p}ServiceUrl must be an absolute http(s) URL such as http://127.0.0.1:8000.");
        if (ServiceUrl is not null && !UsesDynamoDb) e.Add($"{p}ServiceUrl is set but {p}TableName is not.");
        if (CreateTableIfMissing && !UsesDynamoDb) e.Add($"{p}CreateTableIfMissing needs {p}TableName.");
        if (CacheSeconds is < 0 or > MaxCacheSeconds) e.Add($"{p}CacheSeconds must be 0-{MaxCacheSeconds}.");
        if (TimeoutMilliseconds is < 1 or > MaxTimeoutMilliseconds) e.Add($"{p}TimeoutMilliseconds must be 1-{MaxTimeoutMilliseconds}.");
        return e;
    }

    /// <summary>Throws <see cref="AuthorizationStoreConfigurationException"/> listing every problem.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new AuthorizationStoreConfigurationException(errors);
    }

    private static bool IsValidTableName(string name) =>
        name.Length is >= 3 and <= 255 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
}
