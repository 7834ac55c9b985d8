using HostingSample;
using SecureApi.Lambda.AspNetCoreServer;

// Content root = the app's folder (/var/task in Lambda), whatever the working directory.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Lambda: API Gateway REST proxy events instead of Kestrel when AWS_LAMBDA_FUNCTION_NAME is set.
builder.Services.AddLambdaHosting(LambdaEventSource.RestApi);
// Source-generated JSON for the endpoints (no reflection; AOT-safe).
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, SampleJsonContext.Default));
// Greeting options, validated at startup: an empty Greeting__Text fails init (Lambda: POST /init/error, exit non-zero).
builder.Services.AddGreetingOptions();

var app = builder.Build();

// GET /hello?name=...: the small JSON endpoint the benchmarks and cold-start harness call.
app.MapGreetingApi();

app.Run();
