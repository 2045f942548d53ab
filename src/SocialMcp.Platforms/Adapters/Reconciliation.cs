using System.Text.Json;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Platforms.Adapters;

/// <summary>
/// What asking the platform about an earlier (or just-sent) creating call found: the post (<see cref="Found"/>), a
/// definite "not there" (<see cref="NotThere"/>: creating it is safe), or no answer at all (<see cref="Unknown"/>:
/// creating it could post twice, so the target needs a person).
/// </summary>
public abstract record LookupResult
{
    private LookupResult()
    {
    }

    /// <summary>The platform showed the post: this is the outcome to report.</summary>
    public sealed record Found(PublishOutcome Outcome) : LookupResult;

    /// <summary>The platform answered and the post is not there.</summary>
    public sealed record NotThere : LookupResult;

    /// <summary>The platform could not be asked, or its answer could not be read; <see cref="Why"/> says which, for a person.</summary>
    public sealed record Unknown(string Why) : LookupResult;

    public static LookupResult Absent { get; } = new NotThere();

    public static LookupResult Of(PublishOutcome? found) => found is null ? Absent : new Found(found);
}

/// <summary>
/// Thrown inside an adapter when the platform cannot tell whether a creating call made the post; the adapter base turns
/// it into <see cref="PublishOutcome.NeedsReconciliation"/> with <see cref="Exception.Message"/> as the reason.
/// </summary>
public sealed class ReconciliationNeededException(string reason) : Exception(reason);

/// <summary>One page of a platform's listing, newest first, and the cursor of the page after it (null on the last page).</summary>
public sealed record ListingPage(IReadOnlyList<JsonElement> Items, string? NextCursor);

/// <summary>
/// Looks for our post in a platform's newest-first listing, page by page, back to the start of the attempt's window.
/// "Not there" is said only once the whole window was read: a post our earlier attempt created can sit behind any number
/// of newer ones (other instances keep publishing to the same account), and stopping at the first page would create it
/// a second time. When the window holds more than <c>maxPages</c> pages the answer is <see cref="LookupResult.Unknown"/>.
/// </summary>
public static class ListingSearch
{
    /// <param name="listing">What is read, for a person ("the Page's feed").</param>
    /// <param name="readPage">Reads the page at a cursor (null: the first page).</param>
    /// <param name="match">The outcome when an item is our post; null otherwise.</param>
    /// <param name="olderThanWindow">True for an item the window does not reach, when the listing itself is not bounded by
    /// time: every item after it is older still, so the search can stop there.</param>
    public static async Task<LookupResult> FindAsync(
        string listing,
        int maxPages,
        Func<string?, Task<ListingPage>> readPage,
        Func<JsonElement, Task<PublishOutcome?>> match,
        Func<JsonElement, bool>? olderThanWindow = null)
    {
        string? cursor = null;
        for (var page = 0; page < Math.Max(1, maxPages); page++)
        {
            var read = await readPage(cursor);
            foreach (var item in read.Items)
            {
                if (await match(item) is { } found)
                    return new LookupResult.Found(found);
            }
            var windowEnds = read.Items.Count > 0 && olderThanWindow is not null && olderThanWindow(read.Items[^1]);
            if (read.NextCursor is null || read.Items.Count == 0 || windowEnds)
                return LookupResult.Absent;
            cursor = read.NextCursor;
        }
        return new LookupResult.Unknown($"{listing} holds more posts since then than the {maxPages} pages read");
    }
}
