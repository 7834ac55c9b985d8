using Microsoft.Extensions.Configuration;
using SecureApi.Authorizers;
using SecureApi.AuthorizerContract;
using SecureApi.Gateway;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// serverless.template and the local run must describe the same gateway: these fail the moment a route,
/// authorizer, identity source, TTL, gateway response or function setting changes on one side only.
/// </summary>
public sealed class TemplateMatchesLocalGatewayTests
{
    private static readonly ServerlessTemplate Template = ServerlessTemplate.Load();

    private static string Describe(GatewayRoute r) =>
        $"{r.Method} {r.Path} -> {r.AuthorizerName} {r.Type} [{string.Join(", ", r.IdentitySources)}] ttl={r.ResultTtl.TotalSeconds}";

    [Fact]
    public void Protected_routes_authorizers_identity_sources_and_ttls_equal_the_local_gateway_route_table()
    {
        var fromTemplate = DeployedStack.GatewayRoutesFromTemplate(Template).Select(Describe).Order(StringComparer.Ordinal);
        var local = GatewayRoutes.Default.Select(Describe).Order(StringComparer.Ordinal);

        Assert.Equal(local, fromTemplate);
    }

    [Fact]
    public void Routes_without_an_authorizer_are_public_in_the_local_gateway_too()
    {
        var publicRoutes = Template.Routes.Where(r => r.Authorizer is null).ToList();

        Assert.NotEmpty(publicRoutes);
        Assert.All(publicRoutes, r => Assert.Null(GatewayRoutes.Find(GatewayRoutes.Default, r.Method, r.Path)));
    }

    [Fact]
    public void Every_route_the_authorizers_grant_is_a_template_route_behind_an_authorizer()
    {
        foreach (var rule in RouteRules.Default.Rules)
        {
            var route = Template.Routes.SingleOrDefault(r => r.Method == rule.Verb && r.Path == rule.Path);
            Assert.True(route is not null, $"{rule.Verb} {rule.Path} is in RouteRules but not in serverless.template");
            Assert.NotNull(route.Authorizer);
        }
    }

    [Fact]
    public void Gateway_responses_in_the_template_send_the_local_gateway_bodies()
    {
        var unauthorized = Template.GatewayResponses["UNAUTHORIZED"];
        Assert.Equal(GatewayResponse.Unauthorized.StatusCode, unauthorized.StatusCode);
        Assert.Equal(GatewayResponse.Unauthorized.Body, unauthorized.Render("req-1", "Unauthorized"));

        // An authorizer that crashes, times out or answers garbage fails closed: the same 401 as "Unauthorized".
        foreach (var failure in new[] { "AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR" })
        {
            var configured = Template.GatewayResponses[failure];
            Assert.Equal(GatewayResponse.AuthorizerFailure.StatusCode, configured.StatusCode);
            Assert.Equal(GatewayResponse.AuthorizerFailure.Body, configured.Render("req-1", "Unauthorized"));
        }

        var denied = Template.GatewayResponses["ACCESS_DENIED"];
        Assert.Equal(GatewayResponse.AccessDeniedExplicit.StatusCode, denied.StatusCode);
        Assert.Equal(GatewayResponse.AccessDeniedExplicit.Body,
            denied.Render("req-1", "User is not authorized to access this resource with an explicit deny"));
        Assert.Equal(GatewayResponse.AccessDeniedImplicit.Body,
            denied.Render("req-1", "User is not authorized to access this resource"));
    }

    public static TheoryData<string> AuthorizerHandlers() => new("TokenAuthorizer", "RequestAuthorizer");

    [Theory]
    [MemberData(nameof(AuthorizerHandlers))]
    public void Every_setting_the_template_passes_an_authorizer_is_one_it_reads(string handler)
    {
        var function = Template.Functions.Values.Single(f => f.Handler == handler);
        var prefix = handler + "__";
        var names = function.Environment.Keys.ToList();
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

        IConfigurationSection Section(string function, string name) => new ConfigurationBuilder()
            .AddInMemoryCollection(Template.ResolveEnvironment(function, parameters)
                .Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), (string?)kv.Value)))
            .Build().GetSection(name);
    }
}
