using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Core.Access;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Approval;

/// <summary>
/// Human approval through the agent's own MCP client (issue 16), over the real server on in-memory stdio with the C# SDK
/// client answering the question: on protocol 2026-07-28 (an input request the client answers and calls again with) and
/// on 2025-11-25 (the server sends elicitation/create). Each decision is checked in the post's events and the audit log.
/// </summary>
public sealed class ApprovalElicitationTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData(null, ApprovalChannels.InputRequest)]
    [InlineData("2025-11-25", ApprovalChannels.Elicitation)]
    public async Task PublishPost_ApprovalRequired_ClientAsksThePersonWhoApproves_PublishesInTheSameCall(string? protocolVersion, string channel)
    {
        var questions = new List<ElicitRequestParams>();
        await using var server = await Harness.StartAsync(protocolVersion, (request, _) =>
        {
            questions.Add(request!);
            return ValueTask.FromResult(Answer("accept", approve: true));
        });
        var postId = await server.CreateDraftAsync("Launch day: our new app is out");

        var published = await server.CallOkAsync("publish_post", $$"""{"postId": "{{postId}}"}""");

        Assert.Equal("published", published.GetProperty("status").GetString());
        Assert.StartsWith("Approved; publishing went ahead.", published.GetProperty("summary").GetString());
        var question = Assert.Single(questions);
        Assert.Contains("publish now on x, linkedin", question.Message);
        Assert.Contains("Launch day: our new app is out", question.Message);
        Assert.Contains("approve", question.RequestedSchema!.Properties.Keys);

        var events = await server.EventsAsync(postId);
        var requested = Assert.Single(events, e => e.EventType == "approval_requested");
        Assert.Equal(("draft", "awaiting_approval"), (requested.FromStatus, requested.ToStatus));
        var granted = Assert.Single(events, e => e.EventType == "approval_granted");
        Assert.Equal(("awaiting_approval", "draft"), (granted.FromStatus, granted.ToStatus));
        Assert.Contains($"channel={channel}", granted.Detail);
        Assert.Contains("by=local operator", granted.Detail);
        Assert.Contains("client=approval-tests/1.0", granted.Detail);
        Assert.Contains(events, e => e.EventType == "publish_started");
        var audit = await server.AuditAsync();
        var row = Assert.Single(audit, a => a.Tool == "approval:" + channel);
        Assert.Equal(("approval-tests", "1.0"), (row.ClientName, row.ClientVersion));
        Assert.Equal($"approved publish post={postId}", row.Outcome);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task PublishPost_PersonSaysNo_RejectedWithTheirReason_NothingPublished(string? protocolVersion)
    {
        await using var server = await Harness.StartAsync(protocolVersion, (_, _) => ValueTask.FromResult(Answer("accept", approve: false, "Typo in the title")));
        var postId = await server.CreateDraftAsync("Lanch day");

        var result = await server.CallOkAsync("publish_post", $$"""{"postId": "{{postId}}"}""");

        Assert.Equal("draft", result.GetProperty("status").GetString());
        Assert.Contains("Rejected (Typo in the title)", result.GetProperty("summary").GetString());
        Assert.All(result.GetProperty("targets").EnumerateArray(), t => Assert.Equal("pending", t.GetProperty("status").GetString()));
        var rejected = Assert.Single(await server.EventsAsync(postId), e => e.EventType == "approval_rejected");
        Assert.Contains("reason=Typo in the title", rejected.Detail);
        Assert.Contains(await server.AuditAsync(), a => a.Outcome == $"rejected publish post={postId}");
    }

    [Fact]
    public async Task PublishPost_PersonDeclines_Rejected()
    {
        await using var server = await Harness.StartAsync(null, (_, _) => ValueTask.FromResult(new ElicitResult { Action = "decline" }));
        var postId = await server.CreateDraftAsync("Not today");

        var result = await server.CallOkAsync("publish_post", $$"""{"postId": "{{postId}}"}""");

        Assert.Equal("draft", result.GetProperty("status").GetString());
        Assert.Contains("declined in the client", Assert.Single(await server.EventsAsync(postId), e => e.EventType == "approval_rejected").Detail);
    }

    [Fact]
    public async Task PublishPost_ClientCannotAsk_PostWaitsWithHowToApprove_AndApprovePostNeedsTheScopeTheStdioSessionLacks()
    {
        await using var server = await Harness.StartAsync(null, elicit: null);
        var postId = await server.CreateDraftAsync("Waits for a person");

        var held = await server.CallOkAsync("publish_post", $$"""{"postId": "{{postId}}", "idempotencyKey": "k-1"}""");
        var replayed = await server.CallOkAsync("publish_post", $$"""{"postId": "{{postId}}", "idempotencyKey": "k-1"}""");

        Assert.Equal("awaiting_approval", held.GetProperty("status").GetString());
        Assert.Equal("publish", held.GetProperty("approval").GetProperty("action").GetString());
        Assert.Equal("draft", held.GetProperty("approval").GetProperty("returnStatus").GetString());
        Assert.Contains("approve_post", held.GetProperty("summary").GetString());
        Assert.Equal("awaiting_approval", replayed.GetProperty("status").GetString());
        Assert.True(replayed.GetProperty("replayed").GetBoolean());
        // Another publish without the key is refused: only a decision moves it on.
        var again = await server.CallFailingAsync("publish_post", $$"""{"postId": "{{postId}}"}""");
        Assert.Equal("INVALID_STATUS_TRANSITION", again.GetProperty("code").GetString());
        Assert.Contains("approve_post", again.GetProperty("hint").GetString());
        var forbidden = await server.CallFailingAsync("approve_post", $$"""{"postId": "{{postId}}"}""");
        Assert.Equal("FORBIDDEN_SCOPE", forbidden.GetProperty("code").GetString());
        Assert.Contains(Scopes.PostsApprove, forbidden.GetProperty("message").GetString());
        Assert.Equal(PostStatus.AwaitingApproval, (await server.Posts.GetAsync(LocalWorkspace.Id, postId, Ct)).Post.Status);
    }

    [Fact]
    public async Task SchedulePost_ApprovalRequired_PersonApprovesInTheClient_ScheduledAtTheTimeAsked()
    {
        await using var server = await Harness.StartAsync(null, (request, _) =>
        {
            Assert.Contains("schedule at 2026-11-22 12:00 UTC", request!.Message);
            return ValueTask.FromResult(Answer("accept", approve: true));
        }, required: "schedule");
        var postId = await server.CreateDraftAsync("Later today");

        var scheduled = await server.CallOkAsync("schedule_post", $$"""{"postId": "{{postId}}", "scheduledFor": "2026-11-22T12:00:00Z"}""");

        Assert.Equal("scheduled", scheduled.GetProperty("status").GetString());
        Assert.Equal(TestServices.Start.AddHours(3), scheduled.GetProperty("scheduledFor").GetDateTimeOffset());
        Assert.Contains("scheduledFor=2026-11-22T12:00:00", Assert.Single(await server.EventsAsync(postId), e => e.EventType == "approval_granted").Detail);
    }

    private static ElicitResult Answer(string action, bool approve, string? reason = null)
    {
        var content = new Dictionary<string, JsonElement> { ["approve"] = JsonSerializer.SerializeToElement(approve) };
        if (reason is not null)
            content["reason"] = JsonSerializer.SerializeToElement(reason);
        return new ElicitResult { Action = action, Content = content };
    }

    private sealed class Harness : IAsyncDisposable
    {
        private readonly IHost _host;
        private readonly string _directory;

        private Harness(IHost host, McpClient client, string directory)
        {
            _host = host;
            Client = client;
            _directory = directory;
        }

        public McpClient Client { get; }
        public PostService Posts => _host.Services.GetRequiredService<PostService>();

        public static async Task<Harness> StartAsync(
            string? protocolVersion, Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>>? elicit, string required = "publish")
        {
            var directory = Path.Combine(Path.GetTempPath(), "socialmcp-approval-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var (clientToServer, serverToClient) = (new Pipe(), new Pipe());
            var builder = SocialMcpHost.CreateBuilder(new Dictionary<string, string?>
            {
                ["Storage:Path"] = Path.Combine(directory, "approval.db"),
                ["Logging:LogLevel:Default"] = "Warning",
                ["Approvals:Required:0"] = required,
            });
            builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestServices.Start));
            builder.Services.AddSocialMcpServer().WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream());
            var host = builder.Build();
            await host.Services.InitializeStoreAsync(Ct);
            await host.StartAsync(Ct);

            var options = new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "approval-tests", Version = "1.0" },
                DiscoverProbeTimeout = Timeout.InfiniteTimeSpan,
                ProtocolVersion = protocolVersion,
            };
            if (elicit is not null)
            {
                options.Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability { Form = new FormElicitationCapability() } };
                options.Handlers = new McpClientHandlers { ElicitationHandler = elicit };
            }
            var client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()), options,
                cancellationToken: Ct);
            return new Harness(host, client, directory);
        }

        public async Task<string> CreateDraftAsync(string text) =>
            (await CallOkAsync("create_post", $$"""{"content": {"text": "{{text}}"}, "platforms": ["x", "linkedin"]}""")).GetProperty("id").GetString()!;

        public async Task<JsonElement> CallOkAsync(string tool, string argumentsJson)
        {
            var result = await CallAsync(tool, argumentsJson);
            Assert.False(result.IsError == true, $"{tool} failed: {result.StructuredContent}");
            return result.StructuredContent!.Value;
        }

        public async Task<JsonElement> CallFailingAsync(string tool, string argumentsJson)
        {
            var result = await CallAsync(tool, argumentsJson);
            Assert.True(result.IsError, $"{tool} succeeded: {result.StructuredContent}");
            return result.StructuredContent!.Value.GetProperty("error");
        }

        private async Task<CallToolResult> CallAsync(string tool, string argumentsJson)
        {
            var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            return await Client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token);
        }

        public Task<IReadOnlyList<PostEvent>> EventsAsync(string postId) => Posts.GetHistoryAsync(LocalWorkspace.Id, postId, Ct);

        /// <summary>The audit log: the decision's row is written in its transaction, the call rows by the filter's writer.</summary>
        public Task<IReadOnlyList<AuditEntry>> AuditAsync() =>
            _host.Services.GetRequiredService<IStore>().ReadAsync(session => session.Audit.ListAsync(LocalWorkspace.Id, 100, Ct), Ct);

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await _host.StopAsync();
            _host.Dispose();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
    }
}
