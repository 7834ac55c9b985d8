using System.Net;
using System.Net.Http.Headers;
using SecureApi.Lambda.Core;

namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>
/// The four endpoints of the Lambda Runtime API 2018-06-01 (docs/wire-contracts.md §1.1–§1.4).
/// One <see cref="HttpClient"/> for the process, no client timeout: the sandbox freezes between invokes,
/// so any timeout on the /next long-poll would fire after a thaw.
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    public const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    public const string ClientContextHeader = "Lambda-Runtime-Client-Context";
    public const string CognitoIdentityHeader = "Lambda-Runtime-Cognito-Identity";
    public const string TenantIdHeader = "Lambda-Runtime-Aws-Tenant-Id";
    public const string FunctionErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeHeaderValue ErrorContentType = new("application/vnd.aws.lambda.error+json");

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly string _base;
    private readonly Uri _nextUri;
    private readonly Uri _initErrorUri;

    /// <param name="endpoint"><c>host:port</c> as in AWS_LAMBDA_RUNTIME_API (no scheme).</param>
    public RuntimeApiClient(string endpoint, HttpClient? httpClient = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        _base = $"http://{endpoint}/2018-06-01/runtime/";
        _nextUri = new Uri(_base + "invocation/next");
        _initErrorUri = new Uri(_base + "init/error");
        _ownsHttp = httpClient is null;
        _http = httpClient ?? CreateHttpClient();
    }

    private static HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,                // the Runtime API is always local; never honour HTTP_PROXY
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", "aws-lambda-dotnet/secureapi-lambda-1.0");
        return http;
    }

    /// <summary>GET /runtime/invocation/next: blocks until Lambda has an event for us.</summary>
    public async Task<InvocationRequest> GetNextInvocationAsync(LambdaEnvironment environment, CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(_nextUri, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status != 200 && status != 204)
        {
            throw new RuntimeApiException("invocation/next", status, status switch
            {
                403 => "Forbidden.",
                500 => "Container error. Non-recoverable state. Runtime should exit promptly.",
                _ => "Unexpected status; the runtime exits so Lambda can start a fresh environment.",
            });
        }

        var headers = response.Headers.NonValidated; // case-insensitive, no parsing cost
        var requestId = Header(headers, RequestIdHeader)
            ?? throw new RuntimeApiException("invocation/next", status, $"Response has no {RequestIdHeader} header.");
        _ = long.TryParse(Header(headers, DeadlineHeader), out var deadlineMs);

        var body = status == 204 ? [] : await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var context = new LambdaContext(
            environment,
            requestId,
            deadlineMs,
            Header(headers, FunctionArnHeader),
            Header(headers, TraceIdHeader),
            Header(headers, ClientContextHeader),
            Header(headers, CognitoIdentityHeader),
            Header(headers, TenantIdHeader));
        return new InvocationRequest(new MemoryStream(body, 0, body.Length, writable: false, publiclyVisible: true), context);
    }

    /// <summary>POST /runtime/invocation/{id}/response with the handler's output (empty when null).</summary>
    public async Task SendResponseAsync(string requestId, Stream? output, CancellationToken ct = default)
    {
        using HttpContent content = output is null ? new ByteArrayContent([]) : new StreamContent(output);
        content.Headers.ContentType = JsonContentType;
        await PostAsync(InvocationUri(requestId, "response"), "invocation/{id}/response", content, ct).ConfigureAwait(false);
    }

    /// <summary>POST /runtime/invocation/{id}/error with the §1.3 error JSON and Lambda-Runtime-Function-Error-Type.</summary>
    public Task ReportInvocationErrorAsync(string requestId, Exception exception, CancellationToken ct = default)
        => PostErrorAsync(InvocationUri(requestId, "error"), "invocation/{id}/error", exception, ct);

    /// <summary>POST /runtime/init/error; the runtime must exit afterwards.</summary>
    public Task ReportInitializationErrorAsync(Exception exception, CancellationToken ct = default)
        => PostErrorAsync(_initErrorUri, "init/error", exception, ct);

    private async Task PostErrorAsync(Uri uri, string endpointName, Exception exception, CancellationToken ct)
    {
        var report = LambdaErrorReport.Create(exception);
        using var content = new ByteArrayContent(report.Json);
        content.Headers.ContentType = ErrorContentType;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Headers.TryAddWithoutValidation(FunctionErrorTypeHeader, report.ErrorType);
        await SendAsync(request, endpointName, ct).ConfigureAwait(false);
    }

    private async Task PostAsync(Uri uri, string endpointName, HttpContent content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        await SendAsync(request, endpointName, ct).ConfigureAwait(false);
    }

    private async Task SendAsync(HttpRequestMessage request, string endpointName, CancellationToken ct)
    {
        using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status is not (202 or 200 or 204))
        {
            throw new RuntimeApiException(endpointName, status, status switch
            {
                400 => "Bad request (unknown request id or a second answer for it).",
                403 => "Forbidden.",
                413 => "Payload too large; Lambda turned the invoke into Function.ResponseSizeTooLarge.",
                500 => "Container error. Non-recoverable state. Runtime should exit promptly.",
                _ => "Unexpected status.",
            });
        }
    }

    private Uri InvocationUri(string requestId, string leaf)
        => new(_base + "invocation/" + Uri.EscapeDataString(requestId) + "/" + leaf);

    private static string? Header(HttpHeadersNonValidated headers, string name)
        => headers.TryGetValues(name, out var values) && values.Count > 0 && values.ToString() is { Length: > 0 } value
            ? value
            : null;

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
