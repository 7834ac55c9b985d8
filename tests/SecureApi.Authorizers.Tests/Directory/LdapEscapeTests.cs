using SecureApi.Authorizers.Directory;

namespace SecureApi.Authorizers.Tests.Directory;

public sealed class LdapEscapeTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("a,b", "a\\,b")]
    [InlineData("a+b", "a\\+b")]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("<a>", "\\<a\\>")]
    [InlineData("a;b", "a\\;b")]
    [InlineData("a=b", "a\\=b")]
    [InlineData("#a#", "\\#a#")]
    [InlineData(" a a ", "\\ a a\\ ")]
    [InlineData("a*(b)", "a\\2a\\28b\\29")]
    [InlineData("a\0b", "a\\00b")]
    public void A_user_name_in_a_DN_is_escaped_as_RFC_4514_says(string value, string escaped) =>
        Assert.Equal(escaped, LdapEscape.DnValue(value));

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("*", "\\2a")]
    [InlineData("a)(uid=*", "a\\29\\28uid=\\2a")]
    [InlineData("a\\b", "a\\5cb")]
    [InlineData("a\0", "a\\00")]
    [InlineData("o'hara, jr", "o'hara, jr")]
    public void A_user_name_in_a_filter_is_escaped_as_RFC_4515_says(string value, string escaped) =>
        Assert.Equal(escaped, LdapEscape.FilterValue(value));

    [Theory]
    [InlineData("cn=Domain Admins,ou=groups,dc=corp", "Domain Admins")]
    [InlineData("CN=Smith\\, John,OU=People", "Smith, John")]
    [InlineData("cn=a\\2cb,dc=x", "a,b")]
    [InlineData("admins", null)]
    public void A_group_DN_is_matched_by_its_first_RDN_value(string dn, string? cn) =>
        Assert.Equal(cn, LdapEscape.FirstRdnValue(dn));
}
