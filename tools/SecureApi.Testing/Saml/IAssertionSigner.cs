namespace SecureApi.Testing.Saml;

/// <summary>An IdP's signing side: its certificate (what the token service pins) and signing an assertion.</summary>
public interface IAssertionSigner : IDisposable
{
    string CertificatePem { get; }

    /// <summary>Signs the Assertion (enveloped, after the Issuer) with RSA-SHA256, or RSA-SHA1 when asked.</summary>
    Task<string> SignAsync(string xml, bool sha1 = false);
}
