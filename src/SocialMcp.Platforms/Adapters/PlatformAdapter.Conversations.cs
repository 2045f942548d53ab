using System.Globalization;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Platforms;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters;

/// <summary>A comment read back from a platform, to recognise ours after a lost answer.</summary>
/// <param name="AuthorId">The platform's id of the comment's author (a Page, IG user, member or organization URN, channel).</param>
public sealed record PlatformComment(string Id, string Text, string? AuthorId, DateTimeOffset? CreatedAt);

// Issue 15: replies, comments and reading posts back (docs/platforms.md#replies-and-comments).
public abstract partial class PlatformAdapter
{
    /// <summary>Handle kinds of a comment (the ledger keeps a step's handles apart from its post's, under the step's prefix).</summary>
    public static class CommentHandleKinds
    {
        /// <summary>The live comment's id: the comment exists.</summary>
        public const string CommentId = "comment_id";

        /// <summary>When the first creating call of this comment started (ISO 8601): from then on a retry looks before it creates.</summary>
        public const string Attempt = "comment_attempt";
    }

    /// <summary>
    /// True where a reply is a post of its own (X, Threads: <see cref="PublishCoreAsync"/> takes
    /// <see cref="PublishRequest.ReplyToPlatformPostId"/>); false where it is a comment (<see cref="PublishCommentAsync"/>).
    /// </summary>
    protected virtual bool RepliesArePosts => false;

    /// <summary>Whether comments this adapter made can be deleted through the API (even where deleting posts cannot).</summary>
    protected virtual bool CanDeleteComments => false;

    /// <summary>How far before the first attempt a comment read back may be dated and still be ours (clocks differ).</summary>
    protected virtual TimeSpan CommentClockSkew => TimeSpan.FromMinutes(5);

    /// <summary>Creates the comment and returns its id. Not retry-safe: the caller records an attempt first and reconciles.</summary>
    protected virtual Task<string> CreateCommentAsync(AdapterCall call, string parentId, string text, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{Name} has no comments.");

    /// <summary>The comments on a post, as the platform lists them (the first page is enough: ours is recent).</summary>
    protected virtual Task<IReadOnlyList<PlatformComment>> ListCommentsAsync(AdapterCall call, string parentId, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{Name} has no comments.");

    /// <summary>The author id our comments carry (the account itself by default).</summary>
    protected virtual string CommentAuthorId(AdapterCall call) => call.Account.PlatformAccountId;

    /// <summary>A comment's public address, when the platform has one.</summary>
    protected virtual string? CommentUrl(AdapterCall call, string parentId, string commentId) => null;

    /// <summary>Whether a refused comment call says that the post commented on is gone (REPLY_PARENT_NOT_FOUND).</summary>
    protected virtual bool ParentIsGone(PlatformFailure failure, string parentId) => false;

    protected virtual Task<WithdrawOutcome> WithdrawCommentCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken) =>
        Task.FromResult(WithdrawOutcome.Failed(ErrorCodes.WithdrawNotSupported, $"{Name} does not allow deleting comments through its API."));

    /// <summary>Reads a post back by id; the base turns failures into <see cref="PostLookupResult.Unknown"/>.</summary>
    protected virtual Task<PostLookup> LookUpCoreAsync(PostLookupRequest request, AdapterCall call, CancellationToken cancellationToken) =>
        Task.FromResult(PostLookup.Unknown($"{DisplayName} posts cannot be read back through its API."));

    /// <summary>
    /// Reads a post back (issue 15: a reply's parent; issue 16: a published post). Found, NotFound (deleted, private, never
    /// there) or Unknown (the read failed, was throttled or refused): a failure is never taken for "not found"
    /// (docs/platforms.md#read-back).
    /// </summary>
    public async Task<PostLookup> LookUpAsync(PostLookupRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var call = await PrepareAsync(request.Account, cancellationToken);
            return await LookUpCoreAsync(request, call, cancellationToken);
        }
        catch (PlatformCallException ex)
        {
            Logger.LogInformation("{Platform}: could not read post {PlatformPostId} back: {Code} {PlatformCode}", Name, request.PlatformPostId,
                ex.Failure.Code, ex.Failure.PlatformCode);
            return PostLookup.Unknown($"{DisplayName} could not be asked about {request.PlatformPostId}: {ex.Failure.Message}");
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            var why = ex is BrokenCircuitException ? $"calls to {DisplayName} are paused after repeated failures" : $"{DisplayName} did not answer";
            return PostLookup.Unknown($"Post {request.PlatformPostId} could not be read back: {why}.");
        }
    }

    /// <summary>A reply on a platform that has none: refused before any call, never posted as an ordinary post.</summary>
    private PublishOutcome? RefuseReply(PublishRequest request)
    {
        if (request.ReplyToPlatformPostId is null)
            return null;
        var conversation = PlatformCatalog.For(Platform).Conversation;
        if (conversation.Replies == ReplyKind.None && !conversation.FirstComment)
            return PublishOutcome.Failed(ErrorCodes.ReplyNotSupported, $"{DisplayName} has no replies or comments through its API; post it without replyTo.");
        if (!RepliesArePosts && request.Media.Count > 0)
            return PublishOutcome.Failed(ErrorCodes.UnsupportedMediaConfig, $"A {DisplayName} comment carries text only; remove its media.");
        if (!RepliesArePosts && string.IsNullOrWhiteSpace(request.Text))
            return PublishOutcome.Failed(ErrorCodes.ContentRejected, $"A {DisplayName} comment needs text.");
        return null;
    }

