using SecureApi.Testing;
using System.Text.Json;
using System.Xml.Linq;

namespace SecureApi.EndToEnd.Tests;

/// <summary>What `dotnet lambda deploy-serverless` will create, checked before anyone pays for an AWS account.</summary>
public sealed class ServerlessTemplateTests
{
    private static readonly ServerlessTemplate Template = ServerlessTemplate.Load();

    private static JsonElement Resources()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "serverless.template")));
        return doc.RootElement.GetProperty("Resources").Clone();
    }

    public static TheoryData<string> FunctionIds() => new(Template.Functions.Keys);

    [Theory]
    [MemberData(nameof(FunctionIds))]
    public void Each_function_runs_the_native_executable_its_project_publishes(string functionId)
    {
        var function = Template.Functions[functionId];

        // Managed dotnet10 + Handler without "::" = executable-assembly mode; with no <Handler>.dll in the zip
        // the bootstrap execs /var/task/<Handler>, the Native AOT binary (docs/wire-contracts.md §1.6).
        Assert.Equal("dotnet10", function.Runtime);
        Assert.DoesNotContain(":", function.Handler);

        var projectFile = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, function.CodeUri), "*.csproj").Single();
        var project = XDocument.Load(projectFile);
        string? Property(string name) => project.Descendants(name).Select(e => e.Value.Trim()).LastOrDefault();

        Assert.Equal(function.Handler, Property("AssemblyName") ?? Path.GetFileNameWithoutExtension(projectFile));
        // The token service alone runs on the JIT (same executable-assembly mode): its XML signature library is not
        // Native AOT clean (docs/saml.md).
        Assert.Equal(functionId == "TokenServiceFunction" ? "false" : "true", Property("PublishAot"), ignoreCase: true);
    }

    [Theory]
    [MemberData(nameof(FunctionIds))]
    public void Each_function_may_only_write_its_own_log_group_and_call_the_table_actions_its_store_calls_use(string functionId)
    {
        var resources = Resources();
        var function = Template.Functions[functionId].Properties;

        var logGroupId = function.GetProperty("LoggingConfig").GetProperty("LogGroup").GetProperty("Ref").GetString()!;
        var logGroup = resources.GetProperty(logGroupId);
        Assert.Equal("AWS::Logs::LogGroup", logGroup.GetProperty("Type").GetString());
        Assert.True(logGroup.GetProperty("Properties").TryGetProperty("RetentionInDays", out _), $"{logGroupId} has no retention");

        // An explicit role (SAM's generated role would attach AWSLambdaBasicExecutionRole: logs:* on every group).
        Assert.False(function.TryGetProperty("Policies", out _), "SAM Policies would add a managed policy");
        var roleId = function.GetProperty("Role").GetProperty("Fn::GetAtt")[0].GetString()!;
        var role = resources.GetProperty(roleId).GetProperty("Properties");
        Assert.False(role.TryGetProperty("ManagedPolicyArns", out _), $"{roleId} attaches managed policies");

        // The conditional policies: step-up's KMS key for the API (docs/step-up.md), and for the REQUEST authorizer with a
        // directory, UpdateItem on its failed-bind counters only (docs/directory.md).
        var policies = role.GetProperty("Policies").EnumerateArray().ToList();
        foreach (var conditional in policies.Where(p => p.TryGetProperty("Fn::If", out _)))
        {
            if (functionId == "RequestAuthorizerFunction")
            {
                var directory = conditional.GetProperty("Fn::If");
                Assert.Equal("HasDirectory", directory[0].GetString());
                Assert.Equal("AWS::NoValue", directory[2].GetProperty("Ref").GetString());
                var counters = Assert.Single(directory[1].GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray());
                Assert.Equal(["dynamodb:UpdateItem"], counters.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
                Assert.Equal(["RATE#DIR#*"], counters.GetProperty("Condition").GetProperty("ForAllValues:StringLike")
                    .GetProperty("dynamodb:LeadingKeys").EnumerateArray().Select(k => k.GetString()));
                continue;
            }
            Assert.Equal("ApiFunction", functionId);
            var branches = conditional.GetProperty("Fn::If");
            Assert.Equal("CreateStepUpKey", branches[0].GetString());
            Assert.Equal("AWS::NoValue", branches[1].GetProperty("Ref").GetString());
            var kms = Assert.Single(branches[2].GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray());
            Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey"], kms.GetProperty("Action").EnumerateArray().Select(a => a.GetString()).Order());
            Assert.Equal("StepUpKmsKeyArn", kms.GetProperty("Resource").GetProperty("Ref").GetString());
            Assert.Equal("false", kms.GetProperty("Condition").GetProperty("Null").GetProperty("kms:EncryptionContext:principal").GetString());
        }
        var statements = policies.Where(p => !p.TryGetProperty("Fn::If", out _))
            .SelectMany(p => p.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray()).ToList();
        Assert.NotEmpty(statements);
        // The authorizers only read (GetItem: credential by hash, principal, route table); the API also runs the
        // admin calls (Query for lists, TransactWriteItems = per-item PutItem/UpdateItem/ConditionCheckItem).
        // The token service marks used assertions (one conditional PutItem each) and lists the SAML IdP registry (Query).
        string[] tableActions = functionId switch
        {
            "ApiFunction" => ["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
            "TokenServiceFunction" => ["dynamodb:PutItem", "dynamodb:Query"],
            "TokenAuthorizerFunction" => ["dynamodb:GetItem", "dynamodb:Query"],
            _ => ["dynamodb:GetItem"],
        };
        var granted = new List<string>();
        // The API may not update or delete an audit record (docs/iam.md): one Deny on the audit partitions.
        var denies = statements.Where(st => st.GetProperty("Effect").GetString() == "Deny").ToList();
        if (functionId == "ApiFunction")
        {
            var appendOnly = Assert.Single(denies);
            Assert.Equal(["dynamodb:DeleteItem", "dynamodb:UpdateItem"], appendOnly.GetProperty("Action").EnumerateArray().Select(a => a.GetString()).Order());
            Assert.Equal(["AUDIT*"], appendOnly.GetProperty("Condition").GetProperty("ForAnyValue:StringLike")
                .GetProperty("dynamodb:LeadingKeys").EnumerateArray().Select(k => k.GetString()));
        }
        else Assert.Empty(denies);
        foreach (var statement in statements.Except(denies))
        {
            Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
            var actions = statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!).ToList();
            var resource = statement.GetProperty("Resource").GetProperty("Fn::GetAtt");
            if (resource[0].GetString() == "AuthorizationTable")
            {
                Assert.Equal("Arn", resource[1].GetString());
                // The TOKEN authorizer may Query the run-time issuer registry's partition and nothing else (docs/identity-providers.md#run-time-registry).
                if (functionId == "TokenAuthorizerFunction" && actions.Contains("dynamodb:Query"))
                    Assert.Equal(["ISSUERS"], statement.GetProperty("Condition").GetProperty("ForAllValues:StringEquals")
                        .GetProperty("dynamodb:LeadingKeys").EnumerateArray().Select(k => k.GetString()));
                // The token service reads the SAML IdP registry's partition and nothing else, and writes only replay marks
                // (docs/saml.md#run-time-registry): it can neither read other items nor change an IdP entry.
                if (functionId == "TokenServiceFunction")
                    Assert.Equal(actions.Contains("dynamodb:Query") ? ["SAML-IDPS"] : ["SAML-ASSERTION#*"],
                        statement.GetProperty("Condition").GetProperty(actions.Contains("dynamodb:Query") ? "ForAllValues:StringEquals" : "ForAllValues:StringLike")
                            .GetProperty("dynamodb:LeadingKeys").EnumerateArray().Select(k => k.GetString()));
                granted.AddRange(actions);
                continue;
            }
            Assert.All(actions, a => Assert.Contains(a, new[] { "logs:CreateLogStream", "logs:PutLogEvents" }));
            Assert.Equal(logGroupId, resource[0].GetString());
        }
        Assert.Equal(tableActions, granted.Order());
    }

    [Fact]
    public void The_step_up_kms_key_may_be_used_only_by_the_api_function_and_its_arn_is_in_the_api_environment()
    {
        var key = Resources().GetProperty("StepUpKey");
        Assert.Equal("AWS::KMS::Key", key.GetProperty("Type").GetString());
        Assert.Equal("CreateStepUpKey", key.GetProperty("Condition").GetString());
        var statements = key.GetProperty("Properties").GetProperty("KeyPolicy").GetProperty("Statement").EnumerateArray().ToList();
        string[] use = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt*", "kms:*"];
        foreach (var statement in statements.Where(st => st.GetProperty("Effect").GetString() == "Allow"))
        {
            var actions = statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!).ToList();
            var principal = statement.GetProperty("Principal").GetProperty("AWS");
            var isApiRole = principal.ValueKind == System.Text.Json.JsonValueKind.Object && principal.TryGetProperty("Fn::GetAtt", out var role) && role[0].GetString() == "ApiFunctionRole";
            if (isApiRole)
            {
                Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey"], actions.Order());
                Assert.Equal("false", statement.GetProperty("Condition").GetProperty("Null").GetProperty("kms:EncryptionContext:principal").GetString());
            }
            else
            {
                Assert.DoesNotContain(actions, a => use.Contains(a));
                Assert.DoesNotContain(actions, a => a is "kms:CreateGrant" or "kms:Create*" || a.StartsWith("kms:Generate", StringComparison.Ordinal));
            }
        }
        // Anyone but the API role is refused every use of the key and every grant, whatever an IAM policy says.
        var deny = Assert.Single(statements, st => st.GetProperty("Effect").GetString() == "Deny");
        var denied = deny.GetProperty("Action").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Contains("kms:CreateGrant", denied);
        Assert.Contains("kms:Decrypt", denied);
        Assert.Equal("ApiFunctionRole", deny.GetProperty("Condition").GetProperty("ArnNotEquals").GetProperty("aws:PrincipalArn").GetProperty("Fn::GetAtt")[0].GetString());
        Assert.Contains(statements, s => s.GetProperty("Principal").GetProperty("AWS").TryGetProperty("Fn::GetAtt", out _));

        Assert.Equal("CreateStepUpKey", Template.Functions["ApiFunction"].Environment["StepUp__KmsKeyId"].GetProperty("Fn::If")[0].GetString());
    }

    [Fact]
    public void The_token_signing_key_is_an_RSA_2048_KMS_key_only_the_token_service_may_sign_with_and_its_routes_are_public()
    {
        var key = Resources().GetProperty("TokenSigningKey");
        var p = key.GetProperty("Properties");
        Assert.Equal(("RSA_2048", "SIGN_VERIFY"), (p.GetProperty("KeySpec").GetString(), p.GetProperty("KeyUsage").GetString()));
        Assert.Equal("HasTokenService", key.GetProperty("Condition").GetString());
        foreach (var statement in p.GetProperty("KeyPolicy").GetProperty("Statement").EnumerateArray())
        {
            var actions = statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!).ToList();
            var principal = statement.GetProperty("Principal").GetProperty("AWS");
            var isTokenServiceRole = principal.ValueKind == JsonValueKind.Object && principal.TryGetProperty("Fn::GetAtt", out var role)
                && role[0].GetString() == "TokenServiceFunctionRole";
            if (isTokenServiceRole) Assert.Equal(["kms:GetPublicKey", "kms:Sign"], actions.Order());
            else Assert.DoesNotContain(actions, a => a is "kms:Sign" or "kms:*");
        }

        var function = Template.Functions["TokenServiceFunction"];
        Assert.Equal("TokenSigningKey", function.Environment["Saml__KmsKeyId"].GetProperty("Fn::GetAtt")[0].GetString());
        Assert.False(Template.IsCreated("TokenServiceFunction"));                    // opt-in: SamlAudience set
        Assert.True(Template.IsCreated("TokenServiceFunction", new Dictionary<string, string> { ["SamlAudience"] = "https://sp.example" }));
        var events = function.Properties.GetProperty("Events").EnumerateObject().Select(e => e.Value.GetProperty("Properties")).ToList();
        Assert.Equal(["GET /.well-known/jwks.json", "POST /oauth2/token"],
            events.Select(e => e.GetProperty("Method").GetString() + " " + e.GetProperty("Path").GetString()).Order());
        Assert.All(events, e => Assert.Equal("NONE", e.GetProperty("Auth").GetProperty("Authorizer").GetString()));
    }

    [Fact]
    public void With_the_token_service_the_TOKEN_authorizer_trusts_its_issuer_as_registry_entry_saml_through_its_JWKS_route()
    {
        var required = new Dictionary<string, string> { ["JwtIssuer"] = "https://idp.example.com", ["JwtAudience"] = "secureapi" };
        var withTokenService = new Dictionary<string, string>(required)
        {
            ["SamlAudience"] = "https://api.example.com/saml-sp",
            ["SamlTokenEndpoint"] = "https://api.example.com/prod/oauth2/token",
        };
        var tokenService = Template.Functions["TokenServiceFunction"].Environment;
        var authorizer = Template.ResolveEnvironment("TokenAuthorizerFunction", withTokenService);

        Assert.Equal("saml", authorizer["TokenAuthorizer__Issuers__0__Name"]);
        // The minted tokens' iss and aud are the same parameters the entry trusts.
        Assert.Equal("SamlTokenIssuer", tokenService["Saml__TokenIssuer"].GetProperty("Ref").GetString());
        Assert.Equal("urn:secureapi:token-service", authorizer["TokenAuthorizer__Issuers__0__Issuer"]);
        Assert.Equal("JwtAudience", tokenService["Saml__TokenAudience"].GetProperty("Ref").GetString());
        Assert.Equal("secureapi", authorizer["TokenAuthorizer__Issuers__0__Audiences"]);
        Assert.Equal("https://api.example.com/prod/.well-known/jwks.json", authorizer["TokenAuthorizer__Issuers__0__JwksUri"]);

        var without = Template.ResolveEnvironment("TokenAuthorizerFunction", required);
        Assert.DoesNotContain(without.Keys, k => k.StartsWith("TokenAuthorizer__Issuers__", StringComparison.Ordinal));
    }

    [Fact]
    public void Authorization_table_is_on_demand_recoverable_encrypted_expiring_and_retained_and_named_to_every_function()
    {
        var table = Resources().GetProperty("AuthorizationTable");
        var p = table.GetProperty("Properties");

        Assert.Equal("AWS::DynamoDB::Table", table.GetProperty("Type").GetString());
        Assert.Equal("Retain", table.GetProperty("DeletionPolicy").GetString());
        Assert.Equal("Retain", table.GetProperty("UpdateReplacePolicy").GetString());
        Assert.Equal("PAY_PER_REQUEST", p.GetProperty("BillingMode").GetString());
        Assert.Equal(["PK:HASH", "SK:RANGE"], p.GetProperty("KeySchema").EnumerateArray().Select(k => k.GetProperty("AttributeName").GetString() + ":" + k.GetProperty("KeyType").GetString()));
        Assert.All(p.GetProperty("AttributeDefinitions").EnumerateArray(), a => Assert.Equal("S", a.GetProperty("AttributeType").GetString()));
        Assert.True(p.GetProperty("PointInTimeRecoverySpecification").GetProperty("PointInTimeRecoveryEnabled").GetBoolean());
        Assert.True(p.GetProperty("SSESpecification").GetProperty("SSEEnabled").GetBoolean());
        Assert.Equal("ttl", p.GetProperty("TimeToLiveSpecification").GetProperty("AttributeName").GetString());
        Assert.True(p.GetProperty("TimeToLiveSpecification").GetProperty("Enabled").GetBoolean());
        Assert.All(Template.Functions.Values, f =>
            Assert.Equal("AuthorizationTable", f.Environment["AuthorizationStore__TableName"].GetProperty("Ref").GetString()));
    }

    [Fact]
    public void Api_keys_and_header_values_come_from_ssm_parameters_not_the_template()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "serverless.template")));
        var parameters = doc.RootElement.GetProperty("Parameters");
        var env = Template.Functions.Values.Single(f => f.Handler == "RequestAuthorizer").Environment;

        var secretSettings = env.Where(kv => kv.Key.Contains("ApiKey", StringComparison.Ordinal) || kv.Key.Contains("Header", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(secretSettings);
        foreach (var (key, value) in secretSettings)
        {
            var parameterName = value.GetProperty("Ref").GetString()!;
            var parameter = parameters.GetProperty(parameterName);
            // The parameter's value is the NAME of an SSM parameter; CloudFormation resolves it at deploy time.
            Assert.Equal("AWS::SSM::Parameter::Value<String>", parameter.GetProperty("Type").GetString());
            Assert.StartsWith("/", parameter.GetProperty("Default").GetString());
        }
    }
}

