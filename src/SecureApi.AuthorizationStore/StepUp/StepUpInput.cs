namespace SecureApi.AuthorizationStore.StepUp;

/// <summary>Argument rules of <see cref="IStepUpStore"/>, the same for every implementation (checked before anything is sent).</summary>
internal static class StepUpInput
{
    /// <summary>"key:" + a key id (≤ 128) or "token:" + 64 hex digits, with room to spare.</summary>
    public const int MaxCredentialIdLength = 160;
    public const int MaxEncryptedSecretLength = 4096;

    public static string PrincipalId(string? value) => StoreInput.Id(value, "principalId");

    public static string CredentialId(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxCredentialIdLength || value.Any(char.IsControl) || value.Trim().Length != value.Length)
            throw new ArgumentException($"credentialId must be 1-{MaxCredentialIdLength} characters without control characters or surrounding spaces.", "credentialId");
        return value;
    }

    public static byte[] Secret(byte[]? value)
    {
        if (value is null || value.Length is 0 or > MaxEncryptedSecretLength)
            throw new ArgumentException($"encryptedSecret must be 1-{MaxEncryptedSecretLength} bytes.", "encryptedSecret");
        return value;
    }

    /// <summary>A ticket permit names the ticket's SHA-256 (never the ticket); an IdP permit names nothing.</summary>
    public static void Permit(EnrollmentPermit? permit)
    {
        if (permit is { Kind: EnrollmentPermitKind.Ticket or EnrollmentPermitKind.Bootstrap }) StoreInput.Sha256(permit.Sha256, "permit.sha256");
    }

    public static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) throw new ArgumentException($"{name} must be positive.", name);
    }
}
