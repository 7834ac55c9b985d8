using Microsoft.Extensions.Configuration;
using SecureApi.Authorizers;

// Settings: TokenAuthorizer__* environment variables (no generic host: cold start matters).
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();

// Runtime loop: validate settings at init, one decision log line per invoke on stdout, 401 = "Unauthorized";
// after each invoke, its metrics as CloudWatch EMF lines on stdout (docs/metrics.md).
using var function = AuthorizerFunctions.CreateTokenFunction(configuration, Console.Out, metrics: Console.Out);
return await function.RunToExitCodeAsync();
