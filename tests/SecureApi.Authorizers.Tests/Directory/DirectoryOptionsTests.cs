using Microsoft.Extensions.Configuration;
using SecureApi.Authorizers.Directory;

namespace SecureApi.Authorizers.Tests.Directory;

public sealed class DirectoryOptionsTests
{
    private static DirectoryOptions Read(params (string Key, string Value)[] settings) => DirectoryOptions.FromConfiguration(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("Directory:" + s.Key, (string?)s.Value))).Build()
            .GetSection(DirectoryOptions.SectionName));

    private static readonly (string, string) Ldaps = ("Url", "ldaps://dc1.corp.example.com:636");
    private static readonly (string, string) Template = ("BindDnTemplate", "uid={0},ou=people,dc=example,dc=org");

    [Fact]
    public void Without_a_url_the_directory_is_off_and_valid()
    {
        var options = Read();
        Assert.False(options.Enabled);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Defaults_are_memberOf_a_2_second_timeout_and_a_60_second_cache()
    {
        var options = Read(Ldaps, Template);
        Assert.Empty(options.Validate());
        Assert.Equal(("memberOf", 2000, 60), (options.GroupAttribute, options.TimeoutMilliseconds, options.CacheSeconds));
    }

    [Theory]
    [InlineData("ldap://dc1.corp.example.com", null, "sends passwords in clear")]
    [InlineData("ldaps://dc1.corp.example.com", "true", "StartTls applies to ldap:// only")]
    [InlineData("https://dc1.corp.example.com", null, "Directory__Url must be")]
    [InlineData("ldaps://user:pw@dc1.corp.example.com", null, "Directory__Url must be")]
    public void A_url_that_would_send_passwords_unprotected_or_is_not_ldap_is_refused(string url, string? startTls, string message)
    {
        var settings = new List<(string, string)> { ("Url", url), Template };
        if (startTls is not null) settings.Add(("StartTls", startTls));
        Assert.Contains(Read([.. settings]).Validate(), e => e.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ldap://127.0.0.1:3389", null)]
    [InlineData("ldap://[::1]:3389", null)]
    [InlineData("ldap://dc1.corp.example.com", "true")]
    public void Plain_ldap_is_accepted_to_loopback_or_with_StartTls(string url, string? startTls)
    {
        var settings = new List<(string, string)> { ("Url", url), Template };
        if (startTls is not null) settings.Add(("StartTls", startTls));
        Assert.Empty(Read([.. settings]).Validate());
    }

    [Fact]
    public void Search_then_bind_needs_the_service_password_search_base_and_filter_and_excludes_a_template()
    {
        var errors = Read(Ldaps, Template, ("ServiceBindDn", "cn=svc,dc=corp")).Validate();
        Assert.Contains(errors, e => e.Contains("not both", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Directory__ServicePassword is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Directory__UserFilter is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("uid=alice,ou=people")]
    [InlineData("uid={0},cn={0}")]
    [InlineData("uid={1},ou=people")]
    public void A_bind_template_must_hold_the_user_name_placeholder_exactly_once(string template) =>
        Assert.Contains(Read(Ldaps, ("BindDnTemplate", template)).Validate(), e => e.Contains("exactly once", StringComparison.Ordinal));

    [Fact]
    public void A_UPN_template_needs_a_search_to_read_the_users_groups()
    {
        Assert.Contains(Read(Ldaps, ("BindDnTemplate", "{0}@corp.example.com")).Validate(), e => e.Contains("UPN", StringComparison.Ordinal));
        Assert.Empty(Read(Ldaps, ("BindDnTemplate", "{0}@corp.example.com"), ("UserSearchBase", "dc=corp,dc=example,dc=com"),
            ("UserFilter", "(userPrincipalName={0}@corp.example.com)")).Validate());
    }

    [Theory]
    [InlineData("TimeoutMilliseconds", "50", "TimeoutMilliseconds must be 100-30000")]
    [InlineData("CacheSeconds", "301", "CacheSeconds must be 0-300")]
    [InlineData("CacheSeconds", "soon", "must be a non-negative whole number")]
    [InlineData("TrustedCaCertificates", "not a certificate", "PEM certificates")]
    [InlineData("GroupRoleMap", "{not json", "Directory__GroupRoleMap is not a JSON object")]
    [InlineData("UserFilter", "sAMAccountName={0}", "parenthesized")]
    public void A_bad_setting_is_named_in_its_message(string key, string value, string message) =>
        Assert.Contains(Read(Ldaps, Template, (key, value)).Validate(), e => e.Contains(message, StringComparison.Ordinal));

    [Fact]
    public void Group_maps_read_children_or_one_JSON_object()
    {
        Assert.Equal("admin", Read(Ldaps, Template, ("GroupRoleMap:Admins", "admin")).GroupRoleMap["admins"]);
        Assert.Equal("read,write", Read(Ldaps, Template, ("GroupPermissionMap", "{\"cn=Staff,dc=corp\":\"read,write\"}")).GroupPermissionMap["CN=staff,dc=corp"]);
    }

    [Fact]
    public void Bad_settings_fail_start_up_with_every_problem_and_never_the_service_password()
    {
        var e = Assert.Throws<AuthorizerConfigurationException>(() => DirectoryAuthenticator.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Directory:Url"] = "ldap://dc1.corp.example.com",
                ["Directory:ServiceBindDn"] = "cn=svc,dc=corp",
                ["Directory:ServicePassword"] = "hunter2-service",
            }).Build(), () => throw new InvalidOperationException("no counters needed"), TimeProvider.System));
        Assert.True(e.Errors.Count >= 2);
        Assert.DoesNotContain("hunter2-service", e.Message, StringComparison.Ordinal);
    }
}
