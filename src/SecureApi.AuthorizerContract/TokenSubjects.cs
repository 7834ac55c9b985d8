namespace SecureApi.AuthorizerContract;

/// <summary>
/// A token subject's identity is (issuer, sub): the principal id <c>{issuerName}:{sub}</c>, split at the first ':'
/// (issuer names are a-z 0-9 - only). Key principals' ids never contain ':', so a token whose sub equals a key
/// principal's id (or another issuer's sub) shares nothing with it: not roles, MFA, step-up, lockout, counters or
/// audit actor (docs/identity-providers.md, "Identity is (issuer, sub)").
/// </summary>
public static class TokenSubjects
{
    public const char Separator = ':';

    public static string PrincipalId(string issuerName, string sub) => string.Concat(issuerName, ":", sub);

    public const int MaxIssuerNameLength = 32;

    /// <summary>An issuer's registry name: 1–32 of a-z 0-9 - (no ':', so the identity splits at its first ':').</summary>
    public static bool IsIssuerName(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > MaxIssuerNameLength) return false;
        foreach (var c in name)
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')) return false;
        return true;
    }

    /// <summary>True for an id of the token-subject form (it holds a ':'); a key principal's id never does.</summary>
    public static bool IsTokenSubject(string principalId) => principalId.Contains(Separator);
}
