namespace SecureApi.Authorizers;

/// <summary>
/// <c>arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}</c>, parsed strictly.
/// <see cref="StagePrefix"/> (…/{stage}/, a prefix of the methodArn itself) is the only part policies are built
/// from, so a policy can never name another API or stage.
/// </summary>
internal readonly record struct MethodArn(string Arn, int StagePrefixLength, int VerbLength)
{
    private const int MaxLength = 1600;

    public ReadOnlySpan<char> StagePrefix => Arn.AsSpan(0, StagePrefixLength);
    public ReadOnlySpan<char> Verb => Arn.AsSpan(StagePrefixLength, VerbLength);
    /// <summary>The route path with its leading '/' ("/" for the root).</summary>
    public ReadOnlySpan<char> Path => StagePrefixLength + VerbLength == Arn.Length ? "/" : Arn.AsSpan(StagePrefixLength + VerbLength);

    public static bool TryParse(string? arn, out MethodArn result)
    {
        result = default;
        if (string.IsNullOrEmpty(arn) || arn.Length > MaxLength || !arn.StartsWith("arn:", StringComparison.Ordinal)) return false;
        var s = arn.AsSpan();
        var i = 4;
        if (!Token(s, ref i, ':', dash: true, underscore: false)) return false;           // partition
        if (!s[i..].StartsWith("execute-api:", StringComparison.Ordinal)) return false;
        i += "execute-api:".Length;
        if (!Token(s, ref i, ':', dash: true, underscore: false)) return false;           // region
        var accountStart = i;
        if (!Token(s, ref i, ':', dash: false, underscore: false)) return false;          // account
        if (i - accountStart - 1 != 12 || s.Slice(accountStart, 12).ContainsAnyExceptInRange('0', '9')) return false;
        if (!Token(s, ref i, '/', dash: false, underscore: false)) return false;          // apiId
        if (!Token(s, ref i, '/', dash: true, underscore: true)) return false;            // stage
        var prefixLength = i;
        var verbStart = i;
        while (i < s.Length && char.IsAsciiLetterUpper(s[i])) i++;
        var verbLength = i - verbStart;
        if (verbLength == 0 || (i < s.Length && s[i] != '/')) return false;
        if (s[i..].ContainsAny('*', '?')) return false;
        result = new MethodArn(arn, prefixLength, verbLength);
        return true;
    }

    /// <summary>Reads [A-Za-z0-9] (plus '-'/'_' when allowed), 1–128 chars, then the terminator; advances past it.</summary>
    private static bool Token(ReadOnlySpan<char> s, ref int i, char terminator, bool dash, bool underscore)
    {
        var start = i;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || (dash && s[i] == '-') || (underscore && s[i] == '_'))) i++;
        var length = i - start;
        if (length is 0 or > 128 || i >= s.Length || s[i] != terminator) return false;
        i++;
        return true;
    }
}
