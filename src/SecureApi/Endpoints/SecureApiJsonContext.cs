using System.Text.Json;
using System.Text.Json.Serialization;
using SecureApi.Admin;

namespace SecureApi.Endpoints;

/// <summary>Source-generated JSON for every request and response body (no reflection; Native AOT safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PublicResponse))]
[JsonSerializable(typeof(ProtectedResponse))]
[JsonSerializable(typeof(AdminResponse))]
[JsonSerializable(typeof(PrincipalBody))]
[JsonSerializable(typeof(PrincipalResponse))]
[JsonSerializable(typeof(NewKeyBody))]
[JsonSerializable(typeof(CreatedKeyResponse))]
[JsonSerializable(typeof(KeyListResponse))]
[JsonSerializable(typeof(RoutePolicyBody))]
[JsonSerializable(typeof(RoutePolicyResponse))]
[JsonSerializable(typeof(UsageResponse))]
[JsonSerializable(typeof(AuditListResponse))]
[JsonSerializable(typeof(IssuerBody))]
[JsonSerializable(typeof(IssuerResponse))]
[JsonSerializable(typeof(IssuerListResponse))]
[JsonSerializable(typeof(SamlIdpBody))]
[JsonSerializable(typeof(SamlIdpResponse))]
[JsonSerializable(typeof(SamlIdpListResponse))]
[JsonSerializable(typeof(SecureApi.StepUp.MfaCodeBody))]
[JsonSerializable(typeof(SecureApi.StepUp.MfaEnrollmentResponse))]
[JsonSerializable(typeof(SecureApi.StepUp.EnrollmentTicketResponse))]
internal sealed partial class SecureApiJsonContext : JsonSerializerContext
{
}
