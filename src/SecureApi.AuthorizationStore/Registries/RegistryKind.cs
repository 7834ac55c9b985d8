using System.Globalization;
using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;

namespace SecureApi.AuthorizationStore.Registries;

/// <summary>An entry of a run-time registry: found by its name.</summary>
public interface IRegistryEntry
{
    string Name { get; }
}

/// <summary>A stored registry entry with its first and last write times.</summary>
public interface IRegistryRecord<out TEntry> where TEntry : IRegistryEntry
{
    TEntry Entry { get; }
    DateTimeOffset CreatedAt { get; }
    DateTimeOffset UpdatedAt { get; }
}

/// <summary>
/// What sets one run-time registry apart from another (the issuers', the SAML IdPs'): its partition, its entries'
/// attributes and audit actions. The rest — the name rule, the item's frame, the audit records' shape, the optimistic
/// writes (<see cref="DynamoDbRegistry{TEntry,TRecord}"/>, <see cref="InMemoryRegistry{TEntry,TRecord}"/>) — is
/// shared: every registry lives in one partition of the authorization table (one Query lists it, and IAM can limit a
/// reader to it with dynamodb:LeadingKeys) and writes each change with its audit record.
/// </summary>
internal abstract class RegistryKind<TEntry, TRecord>
    where TEntry : IRegistryEntry where TRecord : class, IRegistryRecord<TEntry>
{
    /// <summary>The partition key of every entry, e.g. "ISSUERS".</summary>
    public abstract string Partition { get; }

    /// <summary>The item type, the audit subject's prefix ("issuer" → "issuer:{name}") and the operations' noun.</summary>
    public abstract string Noun { get; }

    public abstract string OperationNoun { get; }
    public abstract (string Created, string Updated, string Deleted) Actions { get; }

    /// <summary>The sort key of an entry: its prefix and the encoded name.</summary>
    public abstract string SortKey(string name);

    /// <summary>A private copy: the caller's lists must not change the stored entry afterwards.</summary>
    protected abstract TEntry Copy(TEntry entry);

    public abstract TRecord Record(TEntry entry, DateTimeOffset createdAt, DateTimeOffset updatedAt);

    /// <summary>The audit detail of one side of a change: what the entry trusts, without key material.</summary>
    protected abstract string State(TEntry entry);

    /// <summary>The entry's own attributes (camelCase setting names; absent = not set).</summary>
    protected abstract void WriteAttributes(TEntry entry, Dictionary<string, AttributeValue> item);

    protected abstract TEntry ReadEntry(string name, Dictionary<string, AttributeValue> item);

    /// <summary>The store-side input rule: a name every registry shares (it prefixes token subjects: name:sub).</summary>
    public static string Name(string? name) =>
        name is not null && TokenSubjects.IsIssuerName(name) ? name
        : throw new ArgumentException($"name must be 1–{TokenSubjects.MaxIssuerNameLength} characters of a-z, 0-9 and -.", nameof(name));

    public TEntry Checked(TEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Name(entry.Name);
        return Copy(entry);
    }

    public AuditRecord Put(TRecord? before, TRecord after, AuditActor actor) =>
        AuditEntries.New(after.UpdatedAt, actor, before is null ? Actions.Created : Actions.Updated, Subject(after),
            $"before: {(before is null ? "none" : State(before.Entry))} after: {State(after.Entry)}", null);

    public AuditRecord Deleted(TRecord before, DateTimeOffset at, AuditActor actor) =>
        AuditEntries.New(at, actor, Actions.Deleted, Subject(before), $"before: {State(before.Entry)}", null);

    private string Subject(TRecord record) => Noun + ":" + record.Entry.Name;

    public Dictionary<string, AttributeValue> Key(string name) => ItemMapper.Key(Partition, SortKey(name));

    public Dictionary<string, AttributeValue> Item(TRecord record)
    {
        var item = Key(record.Entry.Name);
        item["type"] = ItemMapper.S(Noun);
        item["name"] = ItemMapper.S(record.Entry.Name);
        WriteAttributes(record.Entry, item);
        item["createdAt"] = ItemMapper.Time(record.CreatedAt);
        item["updatedAt"] = ItemMapper.Time(record.UpdatedAt);
        return item;
    }

    public TRecord FromItem(Dictionary<string, AttributeValue> item) =>
        Record(ReadEntry(Str(item, "name") ?? throw new InvalidDataException($"Stored {Noun} has no name."), item),
            Time(item, "createdAt"), Time(item, "updatedAt"));

    // Attribute helpers for the kinds' mappings.
    protected static void Opt(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null) item[name] = ItemMapper.S(value);
    }

    protected static AttributeValue List(IReadOnlyList<string> values) => new() { L = [.. values.Select(ItemMapper.S)] };

    protected static string? Str(Dictionary<string, AttributeValue> item, string name) => item.TryGetValue(name, out var v) ? v.S : null;

    protected static string[]? Strings(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.L is not null ? [.. v.L.Where(x => x.S is not null).Select(x => x.S)] : null;

    private DateTimeOffset Time(Dictionary<string, AttributeValue> item, string name) =>
        DateTimeOffset.Parse(Str(item, name) ?? throw new InvalidDataException($"Stored {Noun} lacks '{name}'."),
            CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
