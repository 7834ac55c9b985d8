namespace SecureApi.Lambda.Core;

/// <summary>The <c>Lambda-Runtime-Cognito-Identity</c> JSON sent for Cognito-authenticated callers.</summary>
public interface ICognitoIdentity
{
    string? IdentityId { get; }
    string? IdentityPoolId { get; }
}
