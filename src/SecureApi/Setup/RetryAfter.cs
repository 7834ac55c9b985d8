using System.Globalization;

namespace SecureApi.Setup;

/// <summary>The Retry-After field of a 429 or 503: whole seconds, rounded as RateWindows.WaitSeconds rounds every wait.</summary>
internal static class RetryAfter
{
    public static void Write(HttpResponse response, long seconds) =>
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
}
