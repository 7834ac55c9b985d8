#!/usr/bin/env bash
# What the SAML libraries cost a Native AOT binary (docs/saml.md, "Why a function of its own"): three minimal
# consoles published AOT (linux-x64) side by side — a baseline (XmlDocument + RSA + an X.509 certificate), the same
# verifying an enveloped signature with System.Security.Cryptography.Xml's SignedXml, and ITfoxtec.Identity.Saml2
# 4.20.1 reading a SAMLResponse. Prints each executable's size and the trim/AOT warnings of each publish.
# Usage: bash bench/saml-aot-size.sh   (about 5 minutes on 2 cores; works in a temporary folder)
set -euo pipefail
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
linker='<CppCompilerAndLinker Condition="!Exists('"'"'/usr/bin/clang'"'"') and Exists('"'"'/usr/bin/clang-14'"'"')">clang-14</CppCompilerAndLinker>'

project() { # name, extra package reference
  mkdir -p "$work/$1"
  cat >"$work/$1/$1.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><PublishAot>true</PublishAot>
    <InvariantGlobalization>true</InvariantGlobalization><ImplicitUsings>enable</ImplicitUsings><NoWarn>NU1603</NoWarn>$linker</PropertyGroup>
  <ItemGroup>$2</ItemGroup>
</Project>
XML
}

common='using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using var rsa = RSA.Create(2048);
using var cert = new CertificateRequest("CN=idp", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
    .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
var doc = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
doc.LoadXml("<a:Assertion xmlns:a=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_x1\"><a:Issuer>i</a:Issuer></a:Assertion>");'

project baseline ''
printf '%s\nConsole.WriteLine(doc.DocumentElement!.Name + rsa.SignData(new byte[3], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).Length + cert.Subject);\n' "$common" >"$work/baseline/Program.cs"

project signedxml '<PackageReference Include="System.Security.Cryptography.Xml" Version="10.0.7" />'
printf '%s\n%s\n' "$common" 'using System.Security.Cryptography.Xml;
var signer = new SignedXml(doc) { SigningKey = rsa };
signer.SignedInfo!.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;
var reference = new Reference("#_x1") { DigestMethod = SignedXml.XmlDsigSHA256Url };
reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
reference.AddTransform(new XmlDsigExcC14NTransform());
signer.AddReference(reference);
signer.ComputeSignature();
doc.DocumentElement!.AppendChild(doc.ImportNode(signer.GetXml(), true));
var verifier = new SignedXml(doc);
verifier.LoadXml((XmlElement)doc.GetElementsByTagName("Signature", SignedXml.XmlDsigNamespaceUrl)[0]!);
Console.WriteLine(verifier.CheckSignature(cert, true));' >"$work/signedxml/Program.cs"

project itfoxtec '<PackageReference Include="ITfoxtec.Identity.Saml2" Version="4.20.1" />'
cat >"$work/itfoxtec/Program.cs" <<'CS'
using ITfoxtec.Identity.Saml2;
var config = new Saml2Configuration { Issuer = "sp" };
config.AllowedAudienceUris.Add("sp");
var response = new Saml2AuthnResponse(config);
if (args.Length > 0)
    new Saml2PostBinding().ReadSamlResponse(new ITfoxtec.Identity.Saml2.Http.HttpRequest
        { Method = "POST", Form = new System.Collections.Specialized.NameValueCollection { ["SAMLResponse"] = args[0] } }, response);
Console.WriteLine(response.NameId);
CS

for name in baseline signedxml itfoxtec; do
  dotnet publish "$work/$name/$name.csproj" -c Release -r linux-x64 -o "$work/out-$name" >"$work/$name.log" 2>&1 || { cat "$work/$name.log"; exit 1; }
  printf '%-10s %10d bytes\n' "$name" "$(stat -c %s "$work/out-$name/$name")"
  grep -oE '(warning|Trim analysis warning|AOT analysis warning) IL[0-9]+: [^[]*' "$work/$name.log" | sort -u | sed 's/^/    /' || true
done
