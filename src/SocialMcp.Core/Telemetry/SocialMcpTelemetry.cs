using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SocialMcp.Core.Telemetry;

/// <summary>
/// The server's one <see cref="ActivitySource"/> and one <see cref="Meter"/> (issue 16), both named <see cref="Name"/>.
/// Code records through these whether or not anything listens: with no OpenTelemetry provider subscribed, starting an
/// activity returns null and recording an instrument costs a check. The host decides where they go (OTLP, or nowhere).
/// </summary>
public static class SocialMcpTelemetry
{
    public const string Name = "SocialMcp";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>The names of the spans the server starts (docs/telemetry.md lists their tags).</summary>
    public static class Spans
    {
        /// <summary>Prefix of a tool call's span: <c>tools/call publish_post</c>.</summary>
        public const string ToolCall = "tools/call";
        public const string Publish = "publish";
        /// <summary>Prefix of one target's span: <c>publish x</c>.</summary>
        public const string PublishTarget = "publish";
        public const string SchedulerPublish = "scheduler publish";
        public const string SchedulerRecover = "scheduler recover";
    }

    /// <summary>Tag names shared by spans and metrics. Never a token, a secret or a post's text.</summary>
    public static class Tags
    {
        public const string Tool = "tool";
        public const string Outcome = "outcome";
        public const string Workspace = "workspace";
        public const string PostId = "post.id";
        public const string Platform = "platform";
        public const string Platforms = "platforms";
        public const string Status = "status";
        public const string Kind = "kind";
        public const string SqlState = "db.sqlstate";
    }

    public static readonly Meter Meter = new(Name);

    /// <summary>How long each tool call took, tagged <c>tool</c> and <c>outcome</c> (ok, or the error code).</summary>
    public static readonly Histogram<double> ToolDuration =
        Meter.CreateHistogram<double>("socialmcp.tool.duration", "ms", "Duration of MCP tool calls.");

    /// <summary>Each target's publish outcome, tagged <c>platform</c> and <c>outcome</c> (published, or the error code).</summary>
    public static readonly Counter<long> PublishOutcomes =
        Meter.CreateCounter<long>("socialmcp.publish.outcomes", "{target}", "Publish outcomes per platform and code.");

    /// <summary>How late the scheduler fired a due post after its scheduled time.</summary>
    public static readonly Histogram<double> SchedulerLag =
        Meter.CreateHistogram<double>("socialmcp.scheduler.lag", "ms", "Delay between a post's scheduled time and its claim.");

    /// <summary>
    /// How many scheduled posts are due and not yet claimed, as the scheduler last counted them (every workspace). The
    /// callback only reads the cached count: the scheduler refreshes it once per pass, and only while something listens.
    /// </summary>
    public static readonly ObservableGauge<long> DueQueueDepth =
        Meter.CreateObservableGauge("socialmcp.scheduler.due_posts", ObserveDueQueueDepth, "{post}",
            "Scheduled posts that are due and not yet claimed, as of the scheduler's last pass.");

    /// <summary>Token refreshes, tagged <c>platform</c> and <c>outcome</c> (renewed, failed, reconnect_required).</summary>
    public static readonly Counter<long> TokenRefreshes =
        Meter.CreateCounter<long>("socialmcp.token.refreshes", "{refresh}", "Platform token refreshes.");

    /// <summary>Webhook delivery attempts, tagged <c>outcome</c> (succeeded, failed) and <c>event_type</c>.</summary>
    public static readonly Counter<long> WebhookDeliveries =
        Meter.CreateCounter<long>("socialmcp.webhook.deliveries", "{attempt}", "Webhook delivery attempts.");

    /// <summary>
    /// Write transactions the shared store rolled back to keep them serializable and ran again, tagged <c>db.sqlstate</c>
    /// (40001 serialization failure, 40P01 deadlock). Only PostgreSQL has them: SQLite has one writer.
    /// </summary>
    public static readonly Counter<long> StoreWriteConflicts =
        Meter.CreateCounter<long>("socialmcp.store.write_conflicts", "{conflict}", "Store write transactions run again after a serialization conflict.");

    /// <summary>Latency of webhook delivery attempts, tagged <c>outcome</c>.</summary>
    public static readonly Histogram<double> WebhookLatency =
        Meter.CreateHistogram<double>("socialmcp.webhook.latency", "ms", "Latency of webhook delivery attempts.");

    // Stored as count + 1 so that 0 means "never counted" (a host whose scheduler has not run reports nothing).
    private static long _dueQueueDepthPlusOne;

    /// <summary>The scheduler's latest count of due posts, which <see cref="DueQueueDepth"/> reports.</summary>
    public static void ReportDueQueueDepth(int count) => Interlocked.Exchange(ref _dueQueueDepthPlusOne, count + 1L);

    private static IEnumerable<Measurement<long>> ObserveDueQueueDepth()
    {
        var plusOne = Interlocked.Read(ref _dueQueueDepthPlusOne);
        return plusOne == 0 ? [] : [new Measurement<long>(plusOne - 1)];
    }

    /// <summary>
    /// Starts a span that has no parent whatever the caller's ambient span is: work the scheduler starts by itself is a
    /// trace of its own. Null (and no allocation) when nothing listens.
    /// </summary>
    public static Activity? StartRootActivity(string name)
    {
        if (!Source.HasListeners())
            return null;
        var ambient = Activity.Current;
        Activity.Current = null;
        var activity = Source.StartActivity(name, ActivityKind.Internal);
        if (activity is null)
            Activity.Current = ambient;
        return activity;
    }
}