/// <summary>The stage's outer guard: throttling, a TOKEN validation expression, a JSON access log without credentials.</summary>
public sealed class StageGuardTemplateTests
{
    private static JsonElement Api()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.TemplatePath));
        return doc.RootElement.GetProperty("Resources").GetProperty("Api").GetProperty("Properties").Clone();
    }

    [Fact]
    public void The_stage_throttles_every_method_before_any_authorizer_runs()
    {
        var setting = Assert.Single(Api().GetProperty("MethodSettings").EnumerateArray());

        Assert.Equal("/*", setting.GetProperty("ResourcePath").GetString());
        Assert.Equal("*", setting.GetProperty("HttpMethod").GetString());
        Assert.Equal("StageThrottlingRateLimit", setting.GetProperty("ThrottlingRateLimit").GetProperty("Ref").GetString());
        Assert.Equal("StageThrottlingBurstLimit", setting.GetProperty("ThrottlingBurstLimit").GetProperty("Ref").GetString());
    }

    [Theory]
    [InlineData("Bearer aaa.bbb.ccc", true)]
    [InlineData("bearer aaa.bbb.ccc", true)]
    [InlineData("Bearer aaa.bbb", false)]
    [InlineData("Basic dXNlcjpwYXNz", false)]
    [InlineData("Bearer aaa.bbb.ccc extra", false)]
    [InlineData("Bearer aa+a.bbb.ccc", false)]
    public void Only_a_header_that_can_be_a_bearer_jwt_invokes_the_token_authorizer(string header, bool invokes)
    {
        var expression = Api().GetProperty("Auth").GetProperty("Authorizers").GetProperty("TokenAuthorizer")
            .GetProperty("Identity").GetProperty("ValidationExpression").GetString()!;

        Assert.Equal(invokes, System.Text.RegularExpressions.Regex.IsMatch(header, expression));
    }

    [Fact]
    public void The_access_log_is_json_with_request_principal_route_status_latency_and_authorizer_error_and_no_credential()
    {
        var format = Api().GetProperty("AccessLogSetting").GetProperty("Format").GetString()!;
        using var line = JsonDocument.Parse(format); // JSON with $context variables as the values

        var values = line.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal("$context.requestId", values["requestId"]);
        Assert.Equal("$context.authorizer.principalId", values["principalId"]);
        Assert.Equal("$context.resourcePath", values["resource"]);
        Assert.Equal("$context.status", values["status"]);
        Assert.Equal("$context.responseLatency", values["latencyMs"]);
        Assert.Equal("$context.authorizer.error", values["authorizerError"]);
        Assert.All(values.Values, v => Assert.DoesNotMatch("(?i)header|querystring|apiKey|identity\\.apiKey|authorization|\\$input|\\$context\\.path", v));
    }
}
