using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Posts;

/// <summary>
/// The resolved per-platform plan of a post and its hash: for each target platform in order, the text it will receive
/// (after platformOverrides), the media (url, type), the link, the settings and the scheduled time; and, on a thread, each
/// part's text, media and settings, the platform's first comment and the post a reply answers. validate_post returns
/// the hash; publish_post and schedule_post compare it so an agent never publishes something other than what it checked.
/// </summary>
public static class PostPlan
{
    public static string HashOf(Post post) => HashOf(post.Content, post.Platforms, post.ScheduledFor);

    public static string HashOf(PostContent content, IReadOnlyList<Platform> platforms, DateTimeOffset? scheduledFor)
    {
        var plan = platforms.Select(platform => new
        {
            platform = platform.ToWireName(),
            text = content.TextFor(platform),
            media = content.Media.Select(m => new { url = m.Url, type = m.Type }).ToList(),
            linkUrl = content.LinkUrl,
            settings = content.SettingsFor(platform),
            // UTC, so the hash of a draft checked with an offset matches the stored post, which keeps UTC.
            scheduledFor = scheduledFor?.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            // Issue 15. Absent (null, left out of the canonical JSON) on a post without them, so older hashes stay what they were.
            thread = content.Thread?.Select(part => new
            {
                text = part.TextFor(platform),
                media = part.Media.Select(m => new { url = m.Url, type = m.Type }).ToList(),
                settings = part.SettingsFor(platform),
            }).ToList(),
            firstComment = content.FirstCommentFor(platform)?.Text,
            replyTo = content.ReplyTo is { } reply ? new { platform = reply.Platform.ToWireName(), platformPostId = reply.PlatformPostId } : null,
        }).ToList();
        return CanonicalJson.Sha256Hex(plan);
    }

    /// <summary>Throws PLAN_CHANGED when the caller's hash is given and the post's current plan no longer matches it.</summary>
    public static void EnsureUnchanged(Post post, string? expectedHash)
    {
        if (expectedHash is null || string.Equals(expectedHash, HashOf(post), StringComparison.OrdinalIgnoreCase))
            return;
        throw new ConflictException(new Problem(ErrorCodes.PlanChanged,
            "The post no longer matches the plan you validated (its text, media, link, settings, thread parts, first comment, reply target, platforms or time changed); nothing was changed.",
            "$.planHash",
            Hint: "Call validate_post with the postId again, check the result, and pass its new planHash."));
    }
}

/// <summary>JSON with object members sorted by name and no whitespace, so equal values always hash the same.</summary>
public static class CanonicalJson
{
    public static string Sha256Hex<T>(T value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Serialize(value))));

    public static string Serialize<T>(T value)
    {
        var element = JsonSerializer.SerializeToElement(value, SocialJson.Options);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = SocialJson.Options.Encoder }))
            Write(writer, element);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (property.Value.ValueKind == JsonValueKind.Null)
                        continue;
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
