using OtpNet;

namespace SecureApi.StepUp;

/// <summary>
/// RFC 6238 TOTP as authenticator apps expect it — 6 digits, 30-second steps, HMAC-SHA-1 — through Otp.NET, with
/// one step of clock skew either way. The matched time step is returned so the store can refuse its reuse.
/// </summary>
public static class TotpCodes
{
    public const int Digits = 6;
    public const int StepSeconds = 30;
    public const int SecretBytes = 20; // 160 bits, RFC 4226's recommended length for HMAC-SHA-1
    private static readonly VerificationWindow Skew = new(previous: 1, future: 1);

    public static byte[] NewSecret() => KeyGeneration.GenerateRandomKey(SecretBytes);

    public static string Base32(byte[] secret) => Base32Encoding.ToString(secret);

    public static Totp For(byte[] secret) => new(secret, StepSeconds, OtpHashMode.Sha1, Digits);

    /// <summary>The time step the code matches at <paramref name="now"/> (±1 step), or null.</summary>
    public static long? MatchedStep(byte[] secret, string code, DateTimeOffset now) =>
        For(secret).VerifyTotp(now.UtcDateTime, code, out var step, Skew) ? step : null;

    /// <summary>Exactly 6 ASCII digits.</summary>
    public static bool IsWellFormed(string? code) => code is { Length: Digits } && code.All(char.IsAsciiDigit);

    /// <summary>The key URI format authenticator apps read (label "issuer:account", algorithm, digits and period explicit).</summary>
    public static string OtpAuthUri(byte[] secret, string issuer, string account) =>
        new OtpUri(OtpType.Totp, secret, account, issuer, OtpHashMode.Sha1, Digits, StepSeconds).ToString();
}
