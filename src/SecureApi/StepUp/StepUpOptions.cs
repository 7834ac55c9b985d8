using SecureApi.AuthorizationStore;

namespace SecureApi.StepUp;

/// <summary>
/// Settings of step-up authentication (section "StepUp", env vars StepUp__…; docs/step-up.md). Secure defaults:
/// an IdP MFA counts for 10 minutes after it happened, a verified code opens a 5-minute window for the credential
/// that presented it, 5 wrong codes lock a principal out for 15 minutes. The TOTP secrets' data key comes from KMS
/// (<see cref="KmsKeyId"/>) when deployed; locally from <see cref="DevelopmentKey"/>, or — in Development/Testing
/// only — a key generated at start (enrollments then last as long as the process).
/// </summary>
public sealed class StepUpOptions
{
    public const string SectionName = "StepUp";
    public const int MaxFailedAttempts = 5;
    public static readonly TimeSpan LockoutWindow = TimeSpan.FromMinutes(15);

    /// <summary><c>amr</c> values (RFC 8176) that show the IdP did multi-factor authentication.</summary>
    public List<string> AcceptedAmrValues { get; set; } = ["mfa", "otp", "hwk"];

    /// <summary>How old the IdP's authentication (<c>auth_time</c>) may be; the RFC 9470 <c>max_age</c> of the challenge.</summary>
    public int MaxAuthAgeSeconds { get; set; } = 600;

    /// <summary>How long a verified code satisfies step-up for the credential that presented it.</summary>
    public int WindowSeconds { get; set; } = 300;

    /// <summary>The RFC 9470 <c>acr_values</c> of the challenge (space-separated), naming what the IdP should do.</summary>
    public string AcrValues { get; set; } = "mfa";

    /// <summary>The issuer label authenticator apps show next to the account.</summary>
    public string Issuer { get; set; } = "SecureApi";

    /// <summary>KMS key (id, ARN or alias) protecting the data key; set when deployed.</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>Endpoint of a KMS-compatible server (local work, tests); empty → the regional AWS endpoint.</summary>
    public string? KmsServiceUrl { get; set; }

    /// <summary>AWS region of the KMS key; empty → the SDK's region chain.</summary>
    public string? KmsRegion { get; set; }

    /// <summary>Base64 of 32 random bytes, the local data key (user secrets or an environment variable; never in a file in the repository).</summary>
    public string? DevelopmentKey { get; set; }

    /// <summary>SHA-256 (hex) of the bootstrap enrollment ticket: lets the first admin enroll once (docs/step-up.md#enrollment-tickets).</summary>
    public string? BootstrapTicketSha256 { get; set; }

    /// <summary>How long an issued enrollment ticket lasts.</summary>
    public static readonly TimeSpan TicketLifetime = TimeSpan.FromHours(24);

    public TimeSpan MaxAuthAge => TimeSpan.FromSeconds(MaxAuthAgeSeconds);
    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);

    private readonly List<string> _bindErrors = [];

    public static StepUpOptions FromConfiguration(IConfiguration section)
    {
        var o = new StepUpOptions();
        var r = new ConfigReader(section, SectionName, o._bindErrors);
        o.AcceptedAmrValues = r.List(nameof(AcceptedAmrValues)) ?? o.AcceptedAmrValues;
        o.MaxAuthAgeSeconds = r.Int(nameof(MaxAuthAgeSeconds), o.MaxAuthAgeSeconds);
        o.WindowSeconds = r.Int(nameof(WindowSeconds), o.WindowSeconds);
        o.AcrValues = r.String(nameof(AcrValues)) ?? o.AcrValues;
        o.Issuer = r.String(nameof(Issuer)) ?? o.Issuer;
        o.KmsKeyId = r.String(nameof(KmsKeyId));
        o.KmsServiceUrl = r.String(nameof(KmsServiceUrl));
        o.KmsRegion = r.String(nameof(KmsRegion));
        o.DevelopmentKey = r.String(nameof(DevelopmentKey));
        o.BootstrapTicketSha256 = r.String(nameof(BootstrapTicketSha256));
        return o;
    }

    /// <summary>Every problem, naming the setting; <paramref name="mayGenerateKey"/> is true in Development/Testing.</summary>
    public IReadOnlyList<string> Validate(bool mayGenerateKey)
    {
        var e = new List<string>(_bindErrors);
        const string p = SectionName + "__";
        if (AcceptedAmrValues.Count == 0 || AcceptedAmrValues.Any(v => v.Contains(',') || v.Any(char.IsWhiteSpace)))
            e.Add($"{p}AcceptedAmrValues must list at least one amr value (no commas or spaces).");
        if (MaxAuthAgeSeconds is < 1 or > 86_400) e.Add($"{p}MaxAuthAgeSeconds must be 1-86400.");
        if (WindowSeconds is < 1 or > 3_600) e.Add($"{p}WindowSeconds must be 1-3600.");
        if (AcrValues.Any(c => c is '"' or '\\' || char.IsControl(c))) e.Add($"{p}AcrValues must not contain quotes, backslashes or control characters.");
        if (Issuer.Contains(':') || Issuer.Any(char.IsControl)) e.Add($"{p}Issuer must not contain ':' or control characters.");
        if (KmsKeyId is not null && DevelopmentKey is not null) e.Add($"Set {p}KmsKeyId or {p}DevelopmentKey, not both.");
        if (DevelopmentKey is not null && !IsKey(DevelopmentKey)) e.Add($"{p}DevelopmentKey must be base64 of exactly 32 bytes.");
        if (KmsServiceUrl is not null && (!Uri.TryCreate(KmsServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            e.Add($"{p}KmsServiceUrl must be an absolute http(s) URL.");
        if (KmsServiceUrl is not null && KmsKeyId is null) e.Add($"{p}KmsServiceUrl is set but {p}KmsKeyId is not.");
        if (BootstrapTicketSha256 is not null && (BootstrapTicketSha256.Length != 64 || !BootstrapTicketSha256.All(char.IsAsciiHexDigit)))
            e.Add($"{p}BootstrapTicketSha256 must be the 64 hex digits of the ticket's SHA-256, never the ticket itself.");
        if (KmsKeyId is null && DevelopmentKey is null && !mayGenerateKey)
            e.Add($"{p}KmsKeyId is required (the KMS key protecting TOTP secrets); locally set {p}DevelopmentKey instead.");
        return e;
    }

    public void ThrowIfInvalid(bool mayGenerateKey)
    {
        var errors = Validate(mayGenerateKey);
        if (errors.Count > 0) throw new InvalidOperationException("Invalid step-up settings: " + string.Join(" ", errors));
    }

    private static bool IsKey(string base64)
    {
        Span<byte> buffer = stackalloc byte[48];
        return Convert.TryFromBase64String(base64, buffer, out var written) && written == 32;
    }
}
