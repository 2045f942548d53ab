using System.Text.Json;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Access;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.PlatformSets;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Validation;
using SocialMcp.Core.Webhooks;

namespace SocialMcp.Core.Posts;

/// <summary>Which actions wait for a person (<see cref="ApprovalOptions"/>), for the platform set of a post.</summary>
public sealed class ApprovalPolicy(IOptions<ApprovalOptions> options)
{
    public bool Requires(ApprovalAction action, PlatformSet set)
    {
        var settings = options.Value;
        var names = settings.PlatformSets.TryGetValue(set.Id, out var byId) ? byId.Required
            : settings.PlatformSets.TryGetValue(set.Name, out var byName) ? byName.Required
            : settings.Required;
        return names.Any(name => ApprovalPolicyNames.IsKnown(name) && ApprovalPolicyNames.Parse(name) == action);
    }
}

/// <summary>How a decision reached the server: the wire names in audit rows, post events and webhooks.</summary>
public static class ApprovalChannels
{
    /// <summary>The agent's client asked the person (elicitation/create, protocol 2025-11-25 and earlier).</summary>
    public const string Elicitation = "elicitation";

    /// <summary>The agent's client asked the person through a multi-round-trip input request (protocol 2026-07-28).</summary>
    public const string InputRequest = "input_request";

    public const string ApprovePost = "approve_post";
    public const string RejectPost = "reject_post";
}

/// <summary>Who decided and through what: a key id or OAuth client (never a secret), and the MCP client that asked the person.</summary>
public sealed record ApprovalDecider(string Channel, string? By, string? ClientName = null, string? ClientVersion = null)
{
    /// <summary>The deciding API key's (or OAuth grant's) id for the audit row's key column; null for the local operator.</summary>
    public string? KeyId { get; init; }

    public string Describe() =>
        $"channel={Channel} by={By ?? "unknown"}" + (ClientName is null ? "" : $" client={ClientName}/{ClientVersion ?? "?"}");
}

/// <summary>
/// Human approval (issue 16). publish_post, schedule_post and withdraw_post first ask <see cref="ApprovalPolicy"/>: when it
/// covers the action, the post moves to <c>awaiting_approval</c> with the request (<see cref="Post.Approval"/>) instead of
/// acting, after the same checks the action makes, so a person is never asked to approve something that cannot go. The
/// scheduler only claims <c>scheduled</c> posts and retry only <c>partial</c>/<c>failed</c> ones, so nothing of an awaiting
/// post reaches a platform. A decision (approve: the held action goes on exactly as asked; reject: back to the status it had)
/// is recorded in the post's events, the audit log and the webhook outbox, in the transaction that makes it.
/// </summary>
public sealed partial class PostService
{
    /// <summary>Holds a publish for approval; null when the policy does not cover it (or a repeated key: the publish path replays).</summary>
    public Task<PostDetails?> HoldPublishAsync(
        ApprovalPolicy policy, string workspaceId, PublishPostCommand command, string? requestedBy, CancellationToken cancellationToken) =>
        HoldAsync(workspaceId, command.PostId, async (session, post, targets, now) =>
        {
            string? requestHash = null;
            if (command.IdempotencyKey is { } key)
            {
                requestHash = IdempotencyKeys.RequestHash(command with { IdempotencyKey = null });
                if (await session.IdempotencyKeys.GetAsync(workspaceId, IdempotencyKeys.PublishPost, key, cancellationToken) is not null)
                    return null;
            }
            var set = await PlatformSetLookup.ResolveAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            if (!policy.Requires(ApprovalAction.Publish, set))
                return null;
            PostChanges.EnsureVersion(post, command.Version);
            PublishChecks.EnsurePublishable(post, targets);
            PostPlan.EnsureUnchanged(post, command.PlanHash);
            var accounts = await PostChanges.AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            validator.EnsureValid(new RuleContext(new PostDraft(post.Content, post.Platforms, null), accounts, now, RulePurpose.Publish));
            if (command.IdempotencyKey is { } newKey)
            {
                await session.IdempotencyKeys.InsertAsync(
                    new IdempotencyRecord(workspaceId, IdempotencyKeys.PublishPost, newKey, requestHash!, post.Id, now), cancellationToken);
            }
            return new ApprovalRequest(ApprovalAction.Publish, post.Status, now, requestedBy)
            {
                Arguments = JsonSerializer.SerializeToElement(new Dictionary<string, string?> { ["planHash"] = command.PlanHash }),
            };
        }, cancellationToken);

