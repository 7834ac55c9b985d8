namespace SecureApi.AuthorizationStore;

/// <summary>
/// The one encoding of an id placed inside a store key (DynamoDB PK/SK, rate-limit partitions): '%' → "%25" and
/// '#' → "%23", so '#' only ever separates a key's parts and no id can reach another's item ("alice#R#GET /x" is
/// not alice's route counter). Ids without either character encode to themselves, so items written before the
/// encoding stay readable; ':' is kept ("{issuer}:{sub}" subjects). See docs/authorization-store.md#keys.
/// </summary>
public static class StoreKey
{
    public static string Encode(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.AsSpan().IndexOfAny('%', '#') < 0 ? id : id.Replace("%", "%25", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
    }
}
