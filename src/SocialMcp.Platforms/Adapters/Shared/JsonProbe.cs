using System.Text.Json;

namespace SocialMcp.Platforms.Adapters.Shared;

/// <summary>
/// Reads optional members of platform answers and post settings. Platforms leave members out, send null, or send a
/// number where their docs say string, so every read answers null for "not there or not of that kind" instead of
/// throwing; the element may be absent or not an object at all.
/// </summary>
internal static class JsonProbe
{
    /// <summary>The member when it is an object (e.g. X's <c>data</c>).</summary>
    public static JsonElement? Object(JsonElement? element, string name) =>
        Member(element, name) is { ValueKind: JsonValueKind.Object } value ? value : null;

    /// <summary>The member when it is a string, empty or not.</summary>
    public static string? Text(JsonElement? element, string name) =>
        Member(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>The member when it is a non-empty string.</summary>
    public static string? NonEmptyText(JsonElement? element, string name) =>
        Text(element, name) is { Length: > 0 } text ? text : null;

    /// <summary>A non-empty string member, or a number member as written (ids and category ids come both ways).</summary>
    public static string? Scalar(JsonElement? element, string name) => Member(element, name) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString() is { Length: > 0 } text ? text : null,
        { ValueKind: JsonValueKind.Number } value => value.GetRawText(),
        _ => null,
    };

    /// <summary>The member when it is a number that fits an <see cref="int"/>.</summary>
    public static int? Int(JsonElement? element, string name) =>
        Member(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number) ? number : null;

    /// <summary>The member when it is a number.</summary>
    public static double? Number(JsonElement? element, string name) =>
        Member(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetDouble(out var number) ? number : null;

    /// <summary>The member when it is <c>true</c> or <c>false</c>.</summary>
    public static bool? Bool(JsonElement? element, string name) =>
        Member(element, name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } value ? value.GetBoolean() : null;

    /// <summary>Whether the member is <c>true</c> (absent, false or anything else is not).</summary>
    public static bool IsTrue(JsonElement? element, string name) => Bool(element, name) == true;

    private static JsonElement? Member(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) ? value : null;
}
