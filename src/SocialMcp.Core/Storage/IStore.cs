using SocialMcp.Core.Access;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Media;

namespace SocialMcp.Core.Storage;

/// <summary>
/// The store as the domain sees it. A unit of work gets one connection; <see cref="WriteAsync{T}"/> wraps it
/// in one transaction so a status change, its version bump and its event land together or not at all.
/// </summary>
public interface IStore
{
    Task<T> ReadAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken);

    Task<T> WriteAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>
    /// A write of rows that record what was done and change nothing else (the audit log). Like <see cref="WriteAsync"/>
    /// it returns once its transaction has committed, so a crash of the server keeps the rows; a store may let that commit
    /// skip waiting for the disk (SQLite: see <c>SqliteStore</c>), so a power loss right after can lose them. Never for a
    /// change an agent or a person relies on. Each store says what it does (PostgreSQL: the same as a write).
    /// </summary>
    Task<T> WriteRecordAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken);
}

public interface IStoreSession
{
    IWorkspaceRepository Workspaces { get; }
    IPlatformSetRepository PlatformSets { get; }
    IAccountRepository Accounts { get; }
    IPostRepository Posts { get; }
    IPostTargetRepository Targets { get; }
    IPostEventRepository Events { get; }
    IApiKeyRepository ApiKeys { get; }
    IAuditLogRepository Audit { get; }
    IPublishHandleRepository Handles { get; }
    IIdempotencyKeyRepository IdempotencyKeys { get; }
    IConnectRepository Connects { get; }
    IMediaRepository Media { get; }
    ITargetStepRepository Steps { get; }
    IPostingScheduleRepository PostingSchedules { get; }
    IRunnerRepository Runners { get; }
    Webhooks.IWebhookRepository Webhooks { get; }
    IAlarmRepository Alarms { get; }
}

// One SQL statement per method; a missing row is null.

public interface IWorkspaceRepository
{
    Task<Workspace?> GetAsync(string workspaceId, CancellationToken cancellationToken);
    Task<Workspace?> FindByNameAsync(string name, CancellationToken cancellationToken);
    Task<IReadOnlyList<Workspace>> ListAsync(CancellationToken cancellationToken);
    Task InsertAsync(Workspace workspace, CancellationToken cancellationToken);
}

public interface IPlatformSetRepository
{
    Task<PlatformSet?> GetAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken);
    Task<PlatformSet?> GetDefaultAsync(string workspaceId, CancellationToken cancellationToken);
    Task<IReadOnlyList<PlatformSetSummary>> ListWithAccountCountsAsync(string workspaceId, CancellationToken cancellationToken);
    Task<PlatformSet?> FindByNameAsync(string workspaceId, string name, CancellationToken cancellationToken);
    Task<int> CountAsync(string workspaceId, CancellationToken cancellationToken);
    Task InsertAsync(PlatformSet set, CancellationToken cancellationToken);
    Task<bool> RenameAsync(string workspaceId, string platformSetId, string name, CancellationToken cancellationToken);
    Task<int> CountPostsUsingAsync(string platformSetId, CancellationToken cancellationToken);
    Task<bool> DeleteAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken);

    /// <summary>Unmarks the workspace's default set; followed by <see cref="MarkDefaultAsync"/> in the same transaction.</summary>
    Task<int> ClearDefaultAsync(string workspaceId, CancellationToken cancellationToken);

    Task<bool> MarkDefaultAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken);
}

