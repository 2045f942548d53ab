using System.Net;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

/// <summary>Sessions of a stateful server (<c>Http:Stateful=true</c>), driven with a plain HttpClient.</summary>
public sealed class StatefulEndpointTests : IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    // The SDK looks for idle sessions every 5 s of the (fake) clock; a session ends at the first look past its timeout.
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(5);

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["Http:Stateful"] = "true",
        ["Http:SessionIdleTimeout"] = "00:10:00",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<HttpResponseMessage> ListToolsAsync(string sessionId, string? key = null) =>
        await _server.SendAsync(_server.Post(JsonRpc.Request(2, "tools/list"), key, sessionId));

    [Fact]
    public async Task Initialize_OpensASession_ThatLaterRequestsUse()
    {
        var sessionId = await _server.InitializeSessionAsync();

        using var response = await ListToolsAsync(sessionId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(sessionId, Assert.Single(response.Headers.GetValues("Mcp-Session-Id")));
        Assert.Equal(2, (await JsonRpc.ReadSseMessageAsync(response)).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Post_WithoutSessionAndNotInitialize_Is400()
    {
        using var response = await _server.SendAsync(_server.Post(JsonRpc.Request(2, "tools/list")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // The SDK's generic refusal code; the message says to initialize first.
        var error = await JsonRpc.ReadErrorAsync(response);
        Assert.Equal(-32000, error.GetProperty("code").GetInt32());
        Assert.Contains("initialize", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_WithThePerRequestRevision_Is400AskingForTheInitializeHandshake()
    {
        using var request = _server.Post(JsonRpc.PerRequest(2, "server/discover"), protocolVersion: "2026-07-28");
        request.Headers.Add("Mcp-Method", "server/discover");
        using var response = await _server.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await JsonRpc.ReadErrorAsync(response);
        Assert.Equal(-32022, error.GetProperty("code").GetInt32());
        var supported = error.GetProperty("data").GetProperty("supported").EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Contains("2025-11-25", supported);
        Assert.DoesNotContain("2026-07-28", supported);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task UnknownSessionId_Is404(string method)
    {
        using var request = method == "POST"
            ? _server.Post(JsonRpc.Request(2, "tools/list"), sessionId: "never-issued")
            : _server.Request(new HttpMethod(method), sessionId: "never-issued");

        using var response = await _server.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(-32001, (await JsonRpc.ReadErrorAsync(response)).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Delete_EndsTheSession_ThenItIs404()
    {
        var sessionId = await _server.InitializeSessionAsync();

        using (var deleted = await _server.SendAsync(_server.Request(HttpMethod.Delete, sessionId: sessionId)))
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode); // the SDK answers a DELETE 200 with no body

        using var after = await ListToolsAsync(sessionId);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        using var deletedAgain = await _server.SendAsync(_server.Request(HttpMethod.Delete, sessionId: sessionId));
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
    }

    [Fact]
    public async Task Session_UsedByAnotherCaller_Is404AsIfItDidNotExist()
    {
        var sessionId = await _server.InitializeSessionAsync(key: "owner");

        using var intruder = await ListToolsAsync(sessionId, key: "intruder");
        using var intruderDelete = await _server.SendAsync(_server.Request(HttpMethod.Delete, key: "intruder", sessionId: sessionId));
        using var owner = await ListToolsAsync(sessionId, key: "owner");

        Assert.Equal(HttpStatusCode.NotFound, intruder.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, intruderDelete.StatusCode);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    [Fact]
    public async Task Session_IdleForTheTimeout_IsEvictedByTheBackgroundSweep()
    {
        var sessionId = await _server.InitializeSessionAsync();
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Sessions.SessionEnded += id => ended.TrySetResult(id);

        _server.Clock.Advance(IdleTimeout + SweepPeriod);

        Assert.Equal(sessionId, await ended.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        using var after = await ListToolsAsync(sessionId);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task Session_UsedWithinTheTimeout_StaysOpen_AndExpiresOnceIdleForIt()
    {
        var sessionId = await _server.InitializeSessionAsync();

        _server.Clock.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
        using (var used = await ListToolsAsync(sessionId))
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        _server.Clock.Advance(IdleTimeout - TimeSpan.FromMinutes(1)); // 18 minutes old, 9 idle
        using (var stillOpen = await ListToolsAsync(sessionId))
            Assert.Equal(HttpStatusCode.OK, stillOpen.StatusCode);

        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Sessions.SessionEnded += id => ended.TrySetResult(id);
        _server.Clock.Advance(IdleTimeout + SweepPeriod);
        Assert.Equal(sessionId, await ended.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        using var expired = await ListToolsAsync(sessionId);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
    }

    [Fact]
    public async Task Get_OpensTheSessionStream_WhichEndsWithTheSession()
    {
        var sessionId = await _server.InitializeSessionAsync();
        using var request = _server.Request(HttpMethod.Get, sessionId: sessionId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var stream = await _server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);

        // An open stream keeps the session in use: the sweep that ends an idle session beside it leaves it alone.
        var idleSessionId = await _server.InitializeSessionAsync();
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Sessions.SessionEnded += id => ended.TrySetResult(id);
        _server.Clock.Advance(IdleTimeout * 2);
        Assert.Equal(idleSessionId, await ended.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, _server.Sessions.Count);

        using (var secondStream = await _server.SendAsync(_server.Request(HttpMethod.Get, sessionId: sessionId)))
            Assert.Equal(HttpStatusCode.BadRequest, secondStream.StatusCode);
        using (var deleted = await _server.SendAsync(_server.Request(HttpMethod.Delete, sessionId: sessionId)))
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode); // the SDK answers a DELETE 200 with no body

        // The body completes once the session has ended.
        await stream.Content.ReadAsStringAsync(timeout.Token);
    }

    [Fact]
    public async Task Get_WithoutEventStreamInAccept_Is406()
    {
        var sessionId = await _server.InitializeSessionAsync();
        using var request = _server.Request(HttpMethod.Get, sessionId: sessionId);
        request.Headers.Accept.Clear();
        request.Headers.TryAddWithoutValidation("Accept", "application/json");

        using var response = await _server.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }
}
