namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>
/// A registry name the TOKEN authorizer trusts from its own settings that the API's configuration does not list — the
/// local stage's in-process token service ("saml") is one. Registered as a service, it counts as configured for
/// RegisteredIssuers, so the API keeps accepting that issuer's Allows.
/// </summary>
public sealed record TrustedIssuerName(string Name);
