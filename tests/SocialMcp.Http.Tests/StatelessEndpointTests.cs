using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

public sealed class StatelessServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The streamable HTTP rules, checked with a plain HttpClient against a stateless server (Http:SessionMode=Stateless).</summary>
public sealed class StatelessEndpointTests(StatelessServerFixture fixture) : IClassFixture<StatelessServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Post_ToolsList_AnswersOverSseWithTheCallerAttached()
    {
        using var response = await Server.SendAsync(Server.Post(JsonRpc.Request(7, "tools/list"), key: "key-tools"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = await JsonRpc.ReadSseMessageAsync(response);
        Assert.Equal(7, message.GetProperty("id").GetInt32());
        Assert.Contains(message.GetProperty("result").GetProperty("tools").EnumerateArray(), t => t.GetProperty("name").GetString() == "create_post");
        Assert.False(response.Headers.Contains("Mcp-Session-Id"));
        Assert.Contains(Server.UsersSeenByListTools, user => user?.FindFirst("socialmcp:key")?.Value == "key-tools");
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/event-stream")]
    public async Task Post_AcceptMissingAMediaType_Is406(string accept)
    {
        using var response = await Server.SendAsync(Server.Post(JsonRpc.Request(1, "tools/list"), accept: accept));

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains("Accept", (await JsonRpc.ReadErrorAsync(response)).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Post_ContentTypeNotJson_Is415(string contentType)
    {
        using var response = await Server.SendAsync(Server.Post(JsonRpc.Request(1, "tools/list"), contentType: contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await JsonRpc.ReadErrorAsync(response);
    }

    [Fact]
    public async Task Post_MalformedJson_Is400WithParseError()
    {
        using var response = await Server.SendAsync(Server.Post("""{"jsonrpc": "2.0", "id": 1, "method": """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(-32700, (await JsonRpc.ReadErrorAsync(response)).GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("""{"hello": "world"}""")]
    [InlineData("""{"jsonrpc": "1.0", "id": 1, "method": "tools/list"}""")]
    [InlineData("""{"jsonrpc": "2.0", "id": 1, "method": 42}""")]
    [InlineData("42")]
    [InlineData("""[{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}]""")]
    public async Task Post_NotAJsonRpcMessage_Is400WithInvalidRequest(string body)
    {
        using var response = await Server.SendAsync(Server.Post(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await JsonRpc.ReadErrorAsync(response);
        Assert.Equal(-32600, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Post_NotificationOnly_Is202WithNoBody()
    {
        using var response = await Server.SendAsync(Server.Post(JsonRpc.Notification("notifications/initialized")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(response.Content.Headers.ContentType);
    }

    [Fact]
    public async Task Post_ResponseOnly_Is202()
    {
        using var response = await Server.SendAsync(Server.Post("""{"jsonrpc": "2.0", "id": 99, "result": {}}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Post_BodyOverOneMebibyte_Is413(bool withContentLength)
    {
        var body = JsonRpc.Request(1, "tools/list", "{\"pad\": \"" + new string('a', 1024 * 1024) + "\"}");
        var request = Server.Post(body);
        if (!withContentLength)
        {
            request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await Server.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1048576", (await JsonRpc.ReadErrorAsync(response)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_BodyJustUnderTheLimit_IsServed()
    {
        var envelope = """{"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"pad": ""}}""";
        var body = envelope.Replace("\"\"", "\"" + new string('a', 1024 * 1024 - envelope.Length) + "\"", StringComparison.Ordinal);
        Assert.Equal(1024 * 1024, Encoding.UTF8.GetByteCount(body));

        using var response = await Server.SendAsync(Server.Post(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("https://localhost.evil.example")]
    [InlineData("null")]
    public async Task Post_ForeignOrigin_Is403(string origin)
    {
        var request = Server.Post(JsonRpc.Request(1, "tools/list"));
        request.Headers.TryAddWithoutValidation("Origin", origin);

        using var response = await Server.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Origin", (await JsonRpc.ReadErrorAsync(response)).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("http://localhost:3000")]
    [InlineData("http://127.0.0.1:6274")]
    [InlineData("http://[::1]:8080")]
    public async Task Post_LoopbackOrigin_IsServed(string origin)
    {
        var request = Server.Post(JsonRpc.Request(1, "tools/list"));
        request.Headers.TryAddWithoutValidation("Origin", origin);

        using var response = await Server.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("rebind.evil.example:5080")]
    public async Task Post_ForeignHost_Is403(string host)
    {
        var request = Server.Post(JsonRpc.Request(1, "tools/list"));
        request.Headers.Host = host;

        using var response = await Server.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Host", (await JsonRpc.ReadErrorAsync(response)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Healthz_ForeignHost_Is403Too()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Host = "evil.example";

        using var response = await Server.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("1999-01-01")]
    [InlineData("2025-06-18x")]
    public async Task Post_UnsupportedProtocolVersion_Is400NamingTheSupportedOnes(string version)
    {
        using var response = await Server.SendAsync(Server.Post(JsonRpc.Request(1, "tools/list"), protocolVersion: version));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await JsonRpc.ReadErrorAsync(response);
        Assert.Equal(-32022, error.GetProperty("code").GetInt32());
        Assert.Equal(version, error.GetProperty("data").GetProperty("requested").GetString());
        Assert.Contains(error.GetProperty("data").GetProperty("supported").EnumerateArray(), v => v.GetString() == "2026-07-28");
    }

    [Fact]
    public async Task Post_MethodHeaderNotMatchingTheBody_Is400HeaderMismatch()
    {
        // The standard headers belong to the 2026-07-28 revision; the SDK checks them on requests of that revision.
        var request = Server.Post(JsonRpc.PerRequest(5, "tools/list"), protocolVersion: "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");

        using var response = await Server.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var root = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(-32020, root.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(5, root.GetProperty("id").GetInt32());
    }

    [Theory]
    [InlineData("get_post")]
    [InlineData("=?base64?Z2V0X3Bvc3Q=?=")] // "get_post", Base64-encoded as the SDK encodes names that are not plain ASCII
    public async Task Post_NameHeaderNotMatchingTheToolCalled_Is400HeaderMismatch(string nameHeader)
    {
        var request = Server.Post(JsonRpc.PerRequest(6, "tools/call", """ "name": "list_accounts", "arguments": {}"""), protocolVersion: "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", nameHeader);

        using var response = await Server.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(-32020, (await JsonRpc.ReadErrorAsync(response)).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Post_Base64NameHeaderMatchingTheToolCalled_IsServed()
    {
        var request = Server.Post(JsonRpc.PerRequest(6, "tools/call", """ "name": "list_accounts", "arguments": {}"""), protocolVersion: "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", "=?base64?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("list_accounts")) + "?=");

        using var response = await Server.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_PerRequestRevisionWithoutMethodHeader_Is400HeaderMismatch()
    {
        using var response = await Server.SendAsync(Server.Post(JsonRpc.PerRequest(5, "tools/list"), protocolVersion: "2026-07-28"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(-32020, (await JsonRpc.ReadErrorAsync(response)).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Post_WithASessionId_Is404BecauseAStatelessServerHasNone()
    {
        using var response = await Server.SendAsync(Server.Post(JsonRpc.Request(1, "tools/list"), sessionId: "no-such-session"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(-32001, (await JsonRpc.ReadErrorAsync(response)).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Get_OnAStatelessServer_Is405()
    {
        using var response = await Server.SendAsync(Server.Request(HttpMethod.Get));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Delete_OnAStatelessServer_Is405()
    {
        using var response = await Server.SendAsync(Server.Request(HttpMethod.Delete, sessionId: "x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Gate_RefusingAuthentication_Its401IsPassedThroughUntouched()
    {
        using var response = await Server.SendAsync(Server.Post(JsonRpc.Request(1, "tools/list"), key: TestGate.RejectedKey));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("test gate: unauthorized", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Gate_RefusingAdmission_Its429IsPassedThroughUntouched()
    {
        var call = JsonRpc.Request(3, "tools/call", """{"name": "list_accounts", "arguments": {}}""");

        using var response = await Server.SendAsync(Server.Post(call, key: TestGate.LimitedKey));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal("test gate: slow down", await response.Content.ReadAsStringAsync());
        Assert.Contains((TestGate.LimitedKey, "tools/call", "list_accounts"), Server.Gate.Admissions);
    }

    [Fact]
    public async Task Gate_IsAskedOncePerRequestWithTheToolName_AndNotForNotifications()
    {
        const string key = "key-admission";
        using (var call = await Server.SendAsync(Server.Post(JsonRpc.Request(4, "tools/call", """{"name": "list_platform_sets", "arguments": {}}"""), key: key)))
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        using (var notification = await Server.SendAsync(Server.Post(JsonRpc.Notification("notifications/initialized"), key: key)))
            Assert.Equal(HttpStatusCode.Accepted, notification.StatusCode);

        Assert.Equal(new[] { (key, "tools/call", (string?)"list_platform_sets") }, Server.Gate.Admissions.Where(a => a.Key == key));
    }

    [Fact]
    public async Task LlmTxt_ServesTheEmbeddedGuideAsPlainText()
    {
        using var response = await Server.Http.GetAsync("/llm.txt");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        await using var embedded = typeof(SocialMcp.Server.Http.IMcpRequestAdmission).Assembly.GetManifestResourceStream("llm.txt")!;
        Assert.Equal(await new StreamReader(embedded).ReadToEndAsync(), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthz_WithAWorkingDatabase_IsHealthy()
    {
        using var response = await Server.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", root.GetProperty("status").GetString());
        var database = root.GetProperty("checks").GetProperty("database");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(database.GetProperty("description").GetString()));
    }
}
