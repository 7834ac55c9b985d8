using System.Collections.Concurrent;
using Amazon.Runtime;

namespace SecureApi.AuthorizationStore.Tests;

/// <summary>Gives the SDK an HttpClient that records each DynamoDB request (operation and JSON body) before sending it on.</summary>
internal sealed class RecordingHttpClientFactory : HttpClientFactory
{
    public ConcurrentQueue<(string Operation, string Body)> Requests { get; } = new();

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new RecordingHandler(Requests));

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    private sealed class RecordingHandler(ConcurrentQueue<(string, string)> requests) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : "?";
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            requests.Enqueue((target[(target.IndexOf('.') + 1)..], body));
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
