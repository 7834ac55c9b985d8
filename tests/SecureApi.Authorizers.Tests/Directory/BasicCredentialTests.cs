using System.Text;
using SecureApi.Authorizers.Directory;

namespace SecureApi.Authorizers.Tests.Directory;

public sealed class BasicCredentialTests
{
    private static string Header(string userColonPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userColonPassword));

    [Fact]
    public void A_well_formed_header_gives_the_user_name_and_the_password_which_may_hold_colons()
    {
        Assert.True(BasicCredential.TryParse(Header("alice:pa:ss word"), out var credential));
        Assert.Equal("alice", credential.UserName);
        Assert.Equal("pa:ss word", credential.Password);
    }

    [Theory]
    [InlineData("alice:")]          // empty password: an anonymous bind that many directories accept
    [InlineData(":password")]       // no user name
    [InlineData("alice")]           // no colon
    [InlineData("al\u0007ice:pw")]  // control character
    [InlineData("alice\n:pw")]
    [InlineData(" alice:pw")]       // surrounding spaces are the same name to the directory
    [InlineData("alice :pw")]
    public void A_credential_refused_before_any_bind_does_not_parse(string userColonPassword) =>
        Assert.False(BasicCredential.TryParse(Header(userColonPassword), out _));

    [Fact]
    public void A_user_name_over_256_characters_is_refused_and_256_is_accepted()
    {
        Assert.False(BasicCredential.TryParse(Header(new string('a', 257) + ":pw"), out _));
        Assert.True(BasicCredential.TryParse(Header(new string('a', 256) + ":pw"), out _));
    }

    [Theory]
    [InlineData("Basic not-base64!")]
    [InlineData("Basic ")]
    [InlineData("Basic //79")]      // not UTF-8
    public void A_header_that_is_not_base64_of_UTF8_does_not_parse(string header) =>
        Assert.False(BasicCredential.TryParse(header, out _));

    [Fact]
    public void The_password_never_appears_in_the_credential_as_text() =>
        Assert.DoesNotContain("s3cret", (BasicCredential.TryParse(Header("alice:s3cret"), out var c) ? c : default).ToString());
}
