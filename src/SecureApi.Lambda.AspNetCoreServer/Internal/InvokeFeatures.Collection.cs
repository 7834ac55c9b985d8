using System.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Routing;

namespace SecureApi.Lambda.AspNetCoreServer.Internal;

// IFeatureCollection: the invocation's own features are this object; the ones the app sets go to the override list.
internal partial class InvokeFeatures
{
    // The features the app set (a handful: authentication's, status code pages', ...), searched by reference. Every
    // Set bumps the revision, after which HttpContext re-reads each feature it had cached: a Dictionary<Type, ...>
    // hashed the type on every one of those reads (bench/README.md#the-protected-paths-cost).
    private KeyValuePair<Type, object?>[] _overrides = [];
    private int _overrideCount;

    public bool IsReadOnly => false;
    public int Revision => _revision;

    public object? this[Type key]
    {
        get
        {
            var overridden = IndexOfOverride(key);
            if (overridden >= 0)
            {
                return _overrides[overridden].Value;
            }
            return IsOwnFeature(key) ? this : null;
        }
        set
        {
            var overridden = IndexOfOverride(key);
            if (overridden < 0)
            {
                if (_overrideCount == _overrides.Length)
                {
                    Array.Resize(ref _overrides, Math.Max(4, _overrides.Length * 2));
                }
                overridden = _overrideCount++;
            }
            _overrides[overridden] = new(key, value);
            _revision++;
        }
    }

    private int IndexOfOverride(Type key)
    {
        for (var i = 0; i < _overrideCount; i++)
        {
            if (ReferenceEquals(_overrides[i].Key, key))
            {
                return i;
            }
        }
        return -1;
    }

    private bool IsOwnFeature(Type key) =>
        key == typeof(IHttpRequestFeature) || key == typeof(IHttpResponseFeature) || key == typeof(IHttpResponseBodyFeature)
        || key == typeof(IHttpRequestIdentifierFeature) || key == typeof(IItemsFeature) || key == typeof(IHttpConnectionFeature)
        || key == typeof(IHttpAuthenticationFeature) || key == typeof(IEndpointFeature) || key == typeof(IRouteValuesFeature)
        || key == typeof(IHttpRequestBodyDetectionFeature)
        || (key == typeof(ITlsConnectionFeature) && ClientCertificatePem is not null);

    public TFeature? Get<TFeature>() => (TFeature?)this[typeof(TFeature)];
    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        foreach (var type in s_ownFeatures)
        {
            var feature = this[type];
            if (feature is not null)
            {
                yield return new(type, feature);
            }
        }
        for (var i = 0; i < _overrideCount; i++)
        {
            var (type, feature) = _overrides[i];
            if (feature is not null && !IsOwnFeature(type))
            {
                yield return new(type, feature);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static readonly Type[] s_ownFeatures =
    [
        typeof(IHttpRequestFeature), typeof(IHttpResponseFeature), typeof(IHttpResponseBodyFeature),
        typeof(IHttpRequestBodyDetectionFeature), typeof(IHttpConnectionFeature), typeof(ITlsConnectionFeature),
        typeof(IHttpRequestIdentifierFeature), typeof(IItemsFeature), typeof(IHttpAuthenticationFeature),
        typeof(IEndpointFeature), typeof(IRouteValuesFeature),
    ];
}
