using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.LocalGateway;

public enum PolicyDecision { Allow, ExplicitDeny, ImplicitDeny }

/// <summary>
/// Evaluates an authorizer's IAM policy against one methodArn the way API Gateway does: a statement applies when
/// its Action covers <c>execute-api:Invoke</c> and its Resource matches (or its NotResource does not); any
/// applicable Deny wins; otherwise any applicable Allow allows; otherwise it is an implicit deny.
/// Wildcards: <c>*</c> matches any run of characters (slashes included), <c>?</c> exactly one.
/// </summary>
public static class IamPolicyEvaluator
{
    private const string InvokeAction = "execute-api:Invoke";

    public static PolicyDecision Evaluate(APIGatewayCustomAuthorizerPolicy? policy, string methodArn)
    {
        if (policy?.Statement is not { } statements) return PolicyDecision.ImplicitDeny;

        var allowed = false;
        foreach (var statement in statements)
        {
            if (statement is null || !Applies(statement, methodArn)) continue;
            if (string.Equals(statement.Effect, "Deny", StringComparison.OrdinalIgnoreCase)) return PolicyDecision.ExplicitDeny;
            if (string.Equals(statement.Effect, "Allow", StringComparison.OrdinalIgnoreCase)) allowed = true;
        }
        return allowed ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny;
    }

    private static bool Applies(APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement statement, string methodArn)
    {
        // IAM action names are case-insensitive; resource ARNs are case-sensitive.
        if (!AnyMatch(statement.Action, InvokeAction, ignoreCase: true)) return false;
        if (statement.Resource is { Count: > 0 } resources) return AnyMatch(resources, methodArn, ignoreCase: false);
        if (statement.NotResource is { Count: > 0 } excluded) return !AnyMatch(excluded, methodArn, ignoreCase: false);
        return false;
    }

    private static bool AnyMatch(HashSet<string>? patterns, string value, bool ignoreCase)
    {
        if (patterns is null) return false;
        foreach (var pattern in patterns)
        {
            if (WildcardMatch(pattern, value, ignoreCase)) return true;
        }
        return false;
    }

    /// <summary>IAM glob matching with <c>*</c> and <c>?</c> (linear, backtracking only to the last star).</summary>
    public static bool WildcardMatch(string? pattern, string value, bool ignoreCase = false)
    {
        if (pattern is null) return false;
        // A cached TOKEN policy has a statement per route of the table, each re-checked on every request: the literal
        // part (the action; the ARN up to its first wildcard) is compared in one go, the glob walk only covers the rest.
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var literal = pattern.AsSpan().IndexOfAny('*', '?');
        if (literal < 0) return string.Equals(pattern, value, comparison);
        if (!value.AsSpan().StartsWith(pattern.AsSpan(0, literal), comparison)) return false;
        int p = literal, v = literal, star = -1, starValue = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || CharEquals(pattern[p], value[v], ignoreCase)))
            {
                p++; v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++; starValue = v;
            }
            else if (star >= 0)
            {
                p = star + 1; v = ++starValue;
            }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    private static bool CharEquals(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
