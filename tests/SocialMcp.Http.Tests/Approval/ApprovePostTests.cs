using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Core.Access;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Server.Hosting;

namespace SocialMcp.Http.Tests.Approval;

/// <summary>
/// Human approval over HTTP with API keys (issue 16): an agent's key has its publish held, cannot approve it (posts:approve
/// is never in a default key), and a person's key approves or rejects it with approve_post / reject_post; a stateless
/// 2026-07-28 client that can ask the person gets an input request and approves in the same call. Each decision is in the
/// post's events and the audit log with the deciding key.
/// </summary>
public sealed class ApprovePostTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static Task<TestServer> StartAsync() =>
        TestServer.StartAsync(new Dictionary<string, string?> { ["Approvals:Required:0"] = "publish" }, apiKeys: true);

    private static async Task<(string Id, string Plaintext)> KeyAsync(TestServer server, params string[] scopes)
    {
        var (key, plaintext) = await server.Services.GetRequiredService<WorkspaceService>().CreateKeyAsync(LocalWorkspace.Id, "test", scopes, Ct);
        return (key.Id, plaintext);
    }

    [Fact]
    public async Task HeldPublish_AgentKeyCannotApprove_PersonsKeyApproves_PublishedWithTheAuditTrail()
    {
        await using var server = await StartAsync();
        var (agentId, agentKey) = await KeyAsync(server);
        var (personId, personKey) = await KeyAsync(server, Scopes.PostsApprove, Scopes.PostsRead);
        await using var agent = await server.ConnectAsync(apiKey: agentKey);
        await using var person = await server.ConnectAsync(apiKey: personKey);
        var postId = (await ToolCalls.CallOkAsync(agent, "create_post", """{"content": {"text": "Ship it"}, "platforms": ["x", "linkedin"]}"""))
            .GetProperty("id").GetString()!;

        var held = await ToolCalls.CallOkAsync(agent, "publish_post", $$"""{"postId": "{{postId}}"}""");
        var refused = await CallFailingAsync(agent, "approve_post", $$"""{"postId": "{{postId}}"}""");
        var stillHeld = await ToolCalls.CallOkAsync(person, "get_post", $$"""{"postId": "{{postId}}"}""");

        Assert.Equal("awaiting_approval", held.GetProperty("status").GetString());
        Assert.Equal($"api key {agentId}", held.GetProperty("approval").GetProperty("requestedBy").GetString());
        Assert.Equal("FORBIDDEN_SCOPE", refused.GetProperty("code").GetString());
        Assert.Equal("awaiting_approval", stillHeld.GetProperty("status").GetString());
        // Nothing went to a platform: the sandbox's emulator was never even started.
        Assert.Null(((EmulatedSandbox)server.Services.GetRequiredService<ISandboxApi>()).Started);

        var approved = await ToolCalls.CallOkAsync(person, "approve_post", $$"""{"postId": "{{postId}}"}""");

        Assert.Equal("published", approved.GetProperty("status").GetString());
        Assert.False(approved.TryGetProperty("approval", out _));
        Assert.All(approved.GetProperty("targets").EnumerateArray(), t => Assert.Equal("published", t.GetProperty("status").GetString()));
        var events = await server.Services.GetRequiredService<PostService>().GetHistoryAsync(LocalWorkspace.Id, postId, Ct);
        Assert.Contains($"requestedBy=api key {agentId}", Assert.Single(events, e => e.EventType == "approval_requested").Detail);
        var granted = Assert.Single(events, e => e.EventType == "approval_granted");
        Assert.Contains($"channel=approve_post by=api key {personId} client=socialmcp-http-tests/1.0", granted.Detail);
        var audit = await AuditAsync(server);
        var decision = Assert.Single(audit, a => a.Tool == "approval:approve_post");
        Assert.Equal((personId, $"approved publish post={postId}", "socialmcp-http-tests"), (decision.KeyId, decision.Outcome, decision.ClientName));
        Assert.Contains(audit, a => a.Tool == "approve_post" && a.KeyId == agentId && a.Outcome == "FORBIDDEN_SCOPE");
    }

    [Fact]
    public async Task HeldPublish_PersonRejectsWithAReason_BackToDraft_NothingPublished()
    {
        await using var server = await StartAsync();
        var (_, agentKey) = await KeyAsync(server);
        var (personId, personKey) = await KeyAsync(server, Scopes.PostsApprove);
        await using var agent = await server.ConnectAsync(apiKey: agentKey);
        await using var person = await server.ConnectAsync(apiKey: personKey);
        var postId = (await ToolCalls.CallOkAsync(agent, "create_post", """{"content": {"text": "Too early"}, "platforms": ["x"]}"""))
            .GetProperty("id").GetString()!;
        await ToolCalls.CallOkAsync(agent, "publish_post", $$"""{"postId": "{{postId}}"}""");

        var noReason = await CallFailingAsync(person, "reject_post", $$"""{"postId": "{{postId}}", "reason": ""}""");
        var rejected = await ToolCalls.CallOkAsync(person, "reject_post", $$"""{"postId": "{{postId}}", "reason": "Wait for the press release"}""");
        var twice = await CallFailingAsync(person, "approve_post", $$"""{"postId": "{{postId}}"}""");

        Assert.Equal(("VALIDATION_FAILED", "$.reason"), (noReason.GetProperty("code").GetString(), noReason.GetProperty("path").GetString()));
        Assert.Equal("draft", rejected.GetProperty("status").GetString());
        Assert.StartsWith("Rejected (Wait for the press release)", rejected.GetProperty("summary").GetString());
        Assert.Equal("INVALID_STATUS_TRANSITION", twice.GetProperty("code").GetString());
        Assert.Contains("'draft'", twice.GetProperty("message").GetString());
        var events = await server.Services.GetRequiredService<PostService>().GetHistoryAsync(LocalWorkspace.Id, postId, Ct);
        Assert.Contains("reason=Wait for the press release", Assert.Single(events, e => e.EventType == "approval_rejected").Detail);
        Assert.Contains(await AuditAsync(server), a => a.Tool == "approval:reject_post" && a.KeyId == personId);
        Assert.Null(((EmulatedSandbox)server.Services.GetRequiredService<ISandboxApi>()).Started);
    }

    [Fact]
    public async Task HeldPublish_StatelessClientThatCanAsk_GetsAnInputRequest_PersonApproves_PublishedInTheSameCall()
    {
        await using var server = await StartAsync();
        var (agentId, agentKey) = await KeyAsync(server);
        var asked = new List<string>();
        await using var agent = await ConnectAskingAsync(server, agentKey, request =>
        {
            asked.Add(request.Message);
            return new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["approve"] = JsonSerializer.SerializeToElement(true) } };
        });
        var postId = (await ToolCalls.CallOkAsync(agent, "create_post", """{"content": {"text": "Asked in the client"}, "platforms": ["x"]}"""))
            .GetProperty("id").GetString()!;

        var published = await ToolCalls.CallOkAsync(agent, "publish_post", $$"""{"postId": "{{postId}}"}""");

        Assert.Equal("published", published.GetProperty("status").GetString());
        Assert.Contains("Asked in the client", Assert.Single(asked));
        var events = await server.Services.GetRequiredService<PostService>().GetHistoryAsync(LocalWorkspace.Id, postId, Ct);
        Assert.Contains($"channel=input_request by=api key {agentId}", Assert.Single(events, e => e.EventType == "approval_granted").Detail);
        Assert.Contains(await AuditAsync(server), a => a.Tool == "approval:input_request" && a.KeyId == agentId && a.ClientName == "approval-http-tests"
            && a.Outcome == $"approved publish post={postId}");
    }

    private static async Task<McpClient> ConnectAskingAsync(TestServer server, string apiKey, Func<ElicitRequestParams, ElicitResult> answer)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + apiKey },
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "approval-http-tests", Version = "2.0" },
            DiscoverProbeTimeout = Timeout.InfiniteTimeSpan,
            Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability { Form = new FormElicitationCapability() } },
            Handlers = new McpClientHandlers { ElicitationHandler = (request, _) => ValueTask.FromResult(answer(request!)) },
        }, cancellationToken: timeout.Token);
    }

    private static async Task<JsonElement> CallFailingAsync(McpClient client, string tool, string argumentsJson)
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: Ct);
        Assert.True(result.IsError, $"{tool} succeeded: {result.StructuredContent}");
        return result.StructuredContent!.Value.GetProperty("error");
    }

    /// <summary>The audit log: the filter writes each call's row before it answers, the decision's row is in its transaction.</summary>
    private static Task<IReadOnlyList<AuditEntry>> AuditAsync(TestServer server) =>
        server.Services.GetRequiredService<IStore>().ReadAsync(s => s.Audit.ListAsync(LocalWorkspace.Id, 100, Ct), Ct);
}
