namespace SecureApi.Authorizers;

/// <summary>
/// <c>arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}</c>, parsed strictly.
/// <see cref="StagePrefix"/> (…/{stage}/) is the only part policies are built from, so a policy can never name
/// another API or stage.
/// </summary>
internal readonly record struct MethodArn(string StagePrefix, string Verb, string Path)
{
    private const int MaxLength = 1600;

    public static bool TryParse(string? arn, out MethodArn result)
    {
        result = default;
        if (string.IsNullOrEmpty(arn) || arn.Length > MaxLength) return false;

        // arn : partition : execute-api : region : account : rest
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "execute-api") return false;
        if (!IsToken(parts[1], allowDash: true) || !IsToken(parts[3], allowDash: true)) return false;
        if (parts[4].Length != 12 || !parts[4].All(char.IsAsciiDigit)) return false;

        // rest = apiId / stage / VERB / path...
        var rest = parts[5];
        var segments = rest.Split('/', 4);
        if (segments.Length < 3) return false;
        var (apiId, stage, verb) = (segments[0], segments[1], segments[2]);
        if (!IsToken(apiId, allowDash: false) || !IsToken(stage, allowDash: true, allowUnderscore: true)) return false;
        if (verb.Length == 0 || !verb.All(char.IsAsciiLetterUpper)) return false;
        var path = "/" + (segments.Length == 4 ? segments[3] : "");
        if (path.Contains('*') || path.Contains('?')) return false;

        result = new MethodArn($"arn:{parts[1]}:execute-api:{parts[3]}:{parts[4]}:{apiId}/{stage}/", verb, path);
        return true;
    }

    public string ResourceFor(string verb, string path) => StagePrefix + verb + path;

    private static bool IsToken(string s, bool allowDash, bool allowUnderscore = false) =>
        s.Length is > 0 and <= 128 &&
        s.All(c => char.IsAsciiLetterOrDigit(c) || (allowDash && c == '-') || (allowUnderscore && c == '_'));
}
