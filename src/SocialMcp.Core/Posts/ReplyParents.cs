using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Platforms;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Validation;

namespace SocialMcp.Core.Posts;

/// <summary>What the parent check found: a problem that refuses the post, a risk that only warns, or neither.</summary>
public sealed record ReplyParentVerdict(Problem? Problem = null, ScheduleRisk? Risk = null)
{
    public static ReplyParentVerdict Fine { get; } = new();

    /// <summary>The report with the problem added to its platform's verdict (validate_post shows it like a rule's).</summary>
    public ValidationReport AddTo(ValidationReport report)
    {
        if (Problem is not { } problem)
            return report;
        if (report.Platforms.Any(v => v.Platform == problem.Platform))
        {
            var verdicts = report.Platforms.Select(v => v.Platform == problem.Platform ? v with { Ok = false, Problems = [.. v.Problems, problem] } : v).ToList();
            return report with { Ok = false, Platforms = verdicts };
        }
        return report with { Ok = false, Problems = [.. report.Problems, problem] };
    }
}

/// <summary>
/// Checks that the post a reply answers (<see cref="PostContent.ReplyTo"/>) exists and the account can see it, by reading it back
/// through the platform (<see cref="IPlatformPublisher.LookUpAsync"/>) where the platform can read posts
/// (<see cref="ConversationSupport.CanReadPosts"/>). Only a clear "no such post" refuses; when nothing can be known (no read-back,
/// a failed call) the reply is accepted and validate_post says so as a risk. It calls the platform, so callers run it outside
/// any store transaction.
/// </summary>
public sealed class ReplyParents(IPublisherResolver publishers)
{
    /// <summary>The risk validate_post reports when the parent could not be checked.</summary>
    public const string ParentUnchecked = "REPLY_PARENT_UNCHECKED";

    private const string Path = "$.content.replyTo.platformPostId";

    public async Task<ReplyParentVerdict> CheckAsync(
        PostContent content, IReadOnlyDictionary<Platform, Account> accounts, CancellationToken cancellationToken)
    {
        if (content.ReplyTo is not { } reply)
            return ReplyParentVerdict.Fine;
        var support = PlatformCatalog.For(reply.Platform).Conversation;
        // No replies there, or no account: the rules refuse the post already (REPLY_NOT_SUPPORTED, PLATFORM_NOT_CONNECTED).
        if (support.Replies == ReplyKind.None || !accounts.TryGetValue(reply.Platform, out var account))
            return ReplyParentVerdict.Fine;

        var name = reply.Platform.ToWireName();
        PostLookup lookup;
        if (!support.CanReadPosts)
        {
            lookup = PostLookup.Unknown($"{name} posts cannot be read back through its API.");
        }
        else
        {
            try
            {
                lookup = await publishers.For(account).LookUpAsync(new PostLookupRequest(reply.Platform, account, reply.PlatformPostId), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed read-back tells nothing about the parent; its text stays out of results (it may quote a request).
                lookup = PostLookup.Unknown($"reading the post back from {name} failed.");
            }
        }

        var detail = SecretScrubber.Scrub(lookup.Detail)?.TrimEnd('.');
        return lookup.Result switch
        {
            PostLookupResult.NotFound => new ReplyParentVerdict(Problem: new Problem(ErrorCodes.ReplyParentNotFound,
                $"The {name} post {reply.PlatformPostId} to reply to was not found through the account {account.Handle}" + (detail is null ? "." : $": {detail}"),
                Path, reply.Platform,
                "Check the id (a target's platformPostId from get_post, or the id in the post's URL) and that the account can see the post: it is not deleted, private or another account's protected post.")),
            PostLookupResult.Unknown => new ReplyParentVerdict(Risk: new ScheduleRisk(ParentUnchecked,
                $"The {name} post {reply.PlatformPostId} could not be checked" + (detail is null ? "." : $" ({detail})") +
                " The reply is accepted; if that post does not exist, publishing it fails.", reply.Platform, Path)),
            _ => ReplyParentVerdict.Fine,
        };
    }
}
