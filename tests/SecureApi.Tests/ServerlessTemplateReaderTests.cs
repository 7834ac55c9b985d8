using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.LocalGateway;
using SecureApi.LocalGateway.Template;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>The local stage plays what serverless.template says, and refuses what it cannot play.</summary>
public sealed class ServerlessTemplateReaderTests
{
    private const string RequestAuthorizer = """
        "Keys": { "FunctionArn": { "Fn::GetAtt": [ "Fn", "Arn" ] }, "FunctionPayloadType": "REQUEST", "Identity": { "Headers": [ "X-Key" ], "ReauthorizeEvery": 0 } }
        """;

    private static string Event(string name, string method, string path, string? authorizer = "Keys") => $$"""
        "{{name}}": { "Type": "Api", "Properties": { "RestApiId": { "Ref": "Api" }, "Path": "{{path}}", "Method": "{{method}}"{{(authorizer is null ? "" : $", \"Auth\": {{ \"Authorizer\": \"{authorizer}\" }}")}} } }
        """;

    public static TheoryData<string, string> UnplayableTemplates() => new()
    {
        { TestTemplates.With(authorizers: """ "Pool": { "UserPoolArn": "arn:aws:cognito-idp:eu-west-1:1:userpool/x" } """), "Auth.Authorizers.Pool.UserPoolArn" },
        { TestTemplates.With(authorizers: """ "K": { "FunctionArn": { "Fn::GetAtt": [ "Fn", "Arn" ] }, "FunctionPayloadType": "REQUEST", "Identity": { "StageVariables": [ "v" ] } } """), "Authorizers.K.Identity.StageVariables" },
        { TestTemplates.With(events: """ "E": { "Type": "Api", "Properties": { "RestApiId": { "Ref": "Api" }, "Path": { "Fn::Sub": "/x" }, "Method": "GET" } } """), "Events.E.Properties.Path" },
        { TestTemplates.With(events: """ "E": { "Type": "Api", "Properties": { "Path": "/x", "Method": "GET" } } """), "Events.E.Properties.RestApiId" },
        { TestTemplates.With(events: Event("E", "GET", "/x", authorizer: "Missing")), "names 'Missing'" },
        { TestTemplates.With(authorizers: """ "K": { "FunctionArn": { "Fn::GetAtt": [ "Fn", "Arn" ] }, "FunctionPayloadType": "COGNITO" } """), "FunctionPayloadType 'COGNITO'" },
        { TestTemplates.With(events: Event("E", "GET", "/x", authorizer: null).Replace("\"Method\": \"GET\"", "\"Method\": \"GET\", \"ApiKeyRequired\": true")), "ApiKeyRequired" },
    };

    [Theory]
    [MemberData(nameof(UnplayableTemplates))]
    public void A_template_construct_the_stage_cannot_play_stops_the_start_naming_it(string template, string named)
    {
        var error = Assert.Throws<GatewayTemplateException>(() => ServerlessTemplateReader.Parse(template));

        Assert.Contains(named, error.Message);
    }

    [Theory]
    [InlineData("GET", "/items/42", "/items/{id}", "id", "42")]
    [InlineData("GET", "/items/42/", "/items/{id}", "id", "42")]
    [InlineData("GET", "/items/special", "/items/special", null, null)]
    [InlineData("DELETE", "/files/a/b/c.txt", "/files/{proxy+}", "proxy", "a/b/c.txt")]
    [InlineData("PATCH", "/anything", "/anything", null, null)]
    public void Methods_are_selected_as_api_gateway_selects_resources(string method, string path, string resource, string? parameter, string? value)
    {
        var definition = ServerlessTemplateReader.Parse(TestTemplates.With(authorizers: RequestAuthorizer, events: string.Join(",",
            Event("A", "GET", "/items/{id}"), Event("B", "GET", "/items/special"), Event("C", "ANY", "/files/{proxy+}"), Event("D", "ANY", "/anything"))));

        var route = definition.Find(method, path, out var parameters);

        Assert.Equal(resource, route?.Resource);
        if (parameter is null) Assert.Null(parameters);
        else Assert.Equal(value, parameters![parameter]);
    }

