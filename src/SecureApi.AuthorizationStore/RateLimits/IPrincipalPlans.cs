namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>The overall plan in force for a stored principal (null: the default plan). Implemented by the API's
/// RatePlans; read by the local stage's developer console, which cannot see the API's settings otherwise.</summary>
public interface IPrincipalPlans
{
    RatePlan OverallFor(PrincipalRecord? principal);
}
