using System.Globalization;

namespace SecureApi.AuthorizationStore.DynamoDb;

/// <summary>
/// The single-table key design (docs/authorization-store.md). Every item is found by its full key (GetItem) or by
/// one partition (Query); no access pattern needs a Scan or an index. Each prefix names its item type, and every id
/// inside a key is <see cref="StoreKey.Encode">encoded</see>, so an id containing '#' cannot reach another item.
/// </summary>
internal static class TableKeys
{
    public const string PartitionKey = "PK";
    public const string SortKey = "SK";
    /// <summary>Epoch seconds after which DynamoDB TTL may delete the item (credentials with an expiry only).</summary>
    public const string TimeToLive = "ttl";

    public const string PrincipalProfileSortKey = "PROFILE";
    public const string CredentialSortKey = "CREDENTIAL";
    public const string CredentialListPrefix = "CREDENTIAL#";
    public const string RouteRulesKey = "ROUTE-POLICY";

    // Step-up (docs/step-up.md): the enrollment, last accepted time step and failure counter live in the principal's
    // partition; a credential's step-up window in its own (the credential id is "key:…" or "token:<sha256>").
    public const string MfaEnrollmentSortKey = "MFA-ENROLLMENT";
    public const string MfaLastStepSortKey = "MFA-LAST-STEP";
    public const string MfaFailuresSortKey = "MFA-FAILURES";
    /// <summary>The principal's reset generation: a window opened under an earlier one is closed.</summary>
    public const string MfaResetSortKey = "MFA-RESET";
    /// <summary>The principal's unspent enrollment ticket (SHA-256 only, expiresAt, ttl).</summary>
    public const string MfaTicketSortKey = "MFA-TICKET";
    /// <summary>A spent bootstrap ticket (StepUp:BootstrapTicketSha256): one enrollment per hash, store-wide.</summary>
    public static string BootstrapTicket(string sha256) => "MFA-BOOTSTRAP#" + sha256;
    public const string BootstrapTicketSortKey = "SPENT";
    public const string StepUpWindowSortKey = "WINDOW";
    public static string StepUpWindow(string credentialId) => "STEPUP#" + StoreKey.Encode(credentialId);

    // SAML bearer grant (docs/saml.md): one item per exchanged assertion, keyed by a hash of (Issuer, ID), until its NotOnOrAfter.
    public const string SamlAssertionSortKey = "USED";
    public static string SamlAssertion(string sha256) => "SAML-ASSERTION#" + sha256;

    /// <summary>The run-time issuer registry: one partition (one Query lists it; the TOKEN authorizer's role reads only it).</summary>
    public const string IssuersKey = "ISSUERS";
    public static string Issuer(string name) => "ISSUER#" + StoreKey.Encode(name);

    /// <summary>The run-time SAML IdP registry: one partition (the token service's role may Query only it).</summary>
    public const string SamlIdpsKey = "SAML-IDPS";
    public static string SamlIdp(string name) => "SAML-IDP#" + StoreKey.Encode(name);

    public static string Principal(string principalId) => "PRINCIPAL#" + StoreKey.Encode(principalId);
    public static string CredentialByKeyId(string keyId) => "CREDENTIAL#" + StoreKey.Encode(keyId);
    public static string CredentialByHash(string sha256) => "CREDHASH#" + sha256;
    public static string CredentialInPrincipal(string keyId) => CredentialListPrefix + StoreKey.Encode(keyId);
    /// <summary>The audit partitions all begin with "AUDIT" (the API role's IAM policy refuses updates and deletes there).</summary>
    public const string AuditPrefix = "AUDIT";
    /// <summary>The audit records concerning one principal, newest first by sort key.</summary>
    public static string AuditOfPrincipal(string principalId) => "AUDIT-PRINCIPAL#" + StoreKey.Encode(principalId);
    public static string AuditDay(DateOnly dayUtc) => "AUDIT#" + dayUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    /// <summary>Rate-limit counters of one partition (a principal or a source address), one item per quota period.</summary>
    /// <remarks>The partition is built by RateLimitPartitions, which encodes the ids in it.</remarks>
    public static string RateCounter(string partition) => "RATE#" + partition;
    public static string RateCounterPeriod(string periodId) => "QUOTA#" + periodId;
    /// <summary>Fixed-width UTC time first, so sort order is time order; the id keeps same-tick records apart.</summary>
    public static string AuditEntry(DateTimeOffset at, string id) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + "#" + StoreKey.Encode(id);
}
