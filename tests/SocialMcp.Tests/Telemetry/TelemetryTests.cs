using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Telemetry;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Hosting.Telemetry;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Telemetry;

/// <summary>
/// Issue 16's telemetry, in process with the spans and metrics exported to memory: a tool call, the publish it starts and
/// each platform HTTP call to the emulator form one trace; the scheduler's publishes are traces of their own; the metrics
/// carry tool latency, publish outcomes per platform and code, scheduler lag and the due queue's depth. Nothing in a tag is a
/// token, a query string or a post's text.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryTests
{
    private const string HttpClientSource = "System.Net.Http";

    private static async Task<(InProcessMcpServer Server, RecordedTelemetry Telemetry)> StartAsync(bool withScheduler = false)
    {
        var telemetry = new RecordedTelemetry();
        var server = await InProcessMcpServer.StartAsync(configure: services =>
        {
            telemetry.Register(services);
            if (withScheduler)
                services.AddSocialScheduler();
        });
        telemetry.Attach(server.Services);
        return (server, telemetry);
    }

    private static async Task<string> CreateAsync(InProcessMcpServer server, string text, params string[] platforms)
    {
        var created = await server.CallOkAsync("create_post", JsonSerializer.Serialize(new { content = new { text }, platforms }));
        return created.StructuredContent!.Value.GetProperty("id").GetString()!;
    }

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    private static Activity PublishSpanOf(RecordedTelemetry telemetry, string postId) =>
        Assert.Single(telemetry.Spans, s => s.Source.Name == SocialMcpTelemetry.Name && s.DisplayName == SocialMcpTelemetry.Spans.Publish
            && Tag(s, SocialMcpTelemetry.Tags.PostId) == postId);

    private static IEnumerable<MetricPoint> Points(MetricSnapshot metric)
    {
        foreach (var point in metric.MetricPoints)
            yield return point;
    }

    [Fact]
    public async Task PublishPost_OneTrace_ToolCallThenPublishThenEachTargetThenItsPlatformCalls()
    {
        var (server, telemetry) = await StartAsync();
        await using var _ = server;
        var text = $"Traced hello {Guid.NewGuid():N}";
        var id = await CreateAsync(server, text, "x", "linkedin");

        await server.CallOkAsync("publish_post", $$"""{"postId": "{{id}}"}""");

        var publish = PublishSpanOf(telemetry, id);
        Assert.Equal("x,linkedin", Tag(publish, SocialMcpTelemetry.Tags.Platforms));
        Assert.Equal("published", Tag(publish, SocialMcpTelemetry.Tags.Status));
        var tool = Assert.Single(telemetry.AncestorsOf(publish));
        Assert.Equal("tools/call publish_post", tool.DisplayName);
        Assert.Equal(default, tool.ParentSpanId);
        Assert.Equal("publish_post", Tag(tool, SocialMcpTelemetry.Tags.Tool));
        Assert.Equal(LocalWorkspace.Id, Tag(tool, SocialMcpTelemetry.Tags.Workspace));
        Assert.Equal("ok", Tag(tool, SocialMcpTelemetry.Tags.Outcome));

        var trace = telemetry.Spans.Where(s => s.TraceId == tool.TraceId).ToList();
        foreach (var platform in new[] { "x", "linkedin" })
        {
            var target = Assert.Single(trace, s => s.DisplayName == $"publish {platform}");
            Assert.Equal(publish.SpanId, target.ParentSpanId);
            Assert.Equal(platform, Tag(target, SocialMcpTelemetry.Tags.Platform));
            Assert.Equal("published", Tag(target, SocialMcpTelemetry.Tags.Outcome));
            var calls = trace.Where(s => s.Source.Name == HttpClientSource && telemetry.AncestorsOf(s).Contains(target)).ToList();
            Assert.NotEmpty(calls);
            Assert.All(calls, call =>
            {
                Assert.Equal(ActivityKind.Client, call.Kind);
                Assert.StartsWith("http://127.0.0.1:", Tag(call, "url.full"));
                Assert.DoesNotContain("?", Tag(call, "url.full"));
            });
        }
        // No tag in the whole trace carries the post's text or a sandbox account's token.
        Assert.All(trace.SelectMany(s => s.TagObjects), tag =>
        {
            Assert.DoesNotContain(text, tag.Value?.ToString() ?? "");
            Assert.DoesNotContain(EmulatorState.SandboxTokenPrefix, tag.Value?.ToString() ?? "");
        });

        var metrics = telemetry.Collect();
        var toolPoints = Points(metrics["socialmcp.tool.duration"]).ToList();
        Assert.Contains(toolPoints, p => RecordedTelemetry.Tag(p, "tool") == "publish_post" && RecordedTelemetry.Tag(p, "outcome") == "ok" && p.GetHistogramCount() == 1);
        Assert.Contains(toolPoints, p => RecordedTelemetry.Tag(p, "tool") == "create_post" && p.GetHistogramCount() == 1);
        var outcomes = Points(metrics["socialmcp.publish.outcomes"]).ToList();
        Assert.Contains(outcomes, p => RecordedTelemetry.Tag(p, "platform") == "x" && RecordedTelemetry.Tag(p, "outcome") == "published" && p.GetSumLong() == 1);
        Assert.Contains(outcomes, p => RecordedTelemetry.Tag(p, "platform") == "linkedin" && RecordedTelemetry.Tag(p, "outcome") == "published" && p.GetSumLong() == 1);
    }

    [Fact]
    public async Task FailedCalls_AreCountedByTheirErrorCode_OnTheToolAndThePlatform()
    {
        var (server, telemetry) = await StartAsync();
        await using var _ = server;
        var text = $"Said once {Guid.NewGuid():N}";
        await server.CallOkAsync("publish_post", $$"""{"postId": "{{await CreateAsync(server, text, "x")}}"}""");
        var id = await CreateAsync(server, text, "x");

        await server.CallOkAsync("publish_post", $$"""{"postId": "{{id}}"}""");
        var missing = await server.Client.CallToolAsync("get_post", new Dictionary<string, object?> { ["postId"] = "post_doesnotexist" });
        Assert.True(missing.IsError);
        var missingCode = missing.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString();

        var target = Assert.Single(telemetry.Spans, s => s.DisplayName == "publish x" && s.ParentSpanId == PublishSpanOf(telemetry, id).SpanId);
        Assert.Equal(ErrorCodes.DuplicateContent, Tag(target, SocialMcpTelemetry.Tags.Outcome));
        Assert.Equal(ActivityStatusCode.Error, target.Status);
        var failedTool = Assert.Single(telemetry.Spans, s => s.DisplayName == "tools/call get_post");
        Assert.Equal(missingCode, Tag(failedTool, SocialMcpTelemetry.Tags.Outcome));
        Assert.Equal(ActivityStatusCode.Error, failedTool.Status);

        var metrics = telemetry.Collect();
        var outcomes = Points(metrics["socialmcp.publish.outcomes"]).ToList();
        Assert.Contains(outcomes, p => RecordedTelemetry.Tag(p, "platform") == "x" && RecordedTelemetry.Tag(p, "outcome") == ErrorCodes.DuplicateContent && p.GetSumLong() == 1);
        Assert.Contains(outcomes, p => RecordedTelemetry.Tag(p, "platform") == "x" && RecordedTelemetry.Tag(p, "outcome") == "published" && p.GetSumLong() == 1);
        Assert.Contains(Points(metrics["socialmcp.tool.duration"]),
            p => RecordedTelemetry.Tag(p, "tool") == "get_post" && RecordedTelemetry.Tag(p, "outcome") == missingCode && p.GetHistogramCount() == 1);
    }

    [Fact]
    public async Task UnknownToolName_IsNotATagOrSpanName()
    {
        var (server, telemetry) = await StartAsync();
        await using var _ = server;

        var result = await server.Client.CallToolAsync("drop_table_posts", new Dictionary<string, object?>());

        Assert.True(result.IsError);
        var span = Assert.Single(telemetry.Spans, s => s.DisplayName == "tools/call unknown");
        Assert.Equal(ErrorCodes.UnknownTool, Tag(span, SocialMcpTelemetry.Tags.Outcome));
        Assert.DoesNotContain(telemetry.Spans, s => s.DisplayName.Contains("drop_table_posts") || s.TagObjects.Any(t => t.Value?.ToString() == "drop_table_posts"));
    }

    [Fact]
    public async Task ScheduledPost_FiresAsATraceOfItsOwn_WithItsLagAndTheDueQueueDepth()
    {
        var (server, telemetry) = await StartAsync(withScheduler: true);
        await using var _ = server;
        var status = server.Services.GetRequiredService<SchedulerStatus>();
        // The worker's first pass: done already, or its sleep is next.
        var firstSleep = status.NextSleep;
        if (status.SleepingUntil is null)
            await firstSleep.WaitAsync(TimeSpan.FromSeconds(30));
        var due = server.Clock.GetUtcNow().AddMinutes(5);
        var slept = status.NextSleep;
        var created = await server.CallOkAsync("create_post", JsonSerializer.Serialize(new
        {
            content = new { text = $"Scheduled and traced {Guid.NewGuid():N}" },
            platforms = new[] { "x" },
            scheduledFor = due.ToString("O"),
        }));
        var id = created.StructuredContent!.Value.GetProperty("id").GetString()!;
        await slept.WaitAsync(TimeSpan.FromSeconds(30));

        // The scheduler wakes a minute after the post's time: that minute is its lag.
        slept = status.NextSleep;
        server.Clock.Advance(TimeSpan.FromMinutes(6));
        await slept.WaitAsync(TimeSpan.FromSeconds(30));

        var publish = PublishSpanOf(telemetry, id);
        var root = Assert.Single(telemetry.AncestorsOf(publish));
        Assert.Equal(SocialMcpTelemetry.Spans.SchedulerPublish, root.DisplayName);
        Assert.Equal(default, root.ParentSpanId);
        Assert.Equal(id, Tag(root, SocialMcpTelemetry.Tags.PostId));
        Assert.Equal("scheduled", Tag(root, SocialMcpTelemetry.Tags.Kind));
        var target = Assert.Single(telemetry.Spans, s => s.ParentSpanId == publish.SpanId);
        Assert.Equal("publish x", target.DisplayName);
        Assert.Contains(telemetry.Spans, s => s.Source.Name == HttpClientSource && telemetry.AncestorsOf(s).Contains(target));

        var metrics = telemetry.Collect();
        var lag = Assert.Single(Points(metrics["socialmcp.scheduler.lag"]), p => RecordedTelemetry.Tag(p, "kind") == "scheduled");
        Assert.Equal(1, lag.GetHistogramCount());
        Assert.Equal(TimeSpan.FromMinutes(1).TotalMilliseconds, lag.GetHistogramSum());
        // Counted as the pass began: the one post, due and not yet claimed.
        Assert.Equal(1, Assert.Single(Points(metrics["socialmcp.scheduler.due_posts"])).GetGaugeLastValueLong());

        // The next pass finds nothing due.
        slept = status.NextSleep;
        server.Services.GetRequiredService<SchedulerSignal>().Poke();
        await slept.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, Assert.Single(Points(telemetry.Collect()["socialmcp.scheduler.due_posts"])).GetGaugeLastValueLong());
    }

    [Fact]
    public async Task PlatformCallSpans_NeverCarryTheQueryString()
    {
        var spans = new List<Activity>();
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSocialMcpTracing().AddInMemoryExporter(spans).Build())
        using (var http = new HttpClient())
        {
            // Port 1 on loopback refuses: the call fails, and its span is still recorded.
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync("http://127.0.0.1:1/v19.0/me/feed?access_token=s3cret-token&fields=id"));
        }

        var call = Assert.Single(spans, s => s.Source.Name == HttpClientSource);
        Assert.Equal("http://127.0.0.1:1/v19.0/me/feed", Tag(call, "url.full"));
        Assert.All(call.TagObjects, tag => Assert.DoesNotContain("s3cret", tag.Value?.ToString() ?? ""));
        Assert.All(call.Events.SelectMany(e => e.Tags), tag => Assert.DoesNotContain("s3cret", tag.Value?.ToString() ?? ""));
    }

    [Fact]
    public void NoEndpoint_RegistersNoProvider_AndAnEndpointRegistersBoth()
    {
        using (var off = SocialMcpHost.CreateBuilder(new Dictionary<string, string?>()).Build())
        {
            Assert.Null(off.Services.GetService<TracerProvider>());
            Assert.Null(off.Services.GetService<MeterProvider>());
        }
        using var on = SocialMcpHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4318",
            ["Telemetry:OtlpProtocol"] = "http/protobuf",
        }).Build();
        Assert.NotNull(on.Services.GetService<TracerProvider>());
        Assert.NotNull(on.Services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("Telemetry:OtlpEndpoint", "localhost:4317", "Telemetry:OtlpEndpoint must be an absolute http:// or https:// URL")]
    [InlineData("Telemetry:OtlpProtocol", "udp", "Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf'")]
    public void InvalidSettings_FailAtStartWithTheSettingsName(string key, string value, string message)
    {
        using var host = SocialMcpHost.CreateBuilder(new Dictionary<string, string?> { [key] = value }).Build();

        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value);
        Assert.Contains(message, failure.Message);
        Assert.Null(host.Services.GetService<TracerProvider>());
    }

    [Fact]
    public void WithNothingListening_StartingASpanAllocatesNothing()
    {
        // Warm up, then measure: the hot path's checks must not allocate when telemetry is off.
        _ = SocialMcpTelemetry.StartRootActivity(SocialMcpTelemetry.Spans.SchedulerPublish);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            using var activity = SocialMcpTelemetry.StartRootActivity(SocialMcpTelemetry.Spans.SchedulerPublish);
            Assert.Null(activity);
            if (SocialMcpTelemetry.ToolDuration.Enabled)
                SocialMcpTelemetry.ToolDuration.Record(1);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
