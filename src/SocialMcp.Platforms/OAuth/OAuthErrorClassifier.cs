using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SocialMcp.Core.Accounts.OAuth;

namespace SocialMcp.Platforms.OAuth;

/// <summary>Which call failed; the same platform error means different things at different steps.</summary>
public enum OAuthStep
{
    /// <summary>Code → tokens. A dead "grant" here is a bad or used code: the callback was refused, nothing to reconnect.</summary>
    CodeExchange,

    /// <summary>Meta's short → long-lived exchange right after the code exchange; failures count like the code exchange's.</summary>
    LongLivedExchange,

    /// <summary>Renewing an account's access: a dead grant means the person must reconnect.</summary>
    Refresh,

    Revoke,

    /// <summary>Reading who the new token belongs to (and its Pages or profiles).</summary>
    Identity,
}

/// <summary>
/// Turns a token endpoint's refusal into an <see cref="OAuthFailureKind"/> (docs/platforms.md#oauth-errors): the OAuth 2.0
/// <c>error</c> codes (RFC 6749 §5.2), X's <c>invalid_request</c> "Value passed for the token was invalid.", LinkedIn's
/// <c>invalid_request</c> "…invalid, expired or revoked", Meta's Graph envelope (code 190 dead, 1/2/4/17/32/613 transient,
/// 101/191 our app), Instagram's older <c>error_type</c> envelope and TikTok's <c>error.code</c>. Only error codes leave
/// here (<see cref="OAuthException.PlatformError"/>); descriptions are read, never repeated, so no echoed value can leak.
/// </summary>
public static partial class OAuthErrorClassifier
{
    public static (OAuthFailureKind Kind, string? PlatformError) Classify(OAuthStep step, int status, JsonElement? body)
    {
        var error = ReadError(body);
        if (status == 429 || status >= 500 || error.IsTransient)
            return (OAuthFailureKind.Transient, error.Code ?? Status(status));

        var kind = error.Code is null ? ByStatus(step, status) : ByCode(step, status, error);
        return (kind, error.Code ?? Status(status));
    }

    /// <summary>A grant the platform no longer honours: at the code step that is a bad code (refused), later a dead grant.</summary>
    private static OAuthFailureKind Dead(OAuthStep step) =>
        step is OAuthStep.CodeExchange or OAuthStep.LongLivedExchange or OAuthStep.Identity ? OAuthFailureKind.Refused : OAuthFailureKind.DeadGrant;

    private static OAuthFailureKind ByCode(OAuthStep step, int status, PlatformError error)
    {
        var description = error.Description ?? "";
        if (error.MetaCode is { } meta)
            return ByMetaCode(step, meta, description);
        if (Mentions(description, "redirect"))
            return OAuthFailureKind.Misconfigured;
        return error.Code switch
        {
            "invalid_grant" or "invalid_token" or "access_token_invalid" => Dead(step),
            // X answers a dead refresh token with invalid_request "Value passed for the token was invalid."; LinkedIn with
            // "The provided authorization grant or refresh token is invalid, expired or revoked" (docs/platforms.md#oauth-errors).
            "invalid_request" when Mentions(description, "token was invalid") || Mentions(description, "expired") || Mentions(description, "revoked")
                || Mentions(description, "grant") => Dead(step),
            "invalid_client" or "unauthorized_client" or "invalid_scope" or "unsupported_grant_type" or "unsupported_response_type"
                or "redirect_uri_mismatch" or "invalid_redirect_uri" or "invalid_request" => OAuthFailureKind.Misconfigured,
            "access_denied" or "user_cancelled_authorize" or "user_cancelled_login" or "scope_not_authorized" => OAuthFailureKind.Refused,
            "temporarily_unavailable" or "server_error" or "rate_limit_exceeded" => OAuthFailureKind.Transient,
            // X's authorize page: "Callback URL not approved for this client application."
            "415" => OAuthFailureKind.Misconfigured,
            _ when error.IsInstagramEnvelope => ByInstagramMessage(step, description),
            _ => ByStatus(step, status),
        };
    }

