namespace SecureApi.Lambda.AspNetCoreServer.Internal;

/// <summary>HttpContext.Items for an invocation: a missing key reads as null instead of throwing, as in ACS.</summary>
internal sealed class ItemsDictionary : Dictionary<object, object?>, IDictionary<object, object?>
{
    public ItemsDictionary() : base(4) { }

    object? IDictionary<object, object?>.this[object key]
    {
        get => TryGetValue(key, out var value) ? value : null;
        set => this[key] = value;
    }
}
