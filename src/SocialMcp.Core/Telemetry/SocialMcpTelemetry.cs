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

    /// <summary>Token refreshes, tagged <c>platform</c> and <c>outcome</c> (renewed, failed, reconnect_required).</summary>
    public static readonly Counter<long> TokenRefreshes =
        Meter.CreateCounter<long>("socialmcp.token.refreshes", "{refresh}", "Platform token refreshes.");

    /// <summary>Webhook delivery attempts, tagged <c>outcome</c> (succeeded, failed) and <c>event_type</c>.</summary>
    public static readonly Counter<long> WebhookDeliveries =
        Meter.CreateCounter<long>("socialmcp.webhook.deliveries", "{attempt}", "Webhook delivery attempts.");

    /// <summary>Latency of webhook delivery attempts, tagged <c>outcome</c>.</summary>
    public static readonly Histogram<double> WebhookLatency =
        Meter.CreateHistogram<double>("socialmcp.webhook.latency", "ms", "Latency of webhook delivery attempts.");
}
