using System.Globalization;
using System.Text.Json;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Shared;

/// <summary>
/// Comments through Meta's Graph API, the same for Facebook and Instagram (docs/platforms.md#comments-facebook,
/// #comments-instagram): <c>POST {object-id}/comments</c> with <c>message</c> → <c>{"id"}</c>;
/// <c>GET {object-id}/comments?fields=…</c> → <c>{"data": [...]}</c>; <c>DELETE {comment-id}</c> → <c>{"success": true}</c>.
/// "Object does not exist" (code 100, subcode 33) on the parent means it is gone or not visible.
/// </summary>
internal static class GraphComments
{
    public const string ObjectMissing = "100/33";

    public static async Task<string> CreateAsync(Func<HttpRequestMessage, Task<JsonElement>> send, string parentId, string text)
    {
        var body = await send(new HttpRequestMessage(HttpMethod.Post, $"{Uri.EscapeDataString(parentId)}/comments")
        {
            Content = new FormUrlEncodedContent([new("message", text)]),
        });
        return JsonProbe.Scalar(body, "id")
            ?? throw new PlatformCallException(PlatformFailure.Transient("Graph", null, "The comment was answered without an id."));
    }

    /// <param name="textField">"message" on Facebook, "text" on Instagram.</param>
    public static async Task<IReadOnlyList<PlatformComment>> ListAsync(Func<HttpRequestMessage, Task<JsonElement>> send, string parentId, string fields,
        string textField, Func<Exception> unreadable)
    {
        var body = await send(new HttpRequestMessage(HttpMethod.Get, $"{Uri.EscapeDataString(parentId)}/comments?fields={fields}&limit=100"));
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            throw unreadable();
        return data.EnumerateArray()
            .Where(c => JsonProbe.Scalar(c, "id") is not null)
            .Select(c => new PlatformComment(JsonProbe.Scalar(c, "id")!, JsonProbe.Text(c, textField) ?? "",
                c.TryGetProperty("from", out var from) ? JsonProbe.Scalar(from, "id") : null,
                Time(JsonProbe.Text(c, "created_time") ?? JsonProbe.Text(c, "timestamp"))))
            .ToList();
    }

    /// <summary>Graph times look like <c>2024-05-01T10:00:00+0000</c>.</summary>
    private static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
