using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using SocialMcp.Core.Telemetry;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Server.Hosting.Telemetry;

namespace SocialMcp.Http.Tests.Telemetry;

/// <summary>Run alone: activity listeners see the whole process, and other tests' tool calls would land in these spans.</summary>
[CollectionDefinition(nameof(HttpTelemetryCollection), DisableParallelization = true)]
public sealed class HttpTelemetryCollection;

/// <summary>
/// Over streamable HTTP the tool call is traced as over stdio. ASP.NET Core starts an activity of its own for each request
/// (not sampled: nothing subscribes to it); the tool span must not inherit that "not sampled" and vanish.
/// </summary>
[Collection(nameof(HttpTelemetryCollection))]
public sealed class HttpTelemetryTests
{
    [Fact]
    public async Task PublishPost_OverHttp_IsTracedFromTheToolCallToThePlatformCalls()
    {
        var spans = new ConcurrentQueue<Activity>();
        var exported = new SpanSink(spans);
        await using var server = await TestServer.StartAsync(configureServices: services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSocialMcpTracing().AddInMemoryExporter(exported)));
        await using var client = await server.ConnectAsync();
        var created = await ToolCalls.CallOkAsync(client, "create_post", """{"content": {"text": "Traced over HTTP"}, "platforms": ["x"]}""");
        var id = created.GetProperty("id").GetString();

        await ToolCalls.CallOkAsync(client, "publish_post", $$"""{"postId": "{{id}}"}""");

        var all = spans.ToArray();
        var publish = Assert.Single(all, s => s.DisplayName == SocialMcpTelemetry.Spans.Publish && (string?)s.GetTagItem(SocialMcpTelemetry.Tags.PostId) == id);
        var tool = Assert.Single(all, s => s.SpanId == publish.ParentSpanId);
        Assert.Equal("tools/call publish_post", tool.DisplayName);
        var target = Assert.Single(all, s => s.ParentSpanId == publish.SpanId);
        Assert.Contains(all, s => s.Source.Name == "System.Net.Http" && s.ParentSpanId == target.SpanId);
    }

    private sealed class SpanSink(ConcurrentQueue<Activity> spans) : ICollection<Activity>
    {
        public void Add(Activity item) => spans.Enqueue(item);
        public int Count => spans.Count;
        public bool IsReadOnly => false;
        public void Clear() => spans.Clear();
        public bool Contains(Activity item) => spans.Contains(item);
        public void CopyTo(Activity[] array, int arrayIndex) => spans.CopyTo(array, arrayIndex);
        public bool Remove(Activity item) => throw new NotSupportedException();
        public IEnumerator<Activity> GetEnumerator() => spans.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
