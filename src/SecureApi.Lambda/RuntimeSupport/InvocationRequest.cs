namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>One event from /next: its bytes and the context built from the response headers.</summary>
public sealed class InvocationRequest(Stream inputStream, LambdaContext context) : IDisposable
{
    public Stream InputStream { get; } = inputStream;
    public LambdaContext LambdaContext { get; } = context;

    public void Dispose() => InputStream.Dispose();
}
