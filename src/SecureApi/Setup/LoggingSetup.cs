namespace SecureApi.Setup;

internal static class LoggingSetup
{
    // ASP.NET Core's request log ("Request starting GET http://…/protected/admin?api_key=…") writes the full query
    // string, and API keys travel in it. It logs at Information, so an appsettings.json that caps "Microsoft.AspNetCore"
    // at Warning hides it — but only while that file is found (another working directory, a missing file or one
    // environment variable brings it back). This rule lives in code and is added after every configured rule, for
    // every provider a rule names, as the most specific one: no configuration can lower it.
    private static readonly string[] CredentialBearingCategories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        "Microsoft.AspNetCore.HttpLogging",
        "Microsoft.AspNetCore.W3CLogging",
    ];

    public static IServiceCollection AddSecureApiLogging(this IServiceCollection services) =>
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            var providers = options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList();
            foreach (var category in CredentialBearingCategories)
            {
                options.Rules.RemoveAll(r => string.Equals(r.CategoryName, category, StringComparison.OrdinalIgnoreCase));
                foreach (var provider in providers)
                    options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Warning, filter: null));
            }
        });

    private static void RemoveAll(this IList<LoggerFilterRule> rules, Func<LoggerFilterRule, bool> match)
    {
        for (var i = rules.Count - 1; i >= 0; i--)
        {
            if (match(rules[i])) rules.RemoveAt(i);
        }
    }
}
