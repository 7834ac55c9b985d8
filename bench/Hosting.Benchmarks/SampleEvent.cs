namespace Hosting.Benchmarks;

/// <summary>bench/HostingSample/hello-event.json (embedded): a realistic REST API proxy event for
/// GET /Prod/hello?name=Ada with a Lambda authorizer context, about 2.5 kB as API Gateway sends it.</summary>
internal static class SampleEvent
{
    public static byte[] Utf8Json()
    {
        using var resource = typeof(SampleEvent).Assembly.GetManifestResourceStream("hello-event.json")
            ?? throw new InvalidOperationException("hello-event.json is not embedded.");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    }
}
