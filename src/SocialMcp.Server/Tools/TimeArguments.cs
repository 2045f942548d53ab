using SocialMcp.Core.Posts;
using SocialMcp.Core.Queue;

namespace SocialMcp.Server.Tools;

/// <summary>
/// Every time argument of the tools, read by <see cref="ZonedTimes"/>: an offset, or a local time plus timeZone. For a
/// local time with neither, the zone the post (or its platform set's schedule) already has is looked up, only to show the
/// corrected value in the hint; nothing is guessed.
/// </summary>
public sealed class TimeArguments(PostingQueue queue)
{
    /// <summary>A time for a stored post (update_post, schedule_post).</summary>
    public async Task<DateTimeOffset?> ForPostAsync(
        string workspaceId, string postId, string? value, string? timeZone, string path, CancellationToken cancellationToken) =>
        ZoneChecked(value, timeZone) is null ? null
        : NeedsHintZone(value, timeZone) ? ZonedTimes.Parse(value, null, path, await queue.ZoneOfPostAsync(workspaceId, postId, cancellationToken))
        : ZonedTimes.Parse(value, timeZone, path);

    /// <summary>A time for a new post or a window of a platform set (the default set when null).</summary>
    public async Task<DateTimeOffset?> ForSetAsync(
        string workspaceId, string? platformSetId, string? value, string? timeZone, string path, CancellationToken cancellationToken) =>
        ZoneChecked(value, timeZone) is null ? null
        : NeedsHintZone(value, timeZone) ? ZonedTimes.Parse(value, null, path, await queue.ZoneOfSetAsync(workspaceId, platformSetId, cancellationToken))
        : ZonedTimes.Parse(value, timeZone, path);

    /// <summary>The value, once a given timeZone is known to be an IANA id (VALIDATION_FAILED at $.timeZone), even without a time.</summary>
    private static string? ZoneChecked(string? value, string? timeZone)
    {
        PostTimeZones.Check(timeZone);
        return value;
    }

    private static bool NeedsHintZone(string value, string? timeZone) => timeZone is null && ZonedTimes.LacksOffset(value);
}
