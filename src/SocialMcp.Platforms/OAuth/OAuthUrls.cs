using SocialMcp.Core.Domain;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.OAuth;

/// <summary>
/// THE URL RULE (docs/platforms.md#oauth-url-rule), shared with the emulator: the platform's real OAuth URLs, unless an
/// emulator stands in, in which case every endpoint is the emulator's root for the platform plus the real URL's path
/// without its host (https://api.x.com/2/oauth2/token → {root}2/oauth2/token).
/// </summary>
public static class OAuthUrls
{
    /// <summary>
    /// The root the OAuth endpoints hang off, or null for the real URLs: <c>Platforms:{p}:OAuthBaseUrl</c> when set;
    /// else the API base (the account's <c>apiBaseUrl</c> metadata, else <c>Platforms:{p}:BaseUrl</c>) when it is not on
    /// one of the platform's real hosts, cut after its <c>/{platform}/</c> segment (the emulator's Facebook API root has no
    /// version, but a base written as <c>…/facebook/v23.0/</c> still maps onto <c>…/facebook/</c>).
    /// </summary>
    public static Uri? EmulatedRoot(OAuthProfile profile, PlatformOptions options, Uri? accountBaseUrl = null)
    {
        if (options.OAuthBaseUrl is { } explicitRoot)
            return WithTrailingSlash(explicitRoot);
        if ((accountBaseUrl ?? options.BaseUrl) is not { } apiBase || IsRealHost(profile, apiBase))
            return null;

        var segment = "/" + profile.Platform.ToWireName() + "/";
        var path = WithTrailingSlash(apiBase).AbsolutePath;
        var at = path.IndexOf(segment, StringComparison.OrdinalIgnoreCase);
        var rootPath = at >= 0 ? path[..(at + segment.Length)] : path;
        return new UriBuilder(apiBase) { Path = rootPath, Query = "", Fragment = "" }.Uri;
    }

    /// <summary>The real URL, or the emulator's stand-in for it under <paramref name="root"/>.</summary>
    public static Uri Resolve(Uri realUrl, Uri? root) =>
        root is null ? realUrl : new Uri(root, realUrl.AbsolutePath.TrimStart('/'));

    /// <summary>
    /// Where identity discovery reads: the API base the adapters use (an emulator's, or a configured real one), except on
    /// the real platform when the profile's tokens work on another host (Instagram Login: graph.instagram.com).
    /// </summary>
    public static Uri ApiRoot(OAuthProfile profile, PlatformOptions options, Uri? accountBaseUrl = null)
    {
        var configured = accountBaseUrl ?? options.BaseUrl;
        if (configured is not null && !IsRealHost(profile, configured))
            return WithTrailingSlash(configured);
        return WithTrailingSlash(profile.RealApiRoot ?? configured ?? new Uri(PlatformOptions.DefaultBaseUrls[profile.Platform]));
    }

    /// <summary>Whether the URL is on one of the platform's real hosts rather than an emulator.</summary>
    public static bool IsRealHost(OAuthProfile profile, Uri url) =>
        profile.RealHosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase);

    private static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