    /// <summary>Holds a schedule (a time, or slot "next" chosen now) for approval; null when the policy does not cover it.</summary>
    public Task<PostDetails?> HoldScheduleAsync(
        ApprovalPolicy policy, string workspaceId, string postId, DateTimeOffset? requestedFor, string? slotName, int? version, string? planHash,
        string? timeZone, TimeSpan? maxLateness, string? requestedBy, CancellationToken cancellationToken) =>
        HoldAsync(workspaceId, postId, async (session, post, targets, now) =>
        {
            var set = await PlatformSetLookup.ResolveAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            if (!policy.Requires(ApprovalAction.Schedule, set))
                return null;
            PostChanges.EnsureVersion(post, version);
            var (_, scheduledFor, zone, _) = await CheckScheduleAsync(
                session, workspaceId, post, planHash, slotName, requestedFor, timeZone, now, cancellationToken);
            return new ApprovalRequest(ApprovalAction.Schedule, post.Status, now, requestedBy, scheduledFor.ToUniversalTime())
            {
                Arguments = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
                {
                    ["timeZone"] = zone,
                    ["maxLatenessMinutes"] = maxLateness is { } lateness ? (int)lateness.TotalMinutes : null,
                }),
            };
        }, cancellationToken);

    /// <summary>Holds a withdraw for approval; null when the policy does not cover it.</summary>
    public Task<PostDetails?> HoldWithdrawAsync(
        ApprovalPolicy policy, string workspaceId, string postId, IReadOnlyList<Platform>? requested, int? version, string? requestedBy,
        CancellationToken cancellationToken) =>
        HoldAsync(workspaceId, postId, async (session, post, targets, now) =>
        {
            var set = await PlatformSetLookup.ResolveAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            if (!policy.Requires(ApprovalAction.Withdraw, set))
                return null;
            PostChanges.EnsureVersion(post, version);
            PostChanges.EnsureCanMove(post, PostStatus.Withdrawn, "withdraw");
            var chosen = ChooseTargetsToWithdraw(post, targets, requested);
            var accounts = await PostChanges.AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            var manual = chosen.Where(t => accounts.GetValueOrDefault(t.Platform) is not { } account || !withdrawal.CanWithdraw(account, t.Platform)).ToList();
            if (manual.Count > 0)
                throw CannotWithdrawThroughApi(manual, chosen, requested);
            return new ApprovalRequest(ApprovalAction.Withdraw, post.Status, now, requestedBy)
            {
                Arguments = JsonSerializer.SerializeToElement(new Dictionary<string, IReadOnlyList<string>?>
                {
                    ["platforms"] = requested?.Select(p => p.ToWireName()).ToList(),
                }),
            };
        }, cancellationToken);

    /// <summary>The action a post waits to carry out; INVALID_STATUS_TRANSITION when it waits for nothing.</summary>
    public async Task<ApprovalRequest> GetPendingApprovalAsync(string workspaceId, string postId, CancellationToken cancellationToken)
    {
        var details = await GetAsync(workspaceId, postId, cancellationToken);
        return EnsureAwaiting(details.Post, null);
    }

    /// <summary>Approves a held publish: the decision and the publish's claim are one transaction, then it publishes as publish_post does.</summary>
    public Task<PostDetails> ApprovePublishAsync(
        string workspaceId, string postId, ApprovalDecider decider, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        return publishing.PublishAsync(workspaceId, new PublishRequestSpec
        {
            PostId = postId,
            Approve = async (session, post, ct) =>
            {
                var held = EnsureAwaiting(post, ApprovalAction.Publish);
                return await GrantAsync(session, post, post with { Status = held.ReturnStatus, Approval = null }, decider, null, ct);
            },
            // No plan hash: it was checked when the agent asked, and nothing changes a post while it waits.
        }, progress, cancellationToken);
    }

    /// <summary>Approves a held schedule: scheduled at the time asked (the scheduler then fires it, or marks it missed when too late).</summary>
    public Task<PostDetails> ApproveScheduleAsync(string workspaceId, string postId, ApprovalDecider decider, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            var held = EnsureAwaiting(post, ApprovalAction.Schedule);
            if (held.ReturnStatus != PostStatus.Scheduled)
                await quotas.EnsureScheduleCapacityAsync(session, workspaceId, cancellationToken);
            var lateness = ArgumentOf(held, "maxLatenessMinutes") is { } minutes ? TimeSpan.FromMinutes(int.Parse(minutes, System.Globalization.CultureInfo.InvariantCulture)) : (TimeSpan?)null;
            var scheduled = post with
            {
                Status = PostStatus.Scheduled,
                ScheduledFor = held.ScheduledFor ?? post.ScheduledFor,
                TimeZone = ArgumentOf(held, "timeZone") ?? post.TimeZone,
                MaxLateness = lateness ?? post.MaxLateness,
                Approval = null,
            };
            var saved = await GrantAsync(session, post, scheduled, decider, $"scheduledFor={scheduled.ScheduledFor:O}", cancellationToken);
            await new WebhookOutbox(time).RecordPostAsync(session, WebhookEventTypes.PostScheduled, saved, null, cancellationToken);
            return new PostDetails(saved, targets);
        }, cancellationToken);

    /// <summary>Approves a held withdraw: the post returns to its live status with the decision recorded, then withdraw_post's flow runs.</summary>
    public async Task<WithdrawResult> ApproveWithdrawAsync(string workspaceId, string postId, ApprovalDecider decider, CancellationToken cancellationToken)
    {
        IReadOnlyList<Platform>? platforms = null;
        var granted = await store.WriteAsync(async session =>
        {
            var (post, _) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            var held = EnsureAwaiting(post, ApprovalAction.Withdraw);
            if (held.Arguments is { ValueKind: JsonValueKind.Object } arguments
                && arguments.TryGetProperty("platforms", out var named) && named.ValueKind == JsonValueKind.Array)
                platforms = named.EnumerateArray().Select(p => PlatformNames.Parse(p.GetString()!)).ToList();
            return await GrantAsync(session, post, post with { Status = held.ReturnStatus, Approval = null }, decider, null, cancellationToken);
        }, cancellationToken);
        changeNotifier.PostChanged(workspaceId, postId);
        return await WithdrawAsync(workspaceId, postId, platforms, granted.Version, cancellationToken);
    }

    /// <summary>Rejects a held action: the post returns to the status it had, the request cleared, the reason recorded.</summary>
    public Task<PostDetails> RejectAsync(string workspaceId, string postId, string reason, ApprovalDecider decider, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            if (string.IsNullOrWhiteSpace(reason))
            {
                throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, "A rejection needs a reason.", "$.reason",
                    Hint: "Say why, in a sentence the agent can act on, e.g. \"Wrong product name in the second line\".")]);
            }
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            var held = EnsureAwaiting(post, null);
            var detail = $"action={held.Action.ToWireName()} {decider.Describe()} reason={reason}";
            var saved = await changes.ChangeAsync(session, post, post with { Status = held.ReturnStatus, Approval = null }, "approval_rejected", detail,
                cancellationToken);
            await RecordDecisionAsync(session, saved, held, decider, granted: false, reason, cancellationToken);
            return new PostDetails(saved, targets);
        }, cancellationToken);

    // ---- approval helpers ---------------------------------------------------------------------

    /// <summary>One hold: the post loaded, <paramref name="request"/> runs the action's checks (null: no approval needed), the post waits.</summary>
    private async Task<PostDetails?> HoldAsync(
        string workspaceId, string postId, Func<IStoreSession, Post, IReadOnlyList<PostTarget>, DateTimeOffset, Task<ApprovalRequest?>> request,
        CancellationToken cancellationToken)
    {
        var held = await store.WriteAsync<PostDetails?>(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            if (post.Status == PostStatus.AwaitingApproval)
                return null;
            if (await request(session, post, targets, now) is not { } approval)
                return null;
            var waiting = post with { Status = PostStatus.AwaitingApproval, Approval = approval };
            var saved = await changes.ChangeAsync(session, post, waiting, "approval_requested",
                $"action={approval.Action.ToWireName()} requestedBy={approval.RequestedBy ?? "unknown"}"
                + (approval.ScheduledFor is { } at ? $" scheduledFor={at:O}" : ""), cancellationToken);
            return new PostDetails(saved, targets);
        }, cancellationToken);
        if (held is not null)
        {
            schedulerSignal.Poke();
            changeNotifier.PostChanged(workspaceId, postId);
        }
        return held;
    }

    private async Task<Post> GrantAsync(IStoreSession session, Post post, Post approved, ApprovalDecider decider, string? extra, CancellationToken cancellationToken)
    {
        var held = post.Approval!;
        var saved = await changes.ChangeAsync(session, post, approved, "approval_granted",
            $"action={held.Action.ToWireName()} {decider.Describe()}" + (extra is null ? "" : " " + extra), cancellationToken);
        await RecordDecisionAsync(session, saved, held, decider, granted: true, null, cancellationToken);
        return saved;
    }

    /// <summary>The decision's audit row and webhook event, in its transaction.</summary>
    private async Task RecordDecisionAsync(
        IStoreSession session, Post saved, ApprovalRequest held, ApprovalDecider decider, bool granted, string? reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await session.Audit.AppendAsync(new AuditEntry
        {
            WorkspaceId = saved.WorkspaceId,
            KeyId = decider.KeyId,
            ClientName = decider.ClientName,
            ClientVersion = decider.ClientVersion,
            Tool = "approval:" + decider.Channel,
            Outcome = $"{(granted ? "approved" : "rejected")} {held.Action.ToWireName()} post={saved.Id}",
            DurationMs = 0,
            OccurredAt = now,
        }, cancellationToken);
        await new WebhookOutbox(time).RecordPostAsync(session, granted ? WebhookEventTypes.PostApproved : WebhookEventTypes.PostRejected, saved,
            new Dictionary<string, string?>
            {
                ["action"] = held.Action.ToWireName(),
                ["channel"] = decider.Channel,
                ["decidedBy"] = decider.By,
                ["client"] = decider.ClientName is null ? null : $"{decider.ClientName}/{decider.ClientVersion}",
                ["reason"] = reason,
            }, cancellationToken);
    }

    /// <summary>The post's pending request (for <paramref name="action"/> when given); otherwise INVALID_STATUS_TRANSITION naming the status.</summary>
    private static ApprovalRequest EnsureAwaiting(Post post, ApprovalAction? action)
    {
        if (post.Status == PostStatus.AwaitingApproval && post.Approval is { } held && (action is null || held.Action == action))
            return held;
        throw new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
            post.Status == PostStatus.AwaitingApproval
                ? $"The post waits for approval to {post.Approval?.Action.ToWireName() ?? "act"}, not to {action?.ToWireName()}."
                : $"The post is '{post.Status.ToWireName()}', not awaiting_approval: there is nothing to approve or reject.",
            "$.postId", Hint: "get_post shows the post's status; only posts in awaiting_approval are approved or rejected."));
    }

    private static string? ArgumentOf(ApprovalRequest held, string name) =>
        held.Arguments is { ValueKind: JsonValueKind.Object } arguments && arguments.TryGetProperty(name, out var value)
            ? value.ValueKind switch { JsonValueKind.String => value.GetString(), JsonValueKind.Number => value.GetRawText(), _ => null }
            : null;

    /// <summary>Guards the paths that would move an awaiting post on without a decision (schedule_post: the table allows it for approvals).</summary>
    private static void EnsureNotAwaitingApproval(Post post, string action)
    {
        if (post.Status == PostStatus.AwaitingApproval)
        {
            throw new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
                $"The post is awaiting approval to {post.Approval?.Action.ToWireName() ?? "act"}, so it cannot {action} now. Nothing was changed.",
                "$.postId", Hint: "A person decides with approve_post or reject_post (a key with the posts:approve scope); cancel_post discards it."));
        }
    }
}
