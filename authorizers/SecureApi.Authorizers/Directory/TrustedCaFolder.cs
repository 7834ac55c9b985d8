using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SecureApi.Authorizers.Directory;

/// <summary>
/// Directory__TrustedCaCertificates as the folder libldap reads (LDAP_OPT_X_TLS_CACERTDIR): one PEM file per CA,
/// named by OpenSSL's subject-name hash ("1a2b3c4d.0"), because an OpenSSL-built libldap (Amazon Linux) looks CAs up
/// by that name only; a GnuTLS-built one (Debian) loads every file in the folder. Written once at init under /tmp.
/// </summary>
internal sealed class TrustedCaFolder : IDisposable
{
    public string Path { get; }

    public TrustedCaFolder(X509Certificate2Collection cas)
    {
        Path = System.IO.Directory.CreateTempSubdirectory("secureapi-directory-ca-").FullName;
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ca in cas)
        {
            var hash = SubjectHash(ca.SubjectName).ToString("x8", CultureInfo.InvariantCulture);
            var n = 0;
            while (!used.Add($"{hash}.{n}")) n++;
            File.WriteAllText(System.IO.Path.Combine(Path, $"{hash}.{n}"), ca.ExportCertificatePem());
        }
    }

    /// <summary>
    /// OpenSSL's X509_NAME_hash: the first four bytes (little-endian) of SHA-1 over the name's canonical form — every
    /// RDN's SET re-encoded, string values as UTF8String, ASCII lower-cased, spaces trimmed and collapsed, no outer SEQUENCE.
    /// </summary>
    internal static uint SubjectHash(X500DistinguishedName name)
    {
        var canonical = new AsnWriter(AsnEncodingRules.DER);
        var rdns = new AsnReader(name.RawData, AsnEncodingRules.BER).ReadSequence();
        while (rdns.HasData)
        {
            var set = rdns.ReadSetOf(skipSortOrderValidation: true);
            using (canonical.PushSetOf())
            {
                while (set.HasData)
                {
                    var ava = set.ReadSequence();
                    using (canonical.PushSequence())
                    {
                        canonical.WriteObjectIdentifier(ava.ReadObjectIdentifier());
                        var tag = ava.PeekTag();
                        if (tag.TagClass == TagClass.Universal && IsCanonicalizedString((UniversalTagNumber)tag.TagValue))
                            canonical.WriteCharacterString(UniversalTagNumber.UTF8String,
                                Canonical(ava.ReadCharacterString((UniversalTagNumber)tag.TagValue)));
                        else
                            canonical.WriteEncodedValue(ava.ReadEncodedValue().Span);
                    }
                }
            }
        }
        var encoded = canonical.Encode();
        Span<byte> digest = stackalloc byte[20];
#pragma warning disable CA5350 // OpenSSL's file naming scheme, not a security decision
        SHA1.HashData(encoded, digest);
#pragma warning restore CA5350
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(digest);
    }

    private static bool IsCanonicalizedString(UniversalTagNumber tag) => tag is UniversalTagNumber.UTF8String
        or UniversalTagNumber.BMPString or UniversalTagNumber.UniversalString or UniversalTagNumber.PrintableString
        or UniversalTagNumber.T61String or UniversalTagNumber.IA5String or UniversalTagNumber.VisibleString;

    private static string Canonical(string value)
    {
        var sb = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value.Trim(' ', '\t', '\n', '\v', '\f', '\r'))
        {
            if (c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r') { pendingSpace = true; continue; }
            if (pendingSpace) { sb.Append(' '); pendingSpace = false; }
            sb.Append(c < 0x80 ? char.ToLowerInvariant(c) : c);
        }
        return sb.ToString();
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // /tmp is the function's own; a leftover folder of public certificates harms nothing.
        }
    }
}
