using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests.Directory;

/// <summary>One slapd for the directory tests of this assembly: alice (admins, readers), bob (readers), carol (no group).</summary>
public sealed class SlapdFixture : IAsyncLifetime
{
    public const string AlicePassword = "alice-password";
    public const string BobPassword = "bob-password";
    public const string CarolPassword = "carol-password";

    private SlapdServer? _server;
    public SlapdServer Server => _server ?? throw new InvalidOperationException("slapd not started.");

    public static string UserDn(string uid) => $"uid={uid},{SlapdServer.PeopleDn}";

    public async Task InitializeAsync() => _server = await SlapdServer.StartAsync(Seed);

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }

    private static string Person(string uid, string password) => $"""
        dn: uid={uid},{SlapdServer.PeopleDn}
        objectClass: inetOrgPerson
        uid: {uid}
        cn: {uid}
        sn: {uid}
        userPassword: {password}


        """;

    private static string Group(string cn, params string[] members) => $"""
        dn: cn={cn},{SlapdServer.GroupsDn}
        objectClass: groupOfNames
        cn: {cn}
        {string.Join("\n", members.Select(m => "member: " + UserDn(m)))}


        """;

    private static readonly string Seed =
        Person("alice", AlicePassword) + Person("bob", BobPassword) + Person("carol", CarolPassword)
        + Group("admins", "alice") + Group("readers", "alice", "bob");
}
