namespace SecureApi.TokenService.Saml;

/// <summary>What an exchanged assertion contributes, read only from the signed Assertion element.</summary>
public sealed record ValidatedAssertion(
    IdentityProvider IdentityProvider,
    string Id,
    string NameId,
    DateTimeOffset NotOnOrAfter,
    string? AuthnContextClassRef,
    DateTimeOffset? AuthnInstant,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes)
{
    public IReadOnlyList<string> AttributeValues(string? name) =>
        name is not null && Attributes.TryGetValue(name, out var values) ? values : [];
}
