namespace SecureApi.TokenService.Tokens;

/// <summary>
/// The amr values (RFC 8176) an AuthnContextClassRef stands for, so an IdP's multi-factor login can satisfy step-up
/// (StepUp__AcceptedAmrValues: mfa, otp, hwk). An unknown class gives no amr: nothing is claimed that was not said.
/// </summary>
public static class AuthnContextAmr
{
    private static readonly Dictionary<string, string[]> Known = new(StringComparer.Ordinal)
    {
        ["urn:oasis:names:tc:SAML:2.0:ac:classes:Password"] = ["pwd"],
        ["urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"] = ["pwd"],
        ["urn:oasis:names:tc:SAML:2.0:ac:classes:X509"] = ["swk"],
        ["urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard"] = ["sc"],
        ["urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI"] = ["sc", "hwk", "mfa"],
        ["urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken"] = ["otp", "mfa"],
        ["urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"] = ["mfa"],
        ["urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered"] = ["mfa"],
        ["http://schemas.microsoft.com/claims/multipleauthn"] = ["mfa"],                           // AD FS, Entra ID
        ["https://refeds.org/profile/mfa"] = ["mfa"],                                               // REFEDS MFA profile
    };

    public static IReadOnlyList<string> For(string? classRef) =>
        classRef is not null && Known.TryGetValue(classRef, out var amr) ? amr : [];
}
