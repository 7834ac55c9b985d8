using System.Collections;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Routing;

namespace SecureApi.Lambda.AspNetCoreServer.Internal;

/// <summary>
/// Every feature one invocation needs, on one object (one allocation, no per-feature dictionary), reused
/// across invocations (<see cref="Reset"/>). Features the app sets itself go to a small override list.
/// </summary>
internal partial class InvokeFeatures : IFeatureCollection,
    IHttpRequestFeature, IHttpResponseFeature, IHttpResponseBodyFeature, IHttpRequestBodyDetectionFeature,
    IHttpConnectionFeature, ITlsConnectionFeature, IHttpRequestIdentifierFeature, IItemsFeature,
    IHttpAuthenticationFeature, IEndpointFeature, IRouteValuesFeature
{
    private int _revision;
    private readonly MemoryStream _responseBody = new();
    private PipeWriter? _responseWriter;
    private Stack<KeyValuePair<Func<object, Task>, object>>? _onStarting;
    private Stack<KeyValuePair<Func<object, Task>, object>>? _onCompleted;
    private string? _traceIdentifier;
    private IDictionary<object, object?>? _items;
    private RouteValueDictionary? _routeValues;
    private X509Certificate2? _clientCertificate;
    private bool _clientCertificateParsed;

    // ---- IFeatureCollection: InvokeFeatures.Collection.cs ----

    // ---- IHttpRequestFeature ----
    public string Protocol { get; set; } = "HTTP/1.1";
    public string Scheme { get; set; } = "https";
    public string Method { get; set; } = "GET";
    public string PathBase { get; set; } = "";
    public string Path { get; set; } = "/";
    public string QueryString { get; set; } = "";
    public string RawTarget { get; set; } = "/";
    IHeaderDictionary IHttpRequestFeature.Headers { get => RequestHeaders; set => RequestHeaders = value; }
    Stream IHttpRequestFeature.Body { get => RequestBody; set => RequestBody = value; }
    public IHeaderDictionary RequestHeaders { get; set; } = new HeaderDictionary();
    public Stream RequestBody { get; set; } = Stream.Null;

    // ---- IHttpRequestBodyDetectionFeature ----
    public bool CanHaveBody { get; set; }

    // ---- IHttpResponseFeature ----
    public int StatusCode { get; set; } = 200;
    public string? ReasonPhrase { get; set; }
    IHeaderDictionary IHttpResponseFeature.Headers { get => ResponseHeaders; set => ResponseHeaders = value; }
    public IHeaderDictionary ResponseHeaders { get; set; } = new HeaderDictionary();

    [Obsolete("Use IHttpResponseBodyFeature.Stream instead.")]
    Stream IHttpResponseFeature.Body { get => _responseBody; set => throw new NotSupportedException("Replace IHttpResponseBodyFeature instead."); }

    /// <summary>False while the app runs: everything is buffered, so headers stay writable (ACS semantics).</summary>
    public bool HasStarted { get; private set; }

    public void OnStarting(Func<object, Task> callback, object state) =>
        (_onStarting ??= new()).Push(new(callback, state));

    public void OnCompleted(Func<object, Task> callback, object state) =>
        (_onCompleted ??= new()).Push(new(callback, state));

    // ---- IHttpResponseBodyFeature ----
    public MemoryStream ResponseBody => _responseBody;
    Stream IHttpResponseBodyFeature.Stream => _responseBody;
    PipeWriter IHttpResponseBodyFeature.Writer =>
        _responseWriter ??= PipeWriter.Create(_responseBody, new StreamPipeWriterOptions(leaveOpen: true));
    void IHttpResponseBodyFeature.DisableBuffering() { }
    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken) =>
        SendFileFallback.SendFileAsync(_responseBody, path, offset, count, cancellationToken);
    Task IHttpResponseBodyFeature.CompleteAsync() => FlushResponseWriterAsync();

    /// <summary>Pushes anything still buffered in the PipeWriter into the body stream.</summary>
    public async Task FlushResponseWriterAsync()
    {
        if (_responseWriter is not null)
        {
            await _responseWriter.FlushAsync().ConfigureAwait(false);
        }
    }

    // ---- IHttpConnectionFeature ----
    public string ConnectionId { get; set; } = "";
    public IPAddress? RemoteIpAddress { get; set; }
    public IPAddress? LocalIpAddress { get; set; }
    public int RemotePort { get; set; }
    public int LocalPort { get; set; }

    // ---- ITlsConnectionFeature (mTLS client certificate, parsed on first use) ----
    public string? ClientCertificatePem { get; set; }

    public X509Certificate2? ClientCertificate
    {
        get
        {
            if (!_clientCertificateParsed)
            {
                _clientCertificateParsed = true;
                _clientCertificate = ClientCertificateParser.Parse(ClientCertificatePem);
            }
            return _clientCertificate;
        }
        set
        {
            _clientCertificateParsed = true;
            _clientCertificate = value;
        }
    }

    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(ClientCertificate);

    // ---- IHttpRequestIdentifierFeature: the X-Ray trace header of this invoke, else a fresh id ----
    public string TraceIdentifier
    {
        get => _traceIdentifier ??= Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID") is { Length: > 0 } traceId
            ? traceId
            : Guid.NewGuid().ToString("N");
        set => _traceIdentifier = value;
    }

    // ---- IItemsFeature ----
    public IDictionary<object, object?> Items { get => _items ??= new ItemsDictionary(); set => _items = value; }

    // ---- IHttpAuthenticationFeature: InvokeFeatures.User.cs ----

    // ---- IEndpointFeature / IRouteValuesFeature (routing sets these on every request) ----
    public Endpoint? Endpoint { get; set; }
    public RouteValueDictionary RouteValues { get => _routeValues ??= new(); set => _routeValues = value; }

    // ---- lifecycle ----
    public async Task FireOnStartingAsync()
    {
        HasStarted = true;
        if (_onStarting is null)
        {
            return;
        }
        while (_onStarting.TryPop(out var entry))
        {
            await entry.Key(entry.Value).ConfigureAwait(false);
        }
    }

    public async Task FireOnCompletedAsync()
    {
        if (_onCompleted is null)
        {
            return;
        }
        while (_onCompleted.TryPop(out var entry))
        {
            await entry.Key(entry.Value).ConfigureAwait(false);
        }
    }

    /// <summary>After an unhandled exception nothing partial is sent: fresh headers, empty body, 500.</summary>
    public void ResetResponseForError()
    {
        StatusCode = 500;
        ReasonPhrase = null;
        ResponseHeaders = new HeaderDictionary();
        _responseWriter = null;
        _responseBody.SetLength(0);
    }

    /// <summary>Clears per-invocation state so the object can carry the next invocation (the request
    /// marshaller assigns fresh header dictionaries).</summary>
    public virtual void Reset()
    {
        Array.Clear(_overrides, 0, _overrideCount);
        _overrideCount = 0;
        _revision++;
        _responseWriter = null;
        _responseBody.SetLength(0);
        if (_responseBody.Capacity > 1024 * 1024)
        {
            _responseBody.Capacity = 64 * 1024; // don't pin one huge response's buffer forever
        }
        _onStarting?.Clear();
        _onCompleted?.Clear();
        _traceIdentifier = null;
        _items = null;
        _routeValues = null;
        _clientCertificate = null;
        _clientCertificateParsed = false;
        ClientCertificatePem = null;
        Protocol = "HTTP/1.1";
        Scheme = "https";
        Method = "GET";
        PathBase = "";
        Path = "/";
        QueryString = "";
        RawTarget = "/";
        RequestBody = Stream.Null;
        CanHaveBody = false;
        StatusCode = 200;
        ReasonPhrase = null;
        HasStarted = false;
        ConnectionId = "";
        RemoteIpAddress = null;
        LocalIpAddress = null;
        RemotePort = 0;
        LocalPort = 0;
        UseAuthorizer(null);
        Endpoint = null;
    }
}

/// <summary>Adds <see cref="IHostContextContainer{TContext}"/> so the host reuses its per-request context object.</summary>
internal sealed class InvokeFeatures<TContext> : InvokeFeatures, IHostContextContainer<TContext> where TContext : notnull
{
    public TContext? HostContext { get; set; }
}
