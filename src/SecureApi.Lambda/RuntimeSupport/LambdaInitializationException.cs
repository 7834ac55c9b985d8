namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>The function's initializer threw; the error was logged and posted to /runtime/init/error.</summary>
public sealed class LambdaInitializationException(Exception inner)
    : Exception($"Lambda function initialization failed: {inner.GetType().Name}: {inner.Message}", inner);
