using System.Net;
using System.Text.Json;
using ModelContextProtocol.AspNetCore;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Server.Http;

namespace SocialMcp.Http.Tests;

/// <summary>
/// The default session mode (<c>StatefulForInitializeClients</c>): 2026-07-28 clients without sessions and
/// initialize-handshake clients with sessions on one endpoint; the per-key session cap; resuming a stream.
/// </summary>
public sealed class HybridEndpointTests
{
    private static Dictionary<string, string?> Hybrid(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Http:SessionMode"] = "StatefulForInitializeClients" };
        foreach (var (key, value) in more)
            settings[key] = value;
        return settings;
    }

    [Theory]
    [InlineData(null, null, HttpServerSessionMode.StatefulForInitializeClients)]
    [InlineData(null, false, HttpServerSessionMode.Stateless)]
    [InlineData(null, true, HttpServerSessionMode.Stateful)]
    [InlineData(HttpServerSessionMode.Stateless, true, HttpServerSessionMode.Stateless)]
    public void EffectiveSessionMode_FromSessionModeThenStateful_DefaultsToHybrid(HttpServerSessionMode? mode, bool? stateful, HttpServerSessionMode expected) =>
        Assert.Equal(expected, new McpHttpOptions { SessionMode = mode, Stateful = stateful }.EffectiveSessionMode);

    [Fact]
    public async Task SdkClients_OfBothEras_AreServedOnOneEndpoint_OnlyTheInitializeClientWithASession()
    {
        await using var server = await TestServer.StartAsync(Hybrid());

        await using var modern = await server.ConnectAsync();
        await using var handshake = await server.ConnectAsync("2025-11-25");

        Assert.Equal("2026-07-28", modern.NegotiatedProtocolVersion);
        Assert.Null(modern.SessionId);
        Assert.Equal("2025-11-25", handshake.NegotiatedProtocolVersion);
        Assert.False(string.IsNullOrEmpty(handshake.SessionId));
        Assert.Equal(1, server.Sessions.Count);
        await ToolCalls.CallOkAsync(modern, "list_posts", "{}");
        await ToolCalls.CallOkAsync(handshake, "list_posts", "{}");
    }

    [Fact]
    public async Task Discover_InTheHybridMode_AdvertisesEveryRevisionTheVersionErrorNames()
    {
        await using var server = await TestServer.StartAsync(Hybrid());

        using var discover = await server.SendAsync(Discover(server, JsonRpc.PerRequest(1, "server/discover"), "2026-07-28"));
        var advertised = (await JsonRpc.ReadSseMessageAsync(discover)).GetProperty("result").GetProperty("supportedVersions")
            .EnumerateArray().Select(v => v.GetString()).ToList();
        var unknown = JsonRpc.PerRequest(2, "server/discover").Replace("\"2026-07-28\"", "\"v999.0.0\"", StringComparison.Ordinal);
        using var refused = await server.SendAsync(Discover(server, unknown, "v999.0.0"));
        var named = (await JsonRpc.ReadErrorAsync(refused)).GetProperty("data").GetProperty("supported")
            .EnumerateArray().Select(v => v.GetString()).ToList();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(named.Order(), advertised.Order());
        Assert.Equal(HybridDiscoverVersions.EndpointRevisions.Order(), advertised.Order());
    }

    private static HttpRequestMessage Discover(TestServer server, string body, string protocolVersion)
    {
        var request = server.Post(body, protocolVersion: protocolVersion);
        request.Headers.Add("Mcp-Method", "server/discover");
        return request;
    }

    [Fact]
    public async Task Initialize_BeyondMaxSessionsPerKey_Is429_UntilOneOfTheKeysSessionsEnds()
    {
        await using var server = await TestServer.StartAsync(Hybrid(("Http:MaxSessionsPerKey", "2")));
        var first = await server.InitializeSessionAsync("busy");
        await server.InitializeSessionAsync("busy");

        using (var refused = await server.SendAsync(server.Post(JsonRpc.Initialize(9), "busy", protocolVersion: null)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var error = await JsonRpc.ReadErrorAsync(refused);
            Assert.Equal(-32000, error.GetProperty("code").GetInt32());
            Assert.Contains("Http:MaxSessionsPerKey", error.GetProperty("message").GetString());
            Assert.False(refused.Headers.Contains("Mcp-Session-Id"));
        }
        // Another key has its own allowance, and a 2026-07-28 request opens no session, so it is not capped.
        await server.InitializeSessionAsync("idle");
        await using (var modern = await server.ConnectAsync(apiKey: "busy"))
            await ToolCalls.CallOkAsync(modern, "list_posts", "{}");

        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Sessions.SessionEnded += id => ended.TrySetResult(id);
        using (var deleted = await server.SendAsync(server.Request(HttpMethod.Delete, "busy", first)))
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(first, await ended.Task.WaitAsync(TimeSpan.FromSeconds(30)));

        await server.InitializeSessionAsync("busy");
        Assert.Equal(3, server.Sessions.Count);
    }

    [Fact]
    public async Task Get_WithLastEventId_ReplaysWhatTheBrokenPostStreamCarriedAfterIt()
    {
        await using var server = await TestServer.StartAsync(Hybrid());
        // 2025-11-25 is the first revision whose streams start with a priming event (an id, no data) to resume from.
        using var initialize = await server.SendAsync(server.Post(JsonRpc.Request(1, "initialize",
            """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw-http","version":"1"}}"""), protocolVersion: null));
        var sessionId = Assert.Single(initialize.Headers.GetValues("Mcp-Session-Id"));
        using (var initialized = await server.SendAsync(server.Post(JsonRpc.Notification("notifications/initialized"), sessionId: sessionId, protocolVersion: "2025-11-25")))
            Assert.Equal(HttpStatusCode.Accepted, initialized.StatusCode);

        using var list = await server.SendAsync(server.Post(JsonRpc.Request(2, "tools/list"), sessionId: sessionId, protocolVersion: "2025-11-25"));
        var events = SseEvents(await list.Content.ReadAsStringAsync());
        var priming = events.First(e => e.Id is not null && e.Data.Length == 0);
        Assert.Contains(events, e => e.Data.Contains("\"tools\"", StringComparison.Ordinal));

        // As if the stream had broken right after the priming event.
        using var resume = server.Request(HttpMethod.Get, sessionId: sessionId, protocolVersion: "2025-11-25");
        resume.Headers.Add("Last-Event-ID", priming.Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var replay = await server.Http.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        using var reader = new StreamReader(await replay.Content.ReadAsStreamAsync(timeout.Token));
        string? line;
        JsonElement? replayed = null;
        while (replayed is null && (line = await reader.ReadLineAsync(timeout.Token)) is not null)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Length > "data: ".Length)
                replayed = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
        }

        Assert.NotNull(replayed);
        Assert.Equal(2, replayed.Value.GetProperty("id").GetInt32());
        Assert.True(replayed.Value.GetProperty("result").GetProperty("tools").GetArrayLength() > 0);
    }

    private sealed record SseEvent(string? Id, string Data);

    private static List<SseEvent> SseEvents(string body)
    {
        var events = new List<SseEvent>();
        foreach (var block in body.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? id = null;
            var data = "";
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal))
                    id = line["id: ".Length..];
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                    data += line["data:".Length..].TrimStart();
            }
            events.Add(new SseEvent(id, data));
        }
        return events;
    }
}