public interface IAccountRepository
{
    Task<Account?> GetAsync(string workspaceId, string accountId, CancellationToken cancellationToken);
    Task<IReadOnlyList<Account>> ListInSetAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken);
    Task<IReadOnlyList<Account>> ListAsync(string workspaceId, Platform? platform, string? platformSetId, CancellationToken cancellationToken);

    /// <summary>The workspace's real (not sandbox) accounts outside the given set, by set and platform.</summary>
    Task<IReadOnlyList<Account>> ListRealOutsideSetAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken);
    Task InsertAsync(Account account, CancellationToken cancellationToken);
    Task<bool> UpdateMetadataAsync(string workspaceId, string accountId, string metadataJson, DateTimeOffset updatedAt, CancellationToken cancellationToken);
    Task<int> DeleteInSetAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken);

    /// <summary>Marks the account's token expired now (the platform said so), so token health shows it.</summary>
    Task<bool> MarkTokenExpiredAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken);
    Task<int> CountTargetsUsingAsync(string accountId, CancellationToken cancellationToken);
    Task<bool> DeleteAsync(string workspaceId, string accountId, CancellationToken cancellationToken);

    /// <summary>An account of any workspace, by id: for the refresher, which works across workspaces.</summary>
    Task<Account?> GetByIdAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>The workspace's real (not sandbox) account of this platform identity, in whichever set it is.</summary>
    Task<Account?> FindByIdentityAsync(string workspaceId, Platform platform, string platformAccountId, CancellationToken cancellationToken);

    /// <summary>Real accounts of every workspace that wait for a reconnect or whose last <paramref name="failureThreshold"/> or more refreshes failed.</summary>
    Task<IReadOnlyList<Account>> ListTokenTroubleAsync(int failureThreshold, CancellationToken cancellationToken);

    /// <summary>Every real account of every workspace that a refresh could renew (a refresh model, not waiting for a reconnect).</summary>
    Task<IReadOnlyList<Account>> ListRefreshableAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the account's refresh lease for <paramref name="owner"/> until <paramref name="leaseUntil"/> if it is free, run out or
    /// already <paramref name="owner"/>'s, and records the attempt time, in one statement. False: another refresher holds it.
    /// </summary>
    /// <param name="takeOverFrom">An owner whose lease may be taken even before it runs out (a process that is gone).</param>
    Task<bool> TryTakeRefreshLeaseAsync(
        string accountId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken, string? takeOverFrom = null);

    /// <summary>Who holds the account's refresh lease now; null when nobody does (or it ran out).</summary>
    Task<string?> GetRefreshLeaseOwnerAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<bool> ReleaseRefreshLeaseAsync(string accountId, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a renewal in one statement: the new access token, the new refresh token (or keeps the old one when none came
    /// back), expiries, token_version + 1, failures and reconnect_required cleared, the lease released if it is the owner's.
    /// </summary>
    Task<bool> StoreRenewedTokensAsync(RenewedTokens renewed, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a failed refresh (and, for a dead grant, requires a reconnect) and releases the lease, unless the tokens were
    /// renewed since <paramref name="seenTokenVersion"/> (another refresher succeeded meanwhile): then only the lease is released.
    /// </summary>
    Task<bool> RecordRefreshFailureAsync(
        string accountId, string owner, int seenTokenVersion, string error, bool reconnectRequired, CancellationToken cancellationToken);

    /// <summary>The platform refused the account's token even after a refresh: only a reconnect helps.</summary>
    Task<bool> MarkReconnectRequiredAsync(string accountId, string error, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// A reconnect of the same platform identity: new tokens, handle, metadata and refresh model in place (same id, same
    /// targets), token_version + 1, failures and reconnect_required cleared.
    /// </summary>
    Task<bool> RenewInPlaceAsync(Account account, CancellationToken cancellationToken);
}

/// <summary>What one successful refresh stores; token values are vault references.</summary>
public sealed record RenewedTokens(
    string AccountId,
    string AccessTokenReference,
    DateTimeOffset? AccessExpiresAt,
    string? RefreshTokenReference,
    DateTimeOffset? RefreshExpiresAt,
    IReadOnlyList<string> Scopes,
    DateTimeOffset RenewedAt,
    string LeaseOwner);

public sealed record PostQuery(PostStatus? Status, Platform? Platform, int Limit, int Offset)
{
    /// <summary>
    /// A calendar window (issue 15): only posts whose time falls in [<see cref="From"/>, <see cref="To"/>), in time order
    /// (oldest first) instead of newest created first. A post's time is when it first went out on a target, else its
    /// scheduledFor; a post with neither (a draft) is in no window.
    /// </summary>
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }

    /// <summary>Only posts of this platform set.</summary>
    public string? PlatformSetId { get; init; }

    public bool IsWindow => From is not null || To is not null;
}

public interface IPostRepository
{
    Task<Post?> GetAsync(string workspaceId, string postId, CancellationToken cancellationToken);
    Task<IReadOnlyList<Post>> ListAsync(string workspaceId, PostQuery query, CancellationToken cancellationToken);
    Task<int> CountAsync(string workspaceId, PostQuery query, CancellationToken cancellationToken);
    Task<int> CountInStatusAsync(string workspaceId, PostStatus status, CancellationToken cancellationToken);

    /// <summary>
    /// The posts the workspace created in the UTC calendar month that holds <paramref name="instant"/>: a counter kept by
    /// <see cref="InsertAsync"/>, read in one lookup whatever the month's number of posts.
    /// </summary>
    Task<int> CountCreatedInMonthAsync(string workspaceId, DateTimeOffset instant, CancellationToken cancellationToken);

    /// <summary>
    /// Targets of the account that go out in [<paramref name="from"/>, <paramref name="to"/>): of scheduled posts due then, and
    /// targets published (or in review) then; <paramref name="exceptPostId"/> is left out.
    /// </summary>
    Task<int> CountAccountPostsOnDayAsync(string accountId, DateTimeOffset from, DateTimeOffset to, string? exceptPostId, CancellationToken cancellationToken);

    /// <summary>The workspace's scheduled posts due in [<paramref name="from"/>, <paramref name="to"/>), <paramref name="exceptPostId"/> left out.</summary>
    Task<int> CountScheduledBetweenAsync(string workspaceId, DateTimeOffset from, DateTimeOffset to, string? exceptPostId, CancellationToken cancellationToken);

    /// <summary>Stores a new post and counts it in its workspace's month (of <see cref="Post.CreatedAt"/>), in the same transaction.</summary>
    Task InsertAsync(Post post, CancellationToken cancellationToken);

    /// <summary>Writes the post's mutable fields if the stored version is still <paramref name="expectedVersion"/>.</summary>
    Task<bool> UpdateAsync(Post post, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Bumps the version for a change that is not the post's own (a target's status) and returns the new
    /// version; unconditional, so concurrent target outcomes of one publish never conflict with each other.
    /// </summary>
    Task<int?> BumpVersionAsync(string postId, DateTimeOffset updatedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="limit"/> of the oldest due scheduled posts (and posts due for their automatic retry,
    /// <see cref="DuePost.AutoRetry"/>) whose lease is free, has run out, or belongs to one of <paramref name="deadOwners"/>
    /// to <paramref name="owner"/> until <paramref name="leaseUntil"/>, atomically in one statement, so two workers never claim
    /// the same post. Oldest first; empty when nothing is due.
    /// </summary>
    Task<IReadOnlyList<DuePost>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken,
        IReadOnlyCollection<string>? deadOwners = null);

    /// <summary>
    /// When a worker may next claim something: the earliest scheduled time, or the end of a live lease on it, or the end
    /// of the lease of a post being published (it is recovered if its publisher stops renewing it). Null when there is none.
    /// </summary>
    Task<DateTimeOffset?> NextDueAtAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>How many scheduled posts are due (in every workspace) and the scheduled time of the oldest.</summary>
    Task<DueSummary> SummarizeDueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="owner"/> still holds a live lease on the post.</summary>
    Task<bool> HoldsLeaseAsync(string postId, string owner, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Leases a post to <paramref name="owner"/> as it starts publishing (in the transaction that moves it there).</summary>
    Task<bool> TakeLeaseAsync(string postId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Extends <paramref name="owner"/>'s lease; false when another worker has taken the post over.</summary>
    Task<bool> RenewLeaseAsync(string postId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>The owners of live leases (on due or publishing posts), so a worker can tell which belong to processes that are gone.</summary>
    Task<IReadOnlyList<string>> ListLeaseOwnersAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="limit"/> posts left in <c>publishing</c> by a publisher that stopped (its lease ran out, or
    /// its owner is in <paramref name="deadOwners"/>), atomically in one statement. Empty when there is none.
    /// </summary>
    Task<IReadOnlyList<DuePost>> ClaimOrphanedPublishingAsync(
        string owner, DateTimeOffset now, DateTimeOffset leaseUntil, IReadOnlyCollection<string> deadOwners, int limit, CancellationToken cancellationToken);

    /// <summary>Gives the post's lease up, if <paramref name="owner"/> holds it.</summary>
    Task<bool> ReleaseLeaseAsync(string postId, string owner, CancellationToken cancellationToken);

    /// <summary>Sets (or, with null, clears) when the scheduler retries the post's rate-limited targets by itself.</summary>
    Task SetAutoRetryAsync(string postId, DateTimeOffset? at, CancellationToken cancellationToken);
}

/// <summary>
/// A post a worker has leased: a scheduled post that is due, or (<see cref="AutoRetry"/>) a partial or failed post whose
/// rate-limited targets are due for their one automatic retry (<see cref="ScheduledFor"/> is then that time).
/// </summary>
public sealed record DuePost(string PostId, string WorkspaceId, DateTimeOffset ScheduledFor)
{
    public bool AutoRetry { get; init; }

    /// <summary>The post's own lateness (maxLatenessMinutes) as the claim read it; null: the server's Scheduling:MaxLateness.</summary>
    public TimeSpan? MaxLateness { get; init; }
}

public sealed record DueSummary(int Count, DateTimeOffset? OldestScheduledFor);

public interface IPostTargetRepository
{
    Task<IReadOnlyList<PostTarget>> ListForPostAsync(string postId, CancellationToken cancellationToken);
    Task<IReadOnlyList<PostTarget>> ListForPostsAsync(IReadOnlyCollection<string> postIds, CancellationToken cancellationToken);
    Task InsertAsync(PostTarget target, CancellationToken cancellationToken);
    Task UpdateAsync(PostTarget target, CancellationToken cancellationToken);
    Task DeleteForPostAsync(string postId, CancellationToken cancellationToken);

    /// <summary>
    /// When each of the account's targets went live at or after <paramref name="since"/>, oldest first (withdrawn ones
    /// included: they still counted against the platform's cap when they went out).
    /// </summary>
    Task<IReadOnlyList<DateTimeOffset>> ListAccountLiveSinceAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken);
}

public interface IPostEventRepository
{
    Task AppendAsync(PostEvent postEvent, CancellationToken cancellationToken);
    Task<IReadOnlyList<PostEvent>> ListForPostAsync(string postId, CancellationToken cancellationToken);

    /// <summary>How many times posts of the workspace entered <c>scheduled</c> since the given time.</summary>
    Task<int> CountScheduledSinceAsync(string workspaceId, DateTimeOffset since, CancellationToken cancellationToken);
}

public interface IApiKeyRepository
{
    Task<ApiKey?> GetAsync(string keyId, CancellationToken cancellationToken);
    Task<IReadOnlyList<ApiKey>> ListAsync(string? workspaceId, CancellationToken cancellationToken);
    Task InsertAsync(ApiKey key, CancellationToken cancellationToken);
    Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken);
}

public interface IPublishHandleRepository
{
    Task<string?> GetAsync(string postId, Platform platform, string kind, CancellationToken cancellationToken);
    Task SetAsync(string postId, Platform platform, string kind, string value, DateTimeOffset at, CancellationToken cancellationToken);
}

public interface IIdempotencyKeyRepository
{
    Task<IdempotencyRecord?> GetAsync(string workspaceId, string tool, string key, CancellationToken cancellationToken);

    /// <summary>Records a key; call it in the transaction that creates or claims the post, so a key never outlives a rollback.</summary>
    Task InsertAsync(IdempotencyRecord record, CancellationToken cancellationToken);
}

public interface IAuditLogRepository
{
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Appends the entry and returns its row id (a tool call's row written with its write, <see cref="Access.ToolCallAudit"/>).</summary>
    Task<long> InsertAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Corrects a call's stored outcome and duration: the row went in with an earlier write of a call that then ended otherwise.</summary>
    Task SetOutcomeAsync(long id, string outcome, double durationMs, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditEntry>> ListAsync(string workspaceId, int limit, CancellationToken cancellationToken);
}

// ---- issue 15 -------------------------------------------------------------------------------------------------

/// <summary>The later thread parts and first comments of targets (<see cref="TargetStep"/>).</summary>
public interface ITargetStepRepository
{
    /// <summary>Every step of the post, ordered by platform, then parts by index, then the comment.</summary>
    Task<IReadOnlyList<TargetStep>> ListForPostAsync(string postId, CancellationToken cancellationToken);

    /// <summary>Inserts the step, or replaces the stored one with the same (post, platform, kind, index).</summary>
    Task UpsertAsync(TargetStep step, CancellationToken cancellationToken);

    /// <summary>Removes the steps of one target that are not live (pending, failed): an edit of its content re-plans them.</summary>
    Task<int> DeleteUnpublishedAsync(string postId, Platform platform, CancellationToken cancellationToken);
}

/// <summary>A weekly posting time in the schedule's zone, e.g. Monday 09:00.</summary>
public sealed record WeeklySlot(DayOfWeek Day, TimeOnly Time);

/// <summary>
/// A platform set's weekly posting schedule (the queue): local wall times in an IANA zone. schedule_post's <c>slot: "next"</c>
/// takes the earliest of its occurrences that no post of the set holds.
/// </summary>
public sealed record PostingSchedule(
    string PlatformSetId, string WorkspaceId, string TimeZone, IReadOnlyList<WeeklySlot> Slots, DateTimeOffset UpdatedAt);

public interface IPostingScheduleRepository
{
    Task<PostingSchedule?> GetAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken);

    Task UpsertAsync(PostingSchedule schedule, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken);

    /// <summary>
    /// The times in [<paramref name="from"/>, <paramref name="to"/>) that posts of the set hold: scheduled, publishing, or already
    /// gone out (published, partial) at their scheduled time; <paramref name="exceptPostId"/> left out.
    /// </summary>
    Task<IReadOnlyList<DateTimeOffset>> ListTakenTimesAsync(
        string platformSetId, DateTimeOffset from, DateTimeOffset to, string? exceptPostId, CancellationToken cancellationToken);
}

/// <summary>Which kind of process runs a scheduler: the background service (<c>socialmcp service</c>) or a serving server.</summary>
public static class RunnerKinds
{
    public const string Service = "service";
    public const string Server = "server";
}

/// <summary>A process that runs the scheduler on this database, and when it last said it was alive.</summary>
public sealed record RunnerRecord(string Owner, string Kind, DateTimeOffset StartedAt, DateTimeOffset LastSeenAt);

public interface IRunnerRepository
{
    /// <summary>Inserts or refreshes the runner's row (its last-seen time).</summary>
    Task HeartbeatAsync(RunnerRecord runner, CancellationToken cancellationToken);

    /// <summary>The runner of this kind seen most recently; null when none ever was.</summary>
    Task<RunnerRecord?> GetLatestAsync(string kind, CancellationToken cancellationToken);

    Task<bool> RemoveAsync(string owner, CancellationToken cancellationToken);
}
