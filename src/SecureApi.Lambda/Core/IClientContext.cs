namespace SecureApi.Lambda.Core;

/// <summary>The <c>Lambda-Runtime-Client-Context</c> JSON sent by mobile SDK callers.</summary>
public interface IClientContext
{
    IClientApplication? Client { get; }
    IDictionary<string, string>? Custom { get; }
    IDictionary<string, string>? Environment { get; }
}

/// <summary>The <c>client</c> object of the client context.</summary>
public interface IClientApplication
{
    string? InstallationId { get; }
    string? AppTitle { get; }
    string? AppVersionName { get; }
    string? AppVersionCode { get; }
    string? AppPackageName { get; }
}
