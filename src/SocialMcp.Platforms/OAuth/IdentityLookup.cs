using System.Net.Http.Headers;
using System.Text.Json;
using SocialMcp.Core.Accounts.OAuth;

namespace SocialMcp.Platforms.OAuth;

/// <summary>
/// What a profile's identity discovery works with after the code exchange: the grant (and the raw token answer, for the
/// ids some platforms put there), our client id (Amazon sends it as a header), and GETs against the platform's API root
/// with the new token. A refusal throws <see cref="OAuthException"/> (refused or transient).
/// </summary>
public sealed class IdentityLookup
{
    private readonly HttpClient _client;
    private readonly OAuthProfile _profile;

    internal IdentityLookup(HttpClient client, OAuthProfile profile, Uri apiRoot, bool isRealPlatform, TokenAnswer answer, TokenGrant grant, string clientId)
    {
        _client = client;
        _profile = profile;
        ApiRoot = apiRoot;
        IsRealPlatform = isRealPlatform;
        Answer = answer;
        Grant = grant;
        ClientId = clientId;
    }

    /// <summary>The API root the identity endpoints hang off (ends with a slash).</summary>
    public Uri ApiRoot { get; }

    /// <summary>False when an emulator stands in for the platform.</summary>
    public bool IsRealPlatform { get; }

    public TokenAnswer Answer { get; }

    /// <summary>The person's grant (long-lived for Meta).</summary>
    public TokenGrant Grant { get; }

    public string ClientId { get; }

    /// <summary>
    /// GETs <paramref name="pathAndQuery"/> under the API root with the grant's token as a bearer, or an absolute URL on the
    /// same host (a paging link).
    /// </summary>
    public Task<JsonElement> GetAsync(string pathAndQuery, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? headers = null)
    {
        var url = Uri.TryCreate(pathAndQuery, UriKind.Absolute, out var absolute) ? absolute : new Uri(ApiRoot, pathAndQuery);
        if (!string.Equals(url.Host, ApiRoot.Host, StringComparison.OrdinalIgnoreCase) || url.Port != ApiRoot.Port)
            throw new OAuthException(OAuthFailureKind.Refused, $"{_profile.DisplayName} sent a link to another host while listing the account's identities.", "foreign_link");
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Grant.AccessToken);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        return OAuthCalls.SendAsync(_client, request, OAuthStep.Identity, _profile, cancellationToken);
    }

    /// <summary>The answer's member as text, string or number; null when absent.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : null,
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>The member when it is an object, else an undefined element.</summary>
    public static JsonElement Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : default;

    /// <summary>The member's items when it is an array; none otherwise.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement element, string? name = null)
    {
        var array = name is null ? element
            : element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;
        return array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().ToArray() : [];
    }
}
