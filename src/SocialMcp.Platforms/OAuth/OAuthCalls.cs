using System.Net.Http.Headers;
using System.Text.Json;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Platforms.Adapters.Shared;

namespace SocialMcp.Platforms.OAuth;

/// <summary>
/// One OAuth HTTP call and its failure: an answer in JSON, or an <see cref="OAuthException"/> whose message names the
/// platform, the step and the platform's error code, and never a token, code, secret or URL (Meta's URLs carry them).
/// </summary>
internal static class OAuthCalls
{
    public static async Task<JsonElement> SendAsync(HttpClient client, HttpRequestMessage request, OAuthStep step, OAuthProfile profile,
        CancellationToken cancellationToken)
    {
        var platform = profile.DisplayName;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (PlatformErrorClassifier.IsNoAnswer(ex, cancellationToken))
        {
            // No answer: the platform may have acted (a rotated refresh token); the caller must not resend by itself.
            throw new OAuthException(OAuthFailureKind.Transient, $"{platform} did not answer the {Describe(step)} in time.", "no_answer");
        }
        using (response)
        {
            var body = await ReadJsonAsync(response, cancellationToken);
            var status = (int)response.StatusCode;
            // TikTok answers some token errors with HTTP 200 and an "error" member (docs/platforms.md#tiktok-oauth).
            var errorInOk = response.IsSuccessStatusCode && body is { ValueKind: JsonValueKind.Object } ok
                && ok.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString() is { Length: > 0 } and not "ok";
            if (response.IsSuccessStatusCode && !errorInOk)
                return body ?? default;
            var (kind, code) = OAuthErrorClassifier.Classify(step, errorInOk ? 400 : status, body);
            throw Failure(kind, profile, step, code);
        }
    }

    public static OAuthException Failure(OAuthFailureKind kind, OAuthProfile profile, OAuthStep step, string? code)
    {
        var platform = profile.DisplayName;
        var answered = code is null ? "" : $" ({code})";
        var message = kind switch
        {
            OAuthFailureKind.DeadGrant => $"{platform} no longer honours this account's grant{answered}; reconnect the account.",
            OAuthFailureKind.Transient => $"{platform} could not complete the {Describe(step)} right now{answered}; try again later.",
            OAuthFailureKind.Misconfigured => $"{platform} refused our app's credentials or redirect{answered}; check Platforms:{profile.Platform.ToWireName()}:ClientId, ClientSecret and the registered redirect URL.",
            _ => $"{platform} refused the {Describe(step)}{answered}; start the connection again.",
        };
        return new OAuthException(kind, message, code);
    }

    /// <summary>An answer we could not use (no access token in a success): the platform may have acted, so it is transient, never resent.</summary>
    public static OAuthException Unreadable(OAuthProfile profile, OAuthStep step) =>
        new(OAuthFailureKind.Transient, $"{profile.DisplayName}'s answer to the {Describe(step)} could not be read; try again later.", "unreadable_answer");

    private static string Describe(OAuthStep step) => step switch
    {
        OAuthStep.CodeExchange => "code exchange",
        OAuthStep.LongLivedExchange => "long-lived token exchange",
        OAuthStep.Refresh => "token refresh",
        OAuthStep.Revoke => "token revocation",
        _ => "account lookup",
    };

    private static async Task<JsonElement?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = response.Content is null ? "" : await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
