using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Posts;

/// <summary>
/// A post's own time zone: an IANA id (<c>Europe/Berlin</c>), checked against the system's zone data (IANA ids work on
/// Linux and, through ICU, on Windows). Storage keeps UTC; results add each time in this zone too.
/// </summary>
public static class PostTimeZones
{
    /// <summary>The zone's canonical id, or VALIDATION_FAILED at <paramref name="path"/>; null stays null.</summary>
    public static string? Check(string? timeZone, string path = "$.timeZone")
    {
        if (timeZone is null)
            return null;
        // Windows ids also resolve on Linux; only IANA ids are accepted, so a stored zone means the same on every host.
        if (!string.IsNullOrWhiteSpace(timeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) && zone.HasIanaId)
            return zone.Id;
        throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed,
            $"'{Shorten(timeZone)}' is not an IANA time zone id.", path,
            Hint: "Pass an IANA id such as Europe/Berlin, America/New_York or UTC; omit timeZone for UTC only.")]);
    }

    /// <summary>The zone of a stored id; null when there is none (or the host no longer knows it: then UTC only).</summary>
    public static TimeZoneInfo? Find(string? timeZone) =>
        timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? zone : null;

    /// <summary><paramref name="time"/> with the zone's offset at that instant; null when either is missing.</summary>
    public static DateTimeOffset? InZone(DateTimeOffset? time, TimeZoneInfo? zone) =>
        time is { } t && zone is not null ? TimeZoneInfo.ConvertTime(t, zone) : null;

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