    private static OAuthFailureKind ByMetaCode(OAuthStep step, int code, string message) => code switch
    {
        190 or 102 => Dead(step),
        1 or 2 or 4 or 17 or 32 or 341 or 613 => OAuthFailureKind.Transient,
        101 or 191 => OAuthFailureKind.Misconfigured,
        100 when Mentions(message, "redirect_uri") => OAuthFailureKind.Misconfigured,
        // 100 at the code step: "Invalid verification code format", "This authorization code has been used".
        100 when step == OAuthStep.CodeExchange => OAuthFailureKind.Refused,
        10 or (>= 200 and < 300) => OAuthFailureKind.Refused,
        _ => step == OAuthStep.Identity ? OAuthFailureKind.Refused : OAuthFailureKind.Misconfigured,
    };

    private static OAuthFailureKind ByInstagramMessage(OAuthStep step, string message)
    {
        if (Mentions(message, "redirect_uri"))
            return OAuthFailureKind.Misconfigured;
        if (Mentions(message, "code"))
            return OAuthFailureKind.Refused; // "Invalid authorization code", "Matching code was not found or was already used"
        if (Mentions(message, "app") || Mentions(message, "client"))
            return OAuthFailureKind.Misconfigured; // "Invalid platform app"
        return Mentions(message, "session") || Mentions(message, "token") ? Dead(step) : OAuthFailureKind.Misconfigured;
    }

    /// <summary>
    /// No error code we know: an identity lookup refused means the person's grant lacks something; a 400 to a code is a bad
    /// code; anything else at a token endpoint (401 our client's authentication, 404 a wrong URL) is our configuration.
    /// </summary>
    private static OAuthFailureKind ByStatus(OAuthStep step, int status) => (step, status) switch
    {
        (OAuthStep.Identity, _) => OAuthFailureKind.Refused,
        (OAuthStep.CodeExchange, 400) => OAuthFailureKind.Refused,
        _ => OAuthFailureKind.Misconfigured,
    };

    private static bool Mentions(string text, string word) => text.Contains(word, StringComparison.OrdinalIgnoreCase);

    private static string Status(int status) => "http_" + status.ToString(CultureInfo.InvariantCulture);

    private sealed record PlatformError(string? Code, string? Description, int? MetaCode, bool IsTransient, bool IsInstagramEnvelope);

    private static PlatformError ReadError(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } root)
            return new(null, null, null, false, false);

        if (root.TryGetProperty("error", out var error))
        {
            // RFC 6749: {"error":"invalid_grant","error_description":"…"} (X, LinkedIn, TikTok, Google, Amazon).
            if (error.ValueKind == JsonValueKind.String)
                return new(Safe(error.GetString()), Text(root, "error_description"), null, false, false);
            if (error.ValueKind == JsonValueKind.Object)
            {
                // Meta: {"error":{"message","type":"OAuthException","code":190,"error_subcode":463,"is_transient":false}}.
                if (error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var metaCode))
                {
                    var subcode = error.TryGetProperty("error_subcode", out var sub) && sub.ValueKind == JsonValueKind.Number ? "/" + sub.GetRawText() : "";
                    var transient = error.TryGetProperty("is_transient", out var flag) && flag.ValueKind == JsonValueKind.True;
                    return new(metaCode.ToString(CultureInfo.InvariantCulture) + subcode, Text(error, "message"), metaCode, transient, false);
                }
                // TikTok's API envelope: {"error":{"code":"access_token_invalid","message":"…"}}; "ok" is success.
                if (Text(error, "code") is { } tikTokCode && tikTokCode != "ok")
                    return new(Safe(tikTokCode), Text(error, "message"), null, false, false);
            }
        }
        // Instagram's older envelope: {"error_type":"OAuthException","code":400,"error_message":"Invalid authorization code"}.
        if (Text(root, "error_type") is { } errorType)
            return new(Safe(errorType), Text(root, "error_message"), null, false, true);
        // X's API errors: {"errors":[{"code":415,"message":"…"}]}.
        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
            && errors[0].ValueKind == JsonValueKind.Object && errors[0].TryGetProperty("code", out var xCode) && xCode.ValueKind == JsonValueKind.Number)
            return new(xCode.GetRawText(), Text(errors[0], "message"), null, false, false);
        return new(null, null, null, false, false);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An error code goes into messages and logs only when it looks like one (a platform could echo anything).</summary>
    private static string? Safe(string? code) => code is not null && CodeShape().IsMatch(code) ? code : code is null ? null : "unreadable_error";

    [GeneratedRegex("^[A-Za-z0-9_.:/-]{1,64}$")]
    private static partial Regex CodeShape();
}
