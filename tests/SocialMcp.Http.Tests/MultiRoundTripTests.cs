using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Http.Tests;

/// <summary>
/// Multi-round-trip tool calls (MRTR, 2026-07-28) through the product's pipeline: ToolCallFilter lets the tool's
/// InputRequiredException through as an input_required result, and the requestState the client echoes is trusted only
/// when <see cref="RequestStateProtector"/> can open it.
/// </summary>
public sealed class MultiRoundTripTests
{
    private static readonly JsonElement Confirmed = JsonDocument.Parse("""{"confirm":{"action":"accept","content":{"ok":true}}}""").RootElement;

    [Theory]
    [InlineData(false, null)]         // 2026-07-28, stateless: the client answers and calls again with the sealed state
    [InlineData(true, "2025-11-25")]  // a session: the SDK asks the client with elicitation/create and retries the tool itself
    public async Task CallTool_PersonConfirms_CompletesWithTheSealedStateAndTheAnswer(bool stateful, string? protocolVersion)
    {
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string?> { ["Http:Stateful"] = stateful ? "true" : "false" }, configureServer: ConfirmationTool.AddTo);
        var questions = new List<string>();
        await using var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = server.McpEndpoint, TransportMode = HttpTransportMode.StreamableHttp }),
            new McpClientOptions
            {
                ProtocolVersion = protocolVersion,
                DiscoverProbeTimeout = Timeout.InfiniteTimeSpan,
                Handlers = new McpClientHandlers
                {
                    ElicitationHandler = (request, _) =>
                    {
                        questions.Add(request?.Message ?? "");
                        return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["ok"] = JsonSerializer.SerializeToElement(true) } });
                    },
                },
            });

        var result = await client.CallToolAsync(ConfirmationTool.Name);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal($"{ConfirmationTool.Remembered}: accept", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Equal(["Go ahead?"], questions);
    }

    [Fact]
    public async Task CallTool_FirstRound_AnswersInputRequiredWithASealedState()
    {
        await using var server = await TestServer.StartAsync(configureServer: ConfirmationTool.AddTo);

        var result = (await CallAsync(server, """{"name":"confirm_test","arguments":{}}""")).GetProperty("result");

        Assert.Equal("input_required", result.GetProperty("resultType").GetString());
        Assert.Equal("elicitation/create", result.GetProperty("inputRequests").GetProperty("confirm").GetProperty("method").GetString());
        // Sealed: the client sees an opaque token, not what the tool remembered.
        Assert.DoesNotContain(ConfirmationTool.Remembered, result.GetProperty("requestState").GetString());
    }

    [Fact]
    public async Task CallTool_TamperedRequestState_RefusedWithInvalidParams()
    {
        await using var server = await TestServer.StartAsync(configureServer: ConfirmationTool.AddTo);
        var state = await FirstRoundStateAsync(server);
        var tampered = state[..^4] + (state[^4] == 'A' ? 'B' : 'A') + state[^3..];

        var error = await RetryAsync(server, tampered);

        AssertRefused(error, "requestState failed its integrity check");
    }

    [Fact]
    public async Task CallTool_ForgedRequestState_RefusedWithInvalidParams()
    {
        await using var server = await TestServer.StartAsync(configureServer: ConfirmationTool.AddTo);

        var error = await RetryAsync(server, Convert.ToBase64String("""{"State":"remembered-across-rounds"}"""u8.ToArray()));

        AssertRefused(error, "requestState failed its integrity check");
    }

    [Fact]
    public async Task CallTool_RequestStateOfAnotherApiKey_RefusedLikeAForgedOne()
    {
        await using var server = await TestServer.StartAsync(configureServer: ConfirmationTool.AddTo);
        var state = await FirstRoundStateAsync(server, key: "key-a");

        var error = await RetryAsync(server, state, key: "key-b");

        AssertRefused(error, "requestState failed its integrity check");
    }

    [Fact]
    public async Task CallTool_RequestStatePastItsLifetime_RefusedAsExpired()
    {
        await using var server = await TestServer.StartAsync(configureServer: ConfirmationTool.AddTo);
        var state = await FirstRoundStateAsync(server);

        server.Clock.Advance(RequestStateProtector.DefaultLifetime + TimeSpan.FromSeconds(1));
        var error = await RetryAsync(server, state);

        AssertRefused(error, "requestState expired at");
    }

    [Fact]
    public async Task CallTool_RequestStateWithinItsLifetime_Completes()
    {
        await using var server = await TestServer.StartAsync(configureServer: ConfirmationTool.AddTo);
        var state = await FirstRoundStateAsync(server);

        server.Clock.Advance(RequestStateProtector.DefaultLifetime - TimeSpan.FromSeconds(1));
        var message = await CallAsync(server, RetryParams(state));

        var text = message.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString();
        Assert.Equal($"{ConfirmationTool.Remembered}: accept", text);
    }

    private static async Task<string> FirstRoundStateAsync(TestServer server, string key = TestGate.DefaultKey) =>
        (await CallAsync(server, """{"name":"confirm_test","arguments":{}}""", key))
            .GetProperty("result").GetProperty("requestState").GetString()!;

    private static async Task<JsonElement> RetryAsync(TestServer server, string requestState, string key = TestGate.DefaultKey)
    {
        var message = await CallAsync(server, RetryParams(requestState), key);
        Assert.False(message.TryGetProperty("result", out _), $"expected a JSON-RPC error, got {message}");
        return message.GetProperty("error");
    }

    private static string RetryParams(string requestState) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["name"] = ConfirmationTool.Name,
        ["arguments"] = new Dictionary<string, object>(),
        ["inputResponses"] = Confirmed,
        ["requestState"] = requestState,
    });

    private static void AssertRefused(JsonElement error, string reason)
    {
        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains(reason, message);
        Assert.Contains("start over", message);
    }

    /// <summary>A tools/call as a 2026-07-28 client sends it: no session, the revision and capabilities in _meta and headers.</summary>
    private static async Task<JsonElement> CallAsync(TestServer server, string paramsJson, string key = TestGate.DefaultKey)
    {
        var parameters = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(paramsJson)!;
        parameters["_meta"] = JsonDocument.Parse("""
            {"io.modelcontextprotocol/protocolVersion":"2026-07-28",
             "io.modelcontextprotocol/clientCapabilities":{"elicitation":{}},
             "io.modelcontextprotocol/clientInfo":{"name":"raw-http","version":"1"}}
            """).RootElement;
        using var request = server.Post(JsonRpc.Request(7, "tools/call", JsonSerializer.Serialize(parameters)), key, protocolVersion: "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", parameters["name"].GetString());
        using var response = await server.SendAsync(request);
        return await JsonRpc.ReadSseMessageAsync(response);
    }
}
