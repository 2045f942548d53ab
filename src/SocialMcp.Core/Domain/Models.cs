using System.Text.Json;
using System.Text.Json.Serialization;
using SocialMcp.Core.Accounts.OAuth;

namespace SocialMcp.Core.Domain;

public sealed record Workspace(string Id, string Name, DateTimeOffset CreatedAt);

public sealed record PlatformSet(string Id, string WorkspaceId, string Name, bool IsDefault, DateTimeOffset CreatedAt);

public sealed record PlatformSetSummary(PlatformSet Set, int AccountCount);

/// <summary>
/// A connected account on one platform. <see cref="TokenReference"/> names where the secret lives
/// (never the secret itself); <see cref="Metadata"/> is platform- or sandbox-specific JSON.
/// </summary>
public sealed record Account
{
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public required string PlatformSetId { get; init; }
    public required Platform Platform { get; init; }
    public required string Handle { get; init; }
    public required string PlatformAccountId { get; init; }
    public string? TokenReference { get; init; }
    public DateTimeOffset? TokenExpiresAt { get; init; }
    public required bool IsSandbox { get; init; }
    public required JsonElement Metadata { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>How the account's access is kept alive; null for a pasted or sandbox token, which is never refreshed.</summary>
    public RefreshModel? RefreshModel { get; init; }

    /// <summary>Where the refresh token lives (a vault reference, never the token); null when the platform gave none.</summary>
    public string? RefreshTokenReference { get; init; }

    public DateTimeOffset? RefreshExpiresAt { get; init; }

    public IReadOnlyList<string> TokenScopes { get; init; } = [];

    /// <summary>Bumped by every stored renewal: tells a waiting refresher that another one already renewed the tokens.</summary>
    public int TokenVersion { get; init; }

    /// <summary>Failed refreshes in a row (cleared by a successful one).</summary>
    public int RefreshFailures { get; init; }

    /// <summary>Why the last refresh failed: the platform's error code or a short text, never a token.</summary>
    public string? LastRefreshError { get; init; }

    public DateTimeOffset? LastRefreshAttemptAt { get; init; }

    /// <summary>When the current access token was issued (connect or refresh); null for tokens stored before issue 12.</summary>
    public DateTimeOffset? LastRefreshedAt { get; init; }

    /// <summary>The grant is dead (revoked, expired refresh token): only a reconnect helps.</summary>
    public bool ReconnectRequired { get; init; }
}

/// <summary>
/// One media item of a post: either a <see cref="Url"/> the agent hosts, or a <see cref="MediaId"/> of the workspace's media
/// library, whose type and facts the server fills from the probed file (never from the caller).
/// </summary>
public sealed record MediaItem(
    string? Url,
    string Type,
    string? MimeType = null,
    long? SizeBytes = null,
    int? Width = null,
    int? Height = null,
    double? DurationSeconds = null,
    string? AltText = null,
    string? ThumbnailUrl = null,
    string? MediaId = null,
    string? VideoCodec = null,
    double? FrameRate = null)
{
    /// <summary>
    /// The URL a platform reads: set for every item once the publishing engine resolved library media (signed URL) for a
    /// platform that pulls. Throws for an unresolved library item, which is a bug in the caller, not bad input.
    /// </summary>
    [JsonIgnore]
    public string ResolvedUrl => Url ?? throw new InvalidOperationException($"Media item {MediaId} was not resolved to a URL before publishing.");

    [JsonIgnore] public bool IsImage => Type == MediaTypes.Image;
    [JsonIgnore] public bool IsVideo => Type == MediaTypes.Video;
}

public static class MediaTypes
{
    public const string Image = "image";
    public const string Video = "video";
}

/// <summary>Replaces the text and/or adds platform-specific settings (and, issue 15, a first comment) for one platform only.</summary>
public sealed record PlatformOverride(string? Text = null, JsonElement? Settings = null, FirstComment? FirstComment = null);

public sealed record PostContent(
    string Text,
    IReadOnlyList<MediaItem> Media,
    string? LinkUrl,
    IReadOnlyDictionary<Platform, PlatformOverride> PlatformOverrides)
{
    public string TextFor(Platform platform) =>
        PlatformOverrides.TryGetValue(platform, out var o) && o.Text is not null ? o.Text : Text;

    public JsonElement? SettingsFor(Platform platform) =>
        PlatformOverrides.TryGetValue(platform, out var o) ? o.Settings : null;

    /// <summary>
    /// A thread of 2–25 parts (issue 15); null for a single post. The input mapping also sets <see cref="Text"/>,
    /// <see cref="Media"/> and <see cref="PlatformOverrides"/> to part 0's, so code that knows nothing of threads sees the head.
    /// </summary>
    public IReadOnlyList<ThreadPart>? Thread { get; init; }

    /// <summary>
    /// The first comment for every platform of the post (validation refuses it when one of them takes none); an override's
    /// <see cref="PlatformOverride.FirstComment"/> wins.
    /// </summary>
    public FirstComment? FirstComment { get; init; }

    /// <summary>The existing post this one answers (issue 15); the post then targets that platform only.</summary>
    public ReplyTarget? ReplyTo { get; init; }

    /// <summary>The parts as published: the thread, or the single post as one part.</summary>
    [JsonIgnore]
    public IReadOnlyList<ThreadPart> Parts => Thread ?? [new ThreadPart(Text, Media, PlatformOverrides)];

    [JsonIgnore]
    public bool IsThread => Thread is { Count: > 1 };

    public FirstComment? FirstCommentFor(Platform platform) =>
        PlatformOverrides.TryGetValue(platform, out var o) && o.FirstComment is not null ? o.FirstComment : FirstComment;
}

public sealed record Post
{
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public required string PlatformSetId { get; init; }
    public required PostStatus Status { get; init; }
    public required PostContent Content { get; init; }
    public required IReadOnlyList<Platform> Platforms { get; init; }
    public DateTimeOffset? ScheduledFor { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public PublishPolicy Policy { get; init; } = PublishPolicy.Partial;
    public TimeSpan? Tolerance { get; init; }

    /// <summary>The IANA time zone (e.g. <c>Europe/Berlin</c>) results also give times in; null: UTC only.</summary>
    public string? TimeZone { get; init; }

    /// <summary>
    /// What each target that an edit of a partial or failed post may not touch (live, withdrawn, needs_reconciliation) went
    /// out with, frozen before the first such edit; null while <see cref="Content"/> is what every target got.
    /// </summary>
    public IReadOnlyDictionary<Platform, PublishedContent>? PublishedContent { get; init; }

    /// <summary>
    /// When the scheduler retries the post's rate-limited targets by itself, once, at the platform's reset (null: it will
    /// not). Read with the post; only the publish ledger writes it, through its own statements.
    /// </summary>
    public DateTimeOffset? AutoRetryAt { get; init; }

    /// <summary>
    /// How late the scheduler may still fire this post (issue 15); past it the post becomes <c>missed</c> and is never published
    /// late without being asked. Null: <c>Scheduling:MaxLateness</c>.
    /// </summary>
    public TimeSpan? MaxLateness { get; init; }

    /// <summary>The action waiting for a person's decision while the post is <c>awaiting_approval</c> (issue 16); null otherwise.</summary>
    public ApprovalRequest? Approval { get; init; }

    /// <summary>When the overdue alarm fired for this post (issue 16: due, not final within <c>Scheduling:OverdueAfter</c>); null: it has not.</summary>
    public DateTimeOffset? OverdueAt { get; init; }
}

/// <summary>The content one platform received, resolved (its override's text and settings applied).</summary>
public sealed record PublishedContent(string Text, IReadOnlyList<MediaItem> Media, string? LinkUrl, JsonElement? Settings)
{
    public static PublishedContent Of(PostContent content, Platform platform) =>
        new(content.TextFor(platform), content.Media, content.LinkUrl, content.SettingsFor(platform));
}

/// <summary>
/// What publishing does when some targets fail: <see cref="Partial"/> keeps what went out; <see cref="AllOrNothing"/>
/// pre-checks every target first and, if one still fails, takes the ones that went out down again where the platform allows.
/// </summary>
public enum PublishPolicy
{
    Partial,
    AllOrNothing,
}

public static class PublishPolicyNames
{
    public const string Partial = "partial";
    public const string AllOrNothing = "all_or_nothing";

