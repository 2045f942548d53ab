namespace SocialMcp.Core.Webhooks;

/// <summary>
/// The event types a webhook endpoint can subscribe to (issue 16). The names are part of the public contract: receivers
/// switch on them, so they never change once shipped.
/// </summary>
public static class WebhookEventTypes
{
    public const string PostCreated = "post.created";
    public const string PostScheduled = "post.scheduled";
    public const string PostPublished = "post.published";
    public const string PostPartiallyPublished = "post.partially_published";
    public const string PostFailed = "post.failed";
    public const string PostWithdrawn = "post.withdrawn";
    public const string PostMissed = "post.missed";
    public const string PostOverdue = "post.overdue";
    public const string PostAwaitingApproval = "post.awaiting_approval";
    public const string PostApproved = "post.approved";
    public const string PostRejected = "post.rejected";
    public const string TargetNeedsReconciliation = "target.needs_reconciliation";
    public const string TargetNotVisible = "target.not_visible";
    public const string AccountExpiring = "account.expiring";
    public const string AccountReconnectRequired = "account.reconnect_required";
    public const string WebhookDisabled = "webhook.disabled";
    public const string WebhookTest = "webhook.test";

    /// <summary>Every type an endpoint may name in its subscription (<see cref="WebhookTest"/> goes only to the endpoint tested).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        PostCreated, PostScheduled, PostPublished, PostPartiallyPublished, PostFailed, PostWithdrawn, PostMissed, PostOverdue,
        PostAwaitingApproval, PostApproved, PostRejected, TargetNeedsReconciliation, TargetNotVisible, AccountExpiring,
        AccountReconnectRequired, WebhookDisabled,
    ];
}
