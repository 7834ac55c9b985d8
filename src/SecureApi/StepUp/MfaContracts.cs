namespace SecureApi.StepUp;

/// <summary>POST …/mfa/enrollment/confirm and POST …/mfa/verify: <c>{"code":"123456"}</c>.</summary>
public sealed record MfaCodeBody(string? Code);

/// <summary>
/// 201 of POST …/mfa/enrollment, the only time the secret leaves the API: the base32 secret (typed into an app by
/// hand), the otpauth:// key URI, and a PNG QR code of that URI (base64).
/// </summary>
public sealed record MfaEnrollmentResponse(string Secret, string OtpauthUri, string QrCodePng, string Status);
