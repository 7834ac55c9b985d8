using Microsoft.Extensions.Configuration;
using SecureApi.AuthorizationStore.DynamoDb;
using SecureApi.Testing;

namespace SecureApi.AuthorizationStore.Tests;

public sealed class AuthorizationStoreOptionsTests
{
    private static AuthorizationStoreOptions Read(params (string Key, string Value)[] settings)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("AuthorizationStore:" + s.Key, s.Value)))
            .Build();
        return AuthorizationStoreOptions.FromConfiguration(config.GetSection(AuthorizationStoreOptions.SectionName));
    }

    [Fact]
    public void Without_settings_the_in_memory_store_is_used_with_a_ten_second_cache()
    {
        var o = Read();

        Assert.Empty(o.Validate());
        Assert.False(o.UsesDynamoDb);
        Assert.Equal(10, o.CacheSeconds);
        Assert.Equal(1000, o.TimeoutMilliseconds);
        var store = AuthorizationStoreFactory.Create(o, TimeProvider.System);
        Assert.IsType<InMemoryAuthorizationStore>(Assert.IsType<CachingAuthorizationStore>(store).Inner);
    }

    [Fact]
    public void Every_setting_is_read_from_the_section()
    {
        var o = Read(("TableName", "secureapi-authz"), ("ServiceUrl", "http://127.0.0.1:8000"), ("Region", "eu-west-1"),
            ("CreateTableIfMissing", "true"), ("CacheSeconds", "0"), ("TimeoutMilliseconds", "250"));

        Assert.Empty(o.Validate());
        Assert.Equal(("secureapi-authz", "http://127.0.0.1:8000", "eu-west-1", true, 0, 250),
            (o.TableName, o.ServiceUrl, o.Region, o.CreateTableIfMissing, o.CacheSeconds, o.TimeoutMilliseconds));
        using var store = Assert.IsType<DynamoDbAuthorizationStore>(AuthorizationStoreFactory.Create(o, TimeProvider.System));
        Assert.Equal("secureapi-authz", store.TableName);
    }

    [Fact]
    public void Invalid_settings_are_all_reported_by_name()
    {
        var errors = Read(("ServiceUrl", "localhost:8000"), ("CreateTableIfMissing", "yes"), ("CacheSeconds", "61"),
            ("TimeoutMilliseconds", "soon")).Validate();

        Assert.Contains(errors, e => e.StartsWith("AuthorizationStore__ServiceUrl must be", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("AuthorizationStore__ServiceUrl is set but", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("AuthorizationStore__CreateTableIfMissing must be true or false", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("AuthorizationStore__CacheSeconds must be 0-60", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("AuthorizationStore__TimeoutMilliseconds must be a non-negative", StringComparison.Ordinal));
        Assert.Equal(5, errors.Count);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("has space")]
    public void A_bad_table_name_is_refused_and_the_factory_will_not_build(string table)
    {
        var o = Read(("TableName", table));

        Assert.Single(o.Validate());
        Assert.Throws<AuthorizationStoreConfigurationException>(() => AuthorizationStoreFactory.Create(o, TimeProvider.System));
    }

    [Fact]
    public void Creating_a_table_without_a_table_name_is_refused()
    {
        Assert.Equal(["AuthorizationStore__CreateTableIfMissing needs AuthorizationStore__TableName."],
            Read(("CreateTableIfMissing", "true")).Validate());
    }
}