    public static string ToWireName(this PublishPolicy policy) => policy == PublishPolicy.AllOrNothing ? AllOrNothing : Partial;

    public static PublishPolicy ParsePublishPolicy(string name) => name switch
    {
        Partial => PublishPolicy.Partial,
        AllOrNothing => PublishPolicy.AllOrNothing,
        _ => throw new ArgumentException($"Unknown publish policy '{name}'.", nameof(name)),
    };
}

/// <summary>
/// A post with its per-platform targets: what tools return. <see cref="Replayed"/> marks a post returned for a repeated
/// idempotency key instead of created or published again. <see cref="Risks"/> are what schedule_post found likely to go
/// wrong at the scheduled time.
/// </summary>
/// <see cref="Rollback"/> is what an all_or_nothing publish took down again after a target failed.
public sealed record PostDetails(
    Post Post,
    IReadOnlyList<PostTarget> Targets,
    bool Replayed = false,
    IReadOnlyList<ScheduleRisk>? Risks = null,
    IReadOnlyList<RolledBackTarget>? Rollback = null)
{
    /// <summary>The queue slot the post was just scheduled into (create_post or schedule_post with slot "next"); null otherwise.</summary>
    public Queue.QueueSlot? Slot { get; init; }
}

/// <summary>
/// One live target an all_or_nothing publish tried to take down because another target failed: <see cref="Withdrawn"/>
/// false means it is still live (the platform cannot delete through its API, or the delete failed: see the message).
/// </summary>
public sealed record RolledBackTarget(Platform Platform, bool Withdrawn, string? ErrorCode, string Message);

/// <summary>
/// Something likely to go wrong when a scheduled post fires, reported (not refused) by schedule_post and validate_post.
/// <see cref="Code"/> is one of <c>ScheduleRisks</c>' codes; these are not error codes.
/// </summary>
public sealed record ScheduleRisk(string Code, string Message, Platform? Platform = null, string? Path = null);

/// <summary>An idempotency key of one tool in one workspace: the hash of the arguments it came with and the post it produced.</summary>
public sealed record IdempotencyRecord(string WorkspaceId, string Tool, string Key, string RequestHash, string PostId, DateTimeOffset CreatedAt);

public sealed record PostTarget
{
    public required string PostId { get; init; }
    public required Platform Platform { get; init; }
    public required string AccountId { get; init; }
    public required TargetStatus Status { get; init; }
    public string? PlatformPostId { get; init; }
    public string? PublicUrl { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public required int AttemptCount { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public string? PlatformErrorCode { get; init; }
    public string? PlatformErrorMessage { get; init; }

    /// <summary>The HTTP status of the platform's answer the failure came from (null: no answer, or not an HTTP failure).</summary>
    public int? PlatformHttpStatus { get; init; }

    /// <summary>With RATE_LIMITED or QUOTA_EXHAUSTED: when the platform said it takes calls again.</summary>
    public DateTimeOffset? RetryAt { get; init; }
    public string? AttemptId { get; init; }

    /// <summary>Who took a withdrawn target down; null for any other status (and for rows withdrawn before this was kept).</summary>
    public WithdrawalCause? WithdrawnBy { get; init; }

    /// <summary>The handle of the target's account, read with the target (not stored on it): the result names who posted.</summary>
    public string? AccountHandle { get; init; }

    /// <summary>Whether the target's account is a sandbox account (publishes nowhere real), read with the target.</summary>
    public bool? AccountIsSandbox { get; init; }

    /// <summary>The target's later thread parts and first comment (issue 15), in publishing order; empty for a single post without one.</summary>
    public IReadOnlyList<TargetStep> Steps { get; init; } = [];

    /// <summary>When the server read the published post back from the platform and found it live (issue 16); null: not (yet) checked.</summary>
    public DateTimeOffset? VerifiedAt { get; init; }

    /// <summary>When a read-back found the published post gone, private or not found (issue 16); null while it looks live or is unchecked.</summary>
    public DateTimeOffset? NotVisibleAt { get; init; }

    /// <summary>What the read-back saw when it flagged the target not visible (the platform's words, never a token).</summary>
    public string? NotVisibleReason { get; init; }

    /// <summary>Read-backs tried so far (one that could not tell counts too; the verifier gives up after a few).</summary>
    public int VerifyAttempts { get; init; }
}

/// <summary>
/// Why a target is withdrawn. Only a <see cref="Rollback"/> goes up again with retry_post: a post someone took down on
/// purpose is never re-posted.
/// </summary>
public enum WithdrawalCause
{
    /// <summary>An all_or_nothing publish took it down because another target failed.</summary>
    Rollback,

    /// <summary>withdraw_post took it down through the platform.</summary>
    WithdrawPost,

    /// <summary>A person removed it on the platform and resolve_target recorded it (withdrawn_manually).</summary>
    Manual,
}

public static class WithdrawalCauses
{
    public static string ToWireName(this WithdrawalCause cause) => cause switch
    {
        WithdrawalCause.Rollback => "rollback",
        WithdrawalCause.WithdrawPost => "withdraw_post",
        _ => "manual",
    };

    public static WithdrawalCause Parse(string name) => name switch
    {
        "rollback" => WithdrawalCause.Rollback,
        "withdraw_post" => WithdrawalCause.WithdrawPost,
        "manual" => WithdrawalCause.Manual,
        _ => throw new ArgumentException($"Unknown withdrawal cause '{name}'.", nameof(name)),
    };
}

/// <summary>One row of the append-only event log: every change of a post's or a target's status.</summary>
public sealed record PostEvent
{
    public required long Id { get; init; }
    public required string PostId { get; init; }
    public Platform? Platform { get; init; }
    public required string EventType { get; init; }
    public string? FromStatus { get; init; }
    public string? ToStatus { get; init; }
    public required int PostVersion { get; init; }
    public string? Detail { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// An account's token health on the wire: <c>healthy</c>, <c>expiring</c> (a person must reconnect soon, or refreshes keep
/// failing) or <c>reconnect_required</c> (nothing but a reconnect helps). An expired access token that can still be
/// refreshed is healthy: the refresher renews it before use.
/// </summary>
public static class TokenHealth
{
    public const string Healthy = "healthy";
    public const string Expiring = "expiring";
    public const string ReconnectRequired = "reconnect_required";

    /// <summary>The default of <c>OAuth:ReconnectWarning</c>.</summary>
    public static readonly TimeSpan ExpiringWindow = TimeSpan.FromDays(7);

    /// <summary>The default of <c>OAuth:RepeatedFailureThreshold</c>.</summary>
    public const int DefaultRepeatedFailureThreshold = 3;

    public static string Of(Account account, DateTimeOffset now, TimeSpan? reconnectWarning = null, int repeatedFailureThreshold = DefaultRepeatedFailureThreshold)
    {
        var warning = reconnectWarning ?? ExpiringWindow;
        if (account.ReconnectRequired)
            return ReconnectRequired;
        var refreshable = TokenRenewal.CanRefresh(account, now);
        if (account.TokenExpiresAt is { } expiry && expiry <= now && !refreshable)
            return ReconnectRequired;
        if (account.RefreshFailures >= repeatedFailureThreshold)
            return Expiring;
        if (!refreshable && account.TokenExpiresAt is { } dies && dies - now <= warning)
            return Expiring;
        if (TokenRenewal.UsesRefreshToken(account) && account.RefreshExpiresAt is { } refreshDies && refreshDies - now <= warning)
            return Expiring;
        return Healthy;
    }
}