    /// <summary>
    /// A comment on <see cref="PublishRequest.ReplyToPlatformPostId"/>. Comments have no idempotency key, so the time of the
    /// first attempt is recorded before the creating call; on a retry, or after an answer that may hide a success (none, a
    /// 5xx), the post's comments are read and one with our text by our account, dated no earlier than that attempt, is ours.
    /// When they cannot be read nothing is created: the comment needs reconciling by a person (docs/platforms.md#comments-reconciliation).
    /// </summary>
    protected async Task<PublishOutcome> PublishCommentAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var parentId = request.ReplyToPlatformPostId!;
        var handles = request.Handles;
        if (await handles.GetAsync(CommentHandleKinds.CommentId, cancellationToken) is { } known)
            return PublishOutcome.Published(known, CommentUrl(call, parentId, known));

        var firstAttempt = DateTimeOffset.TryParse(await handles.GetAsync(CommentHandleKinds.Attempt, cancellationToken), CultureInfo.InvariantCulture,
            DateTimeStyles.RoundtripKind, out var at) ? at : (DateTimeOffset?)null;
        if (firstAttempt is not null)
        {
            switch (await FindCommentAsync(request, call, firstAttempt.Value, cancellationToken))
            {
                case LookupResult.Found found:
                    return found.Outcome;
                case LookupResult.Unknown unknown:
                    return NeedsReconciliation($"{DisplayName} may have created this comment on {parentId} on an earlier attempt (at {Minute(firstAttempt.Value)})",
                        unknown, CheckComments(parentId, firstAttempt.Value));
            }
        }

        var since = firstAttempt ?? Time.GetUtcNow();
        if (firstAttempt is null)
            await handles.SetAsync(CommentHandleKinds.Attempt, since.ToString("O", CultureInfo.InvariantCulture), cancellationToken);

        string commentId;
        try
        {
            commentId = await CreateCommentAsync(call, parentId, request.Text, cancellationToken);
        }
        catch (Exception ex) when (PlatformErrorClassifier.MayHaveActed(ex, cancellationToken))
        {
            Logger.LogWarning("{Platform} did not answer the comment for post {PostId}; reading the comments before reporting", Name, request.PostId);
            switch (await FindCommentAsync(request, call, since, cancellationToken))
            {
                case LookupResult.Found found:
                    return found.Outcome;
                case LookupResult.Unknown unknown:
                    return NeedsReconciliation($"{DisplayName} did not answer the call that creates the comment on {parentId}, so it may have created it",
                        unknown, CheckComments(parentId, since));
            }
            throw;
        }
        catch (PlatformCallException ex) when (ParentIsGone(ex.Failure, parentId))
        {
            throw new PlatformCallException(ex.Failure with
            {
                Code = ErrorCodes.ReplyParentNotFound,
                Message = $"{DisplayName} refused the comment: the post it answers ({parentId}) does not exist, was deleted or is not visible to this account.",
            });
        }
        await handles.SetAsync(CommentHandleKinds.CommentId, commentId, cancellationToken);
        return PublishOutcome.Published(commentId, CommentUrl(call, parentId, commentId));
    }

    /// <summary>Our comment among the post's: same text (line endings and outer spaces aside), our author, not older than the attempt.</summary>
    private Task<LookupResult> FindCommentAsync(PublishRequest request, AdapterCall call, DateTimeOffset since, CancellationToken cancellationToken) =>
        LookUpAsync($"the comments on {request.ReplyToPlatformPostId}", async () =>
        {
            var parentId = request.ReplyToPlatformPostId!;
            var author = CommentAuthorId(call);
            var text = NormalizeComment(request.Text);
            var from = since - CommentClockSkew;
            var ours = (await ListCommentsAsync(call, parentId, cancellationToken))
                .Where(c => NormalizeComment(c.Text) == text && (c.AuthorId is null || c.AuthorId == author) && (c.CreatedAt is null || c.CreatedAt >= from))
                .OrderBy(c => c.CreatedAt ?? DateTimeOffset.MaxValue)
                .FirstOrDefault();
            if (ours is null)
                return LookupResult.Absent;
            Logger.LogInformation("{Platform}: the comment of post {PostId} was already there as {CommentId}", Name, request.PostId, ours.Id);
            await request.Handles.SetAsync(CommentHandleKinds.CommentId, ours.Id, cancellationToken);
            return new LookupResult.Found(PublishOutcome.Published(ours.Id, CommentUrl(call, parentId, ours.Id)));
        }, cancellationToken);

    private string CheckComments(string parentId, DateTimeOffset since) =>
        $"Check the comments on {DisplayName} post {parentId} since {Minute(since)}, then resolve the target with resolve_target.";

    private static string NormalizeComment(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
}
