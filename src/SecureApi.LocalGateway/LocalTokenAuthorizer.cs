using System.Reflection;
using Microsoft.Extensions.Configuration.UserSecrets;
using Microsoft.Extensions.Primitives;
using SecureApi.AuthorizationStore;
using SecureApi.Authorizers;
using SecureApi.AuthorizerContract;

namespace SecureApi.LocalGateway;

/// <summary>
/// The stage's TOKEN authorizer, rebuilt whenever its configuration changes while the app runs — in particular when
/// <c>dotnet user-jwts create</c> writes the first development signing key into user secrets, so no restart is
/// needed. <see cref="Current"/> is null while no key source is configured in Development (a fresh machine):
/// the stage then answers 401. A configuration that turns invalid while running also leaves it null (fail closed).
/// The user-secrets file is also watched directly: on a fresh machine its folder does not exist when the app starts,
/// so the configuration system cannot watch it (it only watches folders that exist).
/// </summary>
public sealed partial class LocalTokenAuthorizer : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly IHostEnvironment _environment;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IDisposable _subscription;
    private readonly ITimer? _secretsPoll;
    private readonly string? _userSecretsFile;
    private readonly IAuthorizationStore? _store;
    private readonly SecureApi.AuthorizationStore.Issuers.IIssuerStore? _issuerStore;  // the run-time issuer registry (the API's)
    private readonly TimeSpan _issuerCache;
    private readonly TokenIssuerOptions? _tokenServiceIssuer;
    private string _fingerprint;
    private TokenAuthorizer? _current;

    public LocalTokenAuthorizer(IConfiguration configuration, IHostEnvironment environment, HttpClient http, TimeProvider time,
        ILogger<LocalTokenAuthorizer> logger, string? userSecretsFile = null, IAuthorizationStore? store = null,
        SecureApi.AuthorizationStore.Issuers.IIssuerStore? issuerStore = null, TimeSpan issuerCache = default,
        TokenIssuerOptions? tokenServiceIssuer = null)
    {
        _store = store;
        (_issuerStore, _issuerCache) = (issuerStore, issuerCache);
        _tokenServiceIssuer = tokenServiceIssuer;
        (_configuration, _environment, _http, _time, _logger) = (configuration, environment, http, time, logger);
        _userSecretsFile = environment.IsDevelopment() ? userSecretsFile ?? UserSecretsFileOf(environment.ApplicationName) : null;
        _fingerprint = Fingerprint();
        _current = Build(); // bad configuration at start is a start-up error
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        if (_userSecretsFile is not null)
            _secretsPoll = TimeProvider.System.CreateTimer(_ => Reload(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public TokenAuthorizer? Current => Volatile.Read(ref _current);

    private void Reload()
    {
        lock (_subscription) ReloadCore();
    }

    private void ReloadCore()
    {
        var fingerprint = Fingerprint();
        if (fingerprint == _fingerprint) return; // an unrelated setting changed: keep the key cache
        _fingerprint = fingerprint;
        try
        {
            Volatile.Write(ref _current, Build());
            Log.Reloaded(_logger);
        }
        catch (AuthorizerConfigurationException ex)
        {
            Volatile.Write(ref _current, null);
            Log.InvalidAfterReload(_logger, ex.Message);
        }
    }

    private TokenAuthorizer? Build()
    {
        var configuration = EffectiveConfiguration();
        var options = TokenAuthorizerOptions.FromConfiguration(configuration.GetSection(TokenAuthorizerOptions.SectionName));
        if (_environment.IsDevelopment())
        {
            DevelopmentUserJwts.Apply(options, configuration);
            if (!DevelopmentUserJwts.HasKeySource(options) && _tokenServiceIssuer is null)
            {
                Log.NoSigningKey(_logger);
                return null;
            }
        }
        LocalTokenService.AddTo(options, _tokenServiceIssuer); // the in-process token service's tokens (registry entry "saml")
        return new TokenAuthorizer(options, _http, _time, decisionLog: null, store: _store, issuerStore: _issuerStore, issuerCache: _issuerCache); // throws AuthorizerConfigurationException when invalid
    }

    /// <summary>The app's configuration with the user-secrets file as it is now laid over it (Development).</summary>
    private IConfiguration EffectiveConfiguration() => _userSecretsFile is null || !File.Exists(_userSecretsFile)
        ? _configuration
        : new ConfigurationBuilder().AddConfiguration(_configuration, shouldDisposeConfiguration: false)
            .AddJsonFile(_userSecretsFile, optional: true, reloadOnChange: false).Build();

    // Every value the authorizer is built from: its own section, the user-jwts settings it falls back to, and the
    // user-secrets file's version.
    private string Fingerprint()
    {
        var file = _userSecretsFile is not null && File.Exists(_userSecretsFile)
            ? new FileInfo(_userSecretsFile) : null;
        return string.Join('\n',
            _configuration.GetSection(TokenAuthorizerOptions.SectionName).AsEnumerable()
                .Concat(_configuration.GetSection(DevelopmentUserJwts.Section).AsEnumerable())
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => kv.Key + "=" + kv.Value)
                .Append(file is null ? "" : $"{file.LastWriteTimeUtc.Ticks}/{file.Length}"));
    }

    private static string? UserSecretsFileOf(string applicationName)
    {
        try
        {
            var id = Assembly.Load(new AssemblyName(applicationName)).GetCustomAttribute<UserSecretsIdAttribute>()?.UserSecretsId;
            return id is null ? null : PathHelper.GetSecretsPathFromSecretsId(id);
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _secretsPoll?.Dispose();
        _subscription.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.GatewayNoSigningKey, EventName = nameof(LogEvents.GatewayNoSigningKey), Level = LogLevel.Warning,
            Message = "No JWT signing key is configured: GET /protected answers 401 until you run `dotnet user-jwts create --project src/SecureApi` (picked up without a restart) or set TokenAuthorizer:Jwks/JwksUri/MetadataAddress.")]
        public static partial void NoSigningKey(ILogger logger);

        [LoggerMessage(EventId = LogEvents.GatewayTokenAuthorizerReloaded, EventName = nameof(LogEvents.GatewayTokenAuthorizerReloaded), Level = LogLevel.Information, Message = "TOKEN authorizer settings changed: rebuilt.")]
        public static partial void Reloaded(ILogger logger);

        [LoggerMessage(EventId = LogEvents.GatewayTokenAuthorizerInvalidAfterReload, EventName = nameof(LogEvents.GatewayTokenAuthorizerInvalidAfterReload), Level = LogLevel.Error, Message = "TOKEN authorizer settings changed and are invalid; tokens are refused until fixed: {Reason}")]
        public static partial void InvalidAfterReload(ILogger logger, string reason);
    }
}
