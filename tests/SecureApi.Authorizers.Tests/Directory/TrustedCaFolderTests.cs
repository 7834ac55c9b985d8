using System.Security.Cryptography.X509Certificates;
using SecureApi.Authorizers.Directory;

namespace SecureApi.Authorizers.Tests.Directory;

public sealed class TrustedCaFolderTests
{
    // Subject "C=US, O=Example  Corp, OU=IT Dept, CN=Corp Directory   CA" (double spaces, mixed case, a
    // PrintableString): `openssl x509 -noout -subject_hash` prints 94a1cadd.
    private const string CaPem = """
        -----BEGIN CERTIFICATE-----
        MIIB/zCCAaWgAwIBAgIUJXC05DCoq6FfcQLEU29WYDDbuF0wCgYIKoZIzj0EAwIw
        VTELMAkGA1UEBhMCVVMxFjAUBgNVBAoMDUV4YW1wbGUgIENvcnAxEDAOBgNVBAsM
        B0lUIERlcHQxHDAaBgNVBAMME0NvcnAgRGlyZWN0b3J5ICAgQ0EwHhcNMjYxMjA3
        MDE1NDQyWhcNMzYxMjA0MDE1NDQyWjBVMQswCQYDVQQGEwJVUzEWMBQGA1UECgwN
        RXhhbXBsZSAgQ29ycDEQMA4GA1UECwwHSVQgRGVwdDEcMBoGA1UEAwwTQ29ycCBE
        aXJlY3RvcnkgICBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABA0JTPPiDZso
        Q+OKpGyNSkMHWafx1n/s0ziL2ZIoH+6FvpmVA/Q09vV2QxaDTsWscOAHIM//WYAC
        uqJS1ic26vujUzBRMB0GA1UdDgQWBBQUJW+ru86fj2tVl93+TlteLXy4eTAfBgNV
        HSMEGDAWgBQUJW+ru86fj2tVl93+TlteLXy4eTAPBgNVHRMBAf8EBTADAQH/MAoG
        CCqGSM49BAMCA0gAMEUCIQDdZ6DNBBAMHePWt/km9tZbmj+veolE9aVgelmqi5d2
        8wIgYRsT8M5I/WLPTqv86H61UQxUdErX+C8LdJhz/5hH87E=
        -----END CERTIFICATE-----
        """;

    [Fact]
    public void Each_CA_is_written_under_the_name_an_OpenSSL_built_libldap_looks_it_up_by()
    {
        var cas = new X509Certificate2Collection();
        cas.ImportFromPem(CaPem);
        using var folder = new TrustedCaFolder(cas);

        var file = Assert.Single(System.IO.Directory.GetFiles(folder.Path));
        Assert.Equal("94a1cadd.0", Path.GetFileName(file));
        Assert.Equal(cas[0].RawData, X509Certificate2.CreateFromPem(File.ReadAllText(file)).RawData);
    }
}
