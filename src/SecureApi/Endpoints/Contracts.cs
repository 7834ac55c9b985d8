namespace SecureApi.Endpoints;

// Response shapes of the recipe's public_api.py / protected_api.py, in camelCase.

public sealed record PublicResponse(
    string Message, string Status, long Timestamp, string RequestId, PublicData PublicData);

public sealed record PublicData(string ApiVersion, IReadOnlyList<string> AvailableEndpoints);

/// <summary>The authenticated caller, from the claims the API Gateway authorizer scheme issued.</summary>
public sealed record Caller(string PrincipalId, string Role, IReadOnlyList<string> Permissions, string AuthType, string SourceIp);

public sealed record ProtectedResponse(
    string Message, Caller User, string RequestId, DateTimeOffset Timestamp, ProtectedData ProtectedData);

public sealed record ProtectedData(string SecretValue, string AccessLevel, IReadOnlyList<string> Records);

public sealed record AdminResponse(
    string Message, Caller User, string RequestId, DateTimeOffset Timestamp, AdminData AdminData);

public sealed record AdminData(string Environment, IReadOnlyList<string> ManagedRoles, IReadOnlyList<string> ManagedPermissions, string AuditNote);
