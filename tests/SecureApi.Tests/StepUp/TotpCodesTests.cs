using System.Text;
using OtpNet;
using SecureApi.StepUp;

namespace SecureApi.Tests.StepUp;

/// <summary>RFC 6238 through Otp.NET as we configure it (6 digits, 30 s, SHA-1), and the ±1 step skew.</summary>
public sealed class TotpCodesTests
{
    // RFC 6238 Appendix B, SHA-1 rows: the 20-byte ASCII seed, T0 = 0, X = 30, 8 digits.
    private static readonly byte[] RfcSeed = Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void The_library_reproduces_the_rfc_6238_sha1_vectors_and_our_six_digit_codes_are_their_last_six(long unixSeconds, string rfcCode)
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

        Assert.Equal(rfcCode, new Totp(RfcSeed, 30, OtpHashMode.Sha1, 8).ComputeTotp(at.UtcDateTime));
        Assert.Equal(rfcCode[2..], TotpCodes.For(RfcSeed).ComputeTotp(at.UtcDateTime));
        Assert.Equal(unixSeconds / 30, TotpCodes.MatchedStep(RfcSeed, rfcCode[2..], at));
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(1, true)]
    [InlineData(-2, false)]
    [InlineData(2, false)]
    public void A_code_one_step_off_is_accepted_and_two_steps_off_refused(int stepsOff, bool accepted)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_900_000_015);
        var code = TotpCodes.For(RfcSeed).ComputeTotp(now.AddSeconds(30 * stepsOff).UtcDateTime);

        Assert.Equal(accepted, TotpCodes.MatchedStep(RfcSeed, code, now) is not null);
    }

    [Fact]
    public void The_otpauth_uri_names_issuer_account_and_the_parameters_apps_need()
    {
        var uri = new Uri(TotpCodes.OtpAuthUri(RfcSeed, "SecureApi", "alice"));

        Assert.Equal("otpauth", uri.Scheme);
        Assert.Equal("totp", uri.Host);
        Assert.Contains("secret=" + Base32Encoding.ToString(RfcSeed), uri.Query);
        Assert.Contains("issuer=SecureApi", uri.Query);
        Assert.Contains("digits=6", uri.Query);
        Assert.Contains("period=30", uri.Query);
    }
}
