using System.Globalization;
using System.Text.Json;
using SocialMcp.Core.Accounts.OAuth;

namespace SocialMcp.Platforms.OAuth;

/// <summary>
/// A successful answer of a token endpoint, read the tolerant way: lifetimes as numbers or strings, scopes as one
/// separated string or an array, and Instagram's answer flat or wrapped in <c>data:[…]</c> (docs/platforms.md#instagram-oauth).
/// Never logged: it holds tokens.
/// </summary>
public sealed record TokenAnswer
{
    public required string AccessToken { get; init; }
    public long? ExpiresIn { get; init; }
    public string? RefreshToken { get; init; }

    /// <summary><c>refresh_expires_in</c> (TikTok) or <c>refresh_token_expires_in</c> (LinkedIn).</summary>
    public long? RefreshExpiresIn { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The whole answer (its first <c>data</c> item for a wrapped one), for the ids some platforms put there (TikTok <c>open_id</c>, Instagram and Threads <c>user_id</c>).</summary>
    public JsonElement Body { get; init; }

    /// <summary>A member of the answer as text, whether the platform wrote it as a string or a number.</summary>
    public string? Text(string name) =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : null,
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>Reads the answer; null when it carries no access token (the caller treats that as an unusable answer).</summary>
    public static TokenAnswer? Read(JsonElement body, string scopeSeparator)
    {
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("data", out var data)
            && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0 && !body.TryGetProperty("access_token", out _))
            body = data[0];
        if (body.ValueKind != JsonValueKind.Object || StringMember(body, "access_token") is not { Length: > 0 } accessToken)
            return null;
        return new TokenAnswer
        {
            AccessToken = accessToken,
            ExpiresIn = Seconds(body, "expires_in"),
            RefreshToken = StringMember(body, "refresh_token") is { Length: > 0 } refresh ? refresh : null,
            RefreshExpiresIn = Seconds(body, "refresh_expires_in") ?? Seconds(body, "refresh_token_expires_in"),
            Scopes = ScopesOf(body, scopeSeparator),
            Body = body.Clone(),
        };
    }

    /// <summary>The grant this answer gives, its expiries counted from <paramref name="now"/> (never from a constant).</summary>
    public TokenGrant ToGrant(DateTimeOffset now, string? keptRefreshToken = null) => new()
    {
        AccessToken = AccessToken,
        // 0 or absent: the token does not expire (a Page token from a long-lived user token, docs/platforms.md#facebook-oauth).
        AccessExpiresAt = ExpiresIn is { } seconds && seconds > 0 ? now.AddSeconds(seconds) : null,
        RefreshToken = RefreshToken ?? keptRefreshToken,
        RefreshExpiresAt = RefreshToken is not null && RefreshExpiresIn is { } refreshSeconds && refreshSeconds > 0 ? now.AddSeconds(refreshSeconds) : null,
        Scopes = Scopes,
    };

    private static string? StringMember(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Seconds(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
            return number;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var real))
            return (long)real;
        return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;
    }

    private static IReadOnlyList<string> ScopesOf(JsonElement body, string separator)
    {
        // OAuth's "scope"; Instagram's "permissions" (a string or an array).
        foreach (var name in new[] { "scope", "permissions" })
        {
            if (!body.TryGetProperty(name, out var value))
                continue;
            if (value.ValueKind == JsonValueKind.Array)
                return value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray();
            if (value.ValueKind == JsonValueKind.String)
            {
                // Platforms do not always use their own separator in answers (LinkedIn answers with commas): split on both.
                char[] separators = separator == "," ? [',', ' '] : [' ', ','];
                return value.GetString()!.Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
        }
        return [];
    }
}
