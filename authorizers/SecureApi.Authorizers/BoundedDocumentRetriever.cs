using Microsoft.IdentityModel.Protocols;

namespace SecureApi.Authorizers;

/// <summary>
/// Fetches discovery/JWKS documents with our HttpClient, honouring the cancellation token (the fetch bound) and
/// refusing non-https URLs (unless allowed), redirects, non-2xx answers and documents over 512 KiB. Redirects are
/// refused here whatever HttpClient the host passes: a 3xx answer (client with AllowAutoRedirect=false) and a
/// response for any other URL than the one asked for (a client that followed a redirect) both fail the fetch.
/// </summary>
internal sealed class BoundedDocumentRetriever(HttpClient http, bool requireHttps) : IDocumentRetriever
{
    private const int MaxDocumentBytes = 512 * 1024;

    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttps && (requireHttps || uri.Scheme != Uri.UriSchemeHttp)))
            throw new InvalidOperationException("Key document address must be an absolute https URL.");

        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
        if ((int)response.StatusCode is >= 300 and < 400 || response.RequestMessage?.RequestUri != uri)
            throw new InvalidOperationException("Key document fetches do not follow redirects.");
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxDocumentBytes) throw new InvalidOperationException("Key document too large.");
        await using var body = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancel).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes) throw new InvalidOperationException("Key document too large.");
            buffer.Write(chunk, 0, read);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
