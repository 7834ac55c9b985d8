using SecureApi.Authorizers.Directory;
using Microsoft.Extensions.Configuration;
using SecureApi.AuthorizationStore;
using SecureApi.Authorizers;
using SecureApi.AuthorizerContract;
using SecureApi.LocalGateway;
using SecureApi.LocalGateway.Template;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// serverless.template, the authorizers' route table and their settings must agree: these fail the moment a route
/// or a function setting changes on one side only. (The local stage reads the template itself, so routes,
/// identity sources, TTLs and gateway responses have one source.)
/// </summary>
public sealed class TemplateAgreesWithTheAuthorizersTests
{
    private static readonly ServerlessTemplate Template = ServerlessTemplate.Load();
    private static readonly GatewayDefinition Definition = ServerlessTemplateReader.Load(RepositoryRoot.TemplatePath);

    [Fact]
    public void Every_route_the_authorizers_grant_is_a_template_route_behind_an_authorizer()
    {
        foreach (var rule in RouteRules.Default.Rules)
        {
            var route = Definition.Routes.SingleOrDefault(r => r.Method == rule.Verb && r.Resource == rule.Path);
            Assert.True(route is not null, $"{rule.Verb} {rule.Path} is in RouteRules but not in serverless.template");
            Assert.NotNull(route.Authorizer);
        }
    }

    [Fact]
    public void Every_template_route_behind_an_authorizer_has_a_rule_in_the_authorizers_table()
    {
        foreach (var route in Definition.Routes.Where(r => r.Authorizer is not null))
            Assert.True(RouteRules.Default.Find(route.Method, route.Resource) is not null, $"{route} has an authorizer but no route rule: every caller would get 403");
    }

    [Theory]
    [InlineData(GatewayResponseTypes.AuthorizerFailure)]
    [InlineData(GatewayResponseTypes.AuthorizerConfigurationError)]
    public void An_authorizer_that_crashes_or_answers_garbage_fails_closed_as_401(string type)
    {
        var response = Definition.Responses.Create(type, "req-1");

        Assert.Equal(401, response.StatusCode);
        Assert.Equal("""{"message":"Unauthorized"}""", response.Body);
    }

    public static TheoryData<string> AuthorizerHandlers() => new("TokenAuthorizer", "RequestAuthorizer");

    [Theory]
    [MemberData(nameof(AuthorizerHandlers))]
    public void Every_setting_the_template_passes_an_authorizer_is_one_it_reads(string handler)
    {
        var function = Template.Functions.Values.Single(f => f.Handler == handler);
        var prefix = handler + "__";
        var storeNames = function.Environment.Keys.Where(n => n.StartsWith(AuthorizationStoreOptions.SectionName + "__", StringComparison.Ordinal)).ToList();
        Assert.Equal([AuthorizationStoreOptions.SectionName + "__TableName"], storeNames);
        // The REQUEST authorizer also reads the directory credential's section (docs/directory.md).
        var directoryPrefix = DirectoryOptions.SectionName + "__";
        var directoryNames = handler == "RequestAuthorizer" ? function.Environment.Keys.Where(n => n.StartsWith(directoryPrefix, StringComparison.Ordinal)).ToList() : [];
        var directoryProperties = typeof(DirectoryOptions).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(directoryNames, n => Assert.Contains(n[directoryPrefix.Length..], directoryProperties));
        // The TOKEN authorizer's registry entries (TokenAuthorizer__Issuers__N__Field) are TokenIssuerOptions' fields.
        var issuerEntry = new System.Text.RegularExpressions.Regex("^TokenAuthorizer__Issuers__[0-9]+__(?<field>[A-Za-z]+)$");
        var issuerNames = function.Environment.Keys.Where(n => issuerEntry.IsMatch(n)).ToList();
        var issuerProperties = typeof(TokenIssuerOptions).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(issuerNames, n => Assert.Contains(issuerEntry.Match(n).Groups["field"].Value, issuerProperties));
        var names = function.Environment.Keys.Except(storeNames).Except(directoryNames).Except(issuerNames).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.StartsWith(prefix, n));

        var optionsType = handler == "TokenAuthorizer" ? typeof(TokenAuthorizerOptions) : typeof(RequestAuthorizerOptions);
        var properties = optionsType.GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(names, n => Assert.Contains(n[prefix.Length..], properties));
    }

    [Fact]
    public void Authorizer_settings_resolved_from_the_template_and_the_deploy_defaults_validate()
    {
        // What `dotnet lambda deploy-serverless` passes (aws-lambda-tools-defaults.json), with the SSM parameters
        // resolved to hash lists the way CloudFormation resolves them at deploy time.
        using var defaults = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "aws-lambda-tools-defaults.json")));
        var parameters = defaults.RootElement.GetProperty("template-parameters").GetString()!
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
        var credentials = new GatewayTestCredentials();
        parameters["ApiKeyHashes"] = credentials.ApiKeysJson;
        parameters["CustomHeaderHashes"] = credentials.CustomHeaderValuesJson;

        var tokenErrors = TokenAuthorizerOptions.FromConfiguration(Section("TokenAuthorizerFunction", TokenAuthorizerOptions.SectionName)).Validate();
        var requestErrors = RequestAuthorizerOptions.FromConfiguration(Section("RequestAuthorizerFunction", RequestAuthorizerOptions.SectionName)).Validate();

        Assert.Empty(tokenErrors);
        Assert.Empty(requestErrors);
        Assert.Empty(DirectoryOptions.FromConfiguration(Section("RequestAuthorizerFunction", DirectoryOptions.SectionName)).Validate());

        IConfigurationSection Section(string function, string name) => new ConfigurationBuilder()
            .AddInMemoryCollection(Template.ResolveEnvironment(function, parameters)
                .Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), (string?)kv.Value)))
            .Build().GetSection(name);
    }
}