    [Theory]
    [InlineData("GET", "/Items/42")]
    [InlineData("POST", "/items/42")]
    [InlineData("GET", "/files")]
    public void A_request_no_method_of_the_template_matches_is_no_resource(string method, string path)
    {
        var definition = ServerlessTemplateReader.Parse(TestTemplates.With(authorizers: RequestAuthorizer,
            events: string.Join(",", Event("A", "GET", "/items/{id}"), Event("C", "ANY", "/files/{proxy+}"))));

        Assert.Null(definition.Find(method, path, out _));
    }

    [Fact]
    public async Task A_route_and_authorizer_added_to_the_template_are_played_with_no_code_change()
    {
        var definition = ServerlessTemplateReader.Parse(TestTemplates.With(authorizers: RequestAuthorizer, events: Event("A", "GET", "/items/{id}")));
        APIGatewayCustomAuthorizerRequest? seen = null;
        var stage = new GatewayStage(definition, new Recording(r => seen = r), new GatewayStageOptions(), new ManualClock());
        var request = GatewayRequest.Create("GET", "/items/42", [KeyValuePair.Create("X-Key", "k")]);

        var outcome = await stage.AuthorizeAsync(request);

        Assert.True(outcome.IsAllowed);
        Assert.Equal("REQUEST", seen?.Type);
        Assert.Equal("/items/{id}", seen?.Resource);
        Assert.Equal("42", seen?.PathParameters?["id"]);
        var proxy = stage.CreateProxyRequest(request, outcome);
        Assert.Equal("/items/{id}", proxy.Resource);
        Assert.Equal("42", proxy.PathParameters!["id"]);
    }

    [Fact]
    public void Gateway_responses_the_template_does_not_override_are_api_gateways_defaults()
    {
        var definition = ServerlessTemplateReader.Parse(TestTemplates.With(authorizers: RequestAuthorizer, events: Event("A", "GET", "/x")));

        var failure = definition.Responses.Create(GatewayResponseTypes.AuthorizerFailure, "r-1");
        var missing = definition.Responses.Create(GatewayResponseTypes.MissingAuthenticationToken, "r-1");

        Assert.Equal((500, """{"message":null}"""), (failure.StatusCode, failure.Body));
        Assert.Equal((403, """{"message":"Missing Authentication Token"}"""), (missing.StatusCode, missing.Body));
    }

    [Fact]
    public async Task A_signing_key_written_to_user_secrets_while_running_is_picked_up_without_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("secureapi-usersecrets-").FullName;
        var secrets = Path.Combine(folder, "not-yet", "secrets.json"); // its folder does not exist at start, as on a fresh machine
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:Bearer:ValidIssuer"] = "dotnet-user-jwts",
            ["Authentication:Schemes:Bearer:ValidAudiences:0"] = "http://localhost:5080",
        }).Build();
        using var http = new HttpClient();
        using var token = new LocalTokenAuthorizer(configuration, new DevelopmentEnvironment(), http, TimeProvider.System,
            NullLogger<LocalTokenAuthorizer>.Instance, secrets);
        Assert.Null(token.Current);

        Directory.CreateDirectory(Path.GetDirectoryName(secrets)!);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await File.WriteAllTextAsync(secrets, $$"""{"Authentication:Schemes:Bearer:SigningKeys:0:Value": "{{key}}"}""");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (token.Current is null && DateTime.UtcNow < deadline) await Task.Delay(100);

        Assert.NotNull(token.Current);
        Directory.Delete(folder, recursive: true);
    }

    private sealed class Recording(Action<APIGatewayCustomAuthorizerRequest> seen) : IAuthorizerInvoker
    {
        public Task<AuthorizerInvocation> InvokeAsync(AuthorizerDefinition authorizer, APIGatewayCustomAuthorizerRequest request, CancellationToken ct)
        {
            seen(request);
            return Task.FromResult<AuthorizerInvocation>(new AuthorizerInvocation.Policy(new APIGatewayCustomAuthorizerResponse
            {
                PrincipalID = "p",
                PolicyDocument = new APIGatewayCustomAuthorizerPolicy
                {
                    Statement = [new() { Effect = "Allow", Action = ["execute-api:Invoke"], Resource = ["arn:aws:execute-api:local:000000000000:local/*"] }],
                },
            }));
        }
    }

    private sealed class DevelopmentEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;
        public string ApplicationName { get; set; } = "SecureApi";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
