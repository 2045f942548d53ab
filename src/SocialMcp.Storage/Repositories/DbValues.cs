using System.Globalization;
using System.Text.Json;
using Dapper;
using SocialMcp.Core.Domain;

namespace SocialMcp.Storage.Repositories;

/// <summary>How domain values are written to and read from SQLite columns.</summary>
internal static class DbValues
{
    // Fixed-width UTC text sorts the same as the instants it holds.
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static string? Time(DateTimeOffset? value) => value is { } v ? Time(v) : null;

    /// <summary>
    /// The key of the UTC calendar month holding <paramref name="value"/> ('yyyy-MM'): the first seven characters of its
    /// <see cref="Time(DateTimeOffset)"/>, as the migration that added workspace_post_months takes them.
    /// </summary>
    public static string Month(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.ParseExact(value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? ParseOptionalTime(string? value) => value is null ? null : ParseTime(value);

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, SocialJson.Options);

    public static T FromJson<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, SocialJson.Options) ?? throw new InvalidOperationException($"Stored JSON for {typeof(T).Name} is null.");

    public static JsonElement JsonElement(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static CommandDefinition Command(DbContext db, string sql, object? parameters, CancellationToken cancellationToken) =>
        new(sql, parameters, db.Transaction, cancellationToken: cancellationToken);
}
