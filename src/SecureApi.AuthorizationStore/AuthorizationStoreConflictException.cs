namespace SecureApi.AuthorizationStore;

/// <summary>A write kept losing to concurrent writes of the same item; nothing was written. Retrying is safe.</summary>
public sealed class AuthorizationStoreConflictException(string message) : Exception(message);
