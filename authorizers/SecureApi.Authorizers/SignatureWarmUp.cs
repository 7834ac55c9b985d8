using System.Security.Cryptography;

namespace SecureApi.Authorizers;

/// <summary>
/// Loads, on a thread of its own and without waiting, the platform's crypto library: every token that names a
/// trusted issuer has its signature checked by it, and on Linux its first use loads and initialises OpenSSL
/// (libssl, libcrypto, openssl.cnf) — ~2.7 ms of CPU and ~220 first page touches, a quarter of the TOKEN function's
/// cold start (bench/README.md). Started before settings are read, it runs beside init and fetching the first event
/// when a second core is free (without one it only moves the same work earlier); a decision that gets there first
/// waits for the same one-time initialisation, so nothing changes but when it happens. Nothing issuer-specific is
/// touched (no key, no fetch). A failure is swallowed: the first decision then meets it on its own and fails closed.
/// </summary>
internal static class SignatureWarmUp
{
    public static void Start() =>
        new Thread(static () =>
        {
            try
            {
                SHA256.HashData(ReadOnlySpan<byte>.Empty, stackalloc byte[SHA256.HashSizeInBytes]);
            }
#pragma warning disable CA1031 // observed only: the decision that needs the library fails closed on its own
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }) { IsBackground = true, Name = "crypto warm-up" }.Start();
}
