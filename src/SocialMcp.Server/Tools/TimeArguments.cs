using SocialMcp.Core.Posts;
using SocialMcp.Core.Queue;

namespace SocialMcp.Server.Tools;

/// <summary>
/// Every time argument of the tools, read by <see cref="ZonedTimes"/>: an offset, or a local time plus timeZone. For a
/// local time with neither, the zone the post (or its platform set's schedule) already has is looked up, only to show the
/// corrected value in the hint; nothing is guessed. A given timeZone is checked even when there is no time to read.
/// </summary>
public sealed class TimeArguments(PostingQueue queue)
{
    /// <summary>A time for a stored post (update_post, schedule_post).</summary>
    public Task<DateTimeOffset?> ForPostAsync(
        string workspaceId, string postId, string? value, string? timeZone, string path, CancellationToken cancellationToken) =>
        ReadAsync(value, timeZone, path, () => queue.ZoneOfPostAsync(workspaceId, postId, cancellationToken));

    /// <summary>A time for a new post or a window of a platform set (the default set when null).</summary>
    public Task<DateTimeOffset?> ForSetAsync(
        string workspaceId, string? platformSetId, string? value, string? timeZone, string path, CancellationToken cancellationToken) =>
        ReadAsync(value, timeZone, path, () => queue.ZoneOfSetAsync(workspaceId, platformSetId, cancellationToken));

    private static async Task<DateTimeOffset?> ReadAsync(string? value, string? timeZone, string path, Func<Task<string?>> hintZone)
    {
        PostTimeZones.Check(timeZone);
        if (value is null)
            return null;
        if (timeZone is null && ZonedTimes.LacksOffset(value))
            return ZonedTimes.Parse(value, null, path, await hintZone());
        return ZonedTimes.Parse(value, timeZone, path);
    }
}
