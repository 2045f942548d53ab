using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Mcp;
using SocialMcp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using NetSchema = Json.Schema;

namespace SocialMcp.Tests.Tools;

/// <summary>
/// Every tool advertises an outputSchema, and what a successful call returns as structuredContent conforms to it: each
/// tool is called through the real server (JSON-RPC, call filter, tool, domain, SQLite, sandbox publishing) and its result
/// checked by JsonSchema.Net and by our validator against the schema tools/list advertised.
/// </summary>
public sealed class ToolOutputSchemaTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly NetSchema.EvaluationOptions Strict = new() { OutputFormat = NetSchema.OutputFormat.List, RequireFormatValidation = true };

    [Fact]
    public async Task CallTool_EveryToolOnItsSuccessPaths_StructuredContentConformsToTheAdvertisedOutputSchema()
    {
        // Webhooks (issue 16) go to a receiver on loopback, allow-listed for this server.
        await using var receiver = await SocialMcp.Tests.Webhooks.WebhookReceiver.StartAsync();
        await using var server = await InProcessMcpServer.StartAsync(new Dictionary<string, string?> { ["Media:AllowedHosts:0"] = "127.0.0.1" });
        var tools = (await server.Client.ListToolsAsync(cancellationToken: Ct)).ToDictionary(t => t.Name, t => t.ProtocolTool);
        var results = new List<(string Tool, CallToolResult Result)>();
        async Task<JsonElement> Call(string tool, string arguments)
        {
            var result = await server.CallOkAsync(tool, arguments);
            results.Add((tool, result));
            return result.StructuredContent!.Value;
        }

        await Call("health", "{}");
        await Call("list_accounts", "{}");
        var listed = await Call("list_platform_sets", "{}");
        var defaultSetId = listed.GetProperty("platformSets").EnumerateArray().Single(s => s.GetProperty("isDefault").GetBoolean()).GetProperty("id").GetString();
        var set = await Call("create_platform_set", """{"name": "Brand B", "withSandboxAccounts": true}""");
        var setId = set.GetProperty("platformSet").GetProperty("id").GetString();
        await Call("rename_platform_set", $$"""{"platformSetId": "{{setId}}", "name": "Brand C"}""");
        // Made the default and back, so the posts below use the original default and Brand C can be deleted at the end.
        await Call("set_default_platform_set", $$"""{"platformSetId": "{{setId}}"}""");
        await Call("set_default_platform_set", $$"""{"platformSetId": "{{defaultSetId}}"}""");
        await Call("validate_post", """{"content": {"text": "Spring release is out"}, "platforms": ["x", "linkedin"]}""");

        // A draft, replayed, updated, validated, scheduled, read with its history, then discarded.
        const string draft = """
            {"content": {"text": "Spring release", "linkUrl": "https://example.com/spring", "platformOverrides": {"x": {"text": "Spring release on X"}}},
             "platforms": ["x", "facebook"], "idempotencyKey": "outputs-1", "publishPolicy": "all_or_nothing", "toleranceMinutes": 30}
            """;
        var a = await Call("create_post", draft);
        var replayed = await Call("create_post", draft);
        Assert.True(replayed.GetProperty("replayed").GetBoolean());
        var postA = a.GetProperty("id").GetString();
        var updated = await Call("update_post", $$"""{"postId": "{{postA}}", "version": {{a.GetProperty("version").GetInt32()}}, "content": {"text": "Spring release, updated"} }""");
        var plan = await Call("validate_post", $$"""{"postId": "{{postA}}"}""");
        var scheduled = await Call("schedule_post", $$"""{"postId": "{{postA}}", "scheduledFor": "2026-11-23T09:00:00+01:00", "planHash": "{{plan.GetProperty("planHash").GetString()}}", "version": {{updated.GetProperty("version").GetInt32()}}, "maxLatenessMinutes": 30}""");
        var unscheduled = await Call("unschedule_post", $$"""{"postId": "{{postA}}", "version": {{scheduled.GetProperty("version").GetInt32()}}}""");
        await Call("schedule_post", $$"""{"postId": "{{postA}}", "scheduledFor": "2026-11-23T09:00:00+01:00", "version": {{unscheduled.GetProperty("version").GetInt32()}}}""");
        var history = await Call("get_post", $$"""{"postId": "{{postA}}", "includeEvents": true}""");
        Assert.NotEmpty(history.GetProperty("events").EnumerateArray());
        await Call("cancel_post", $$"""{"postId": "{{postA}}"}""");

        // Published, then taken down from one platform.
        var b = await Call("create_post", """{"content": {"text": "Going live"}, "platforms": ["x", "facebook"]}""");
        var postB = b.GetProperty("id").GetString();
        await Call("publish_post", $$"""{"postId": "{{postB}}"}""");
        await Call("withdraw_post", $$"""{"postId": "{{postB}}", "platforms": ["x"]}""");

        // Partly published (linkedin refuses once), then retried.
        var c = await Call("create_post", """{"content": {"text": "Second try"}, "platforms": ["x", "linkedin"]}""");
        var (postC, setC) = (c.GetProperty("id").GetString()!, c.GetProperty("platformSetId").GetString()!);
        await SetSandboxFailureAsync(server, setC, Platform.LinkedIn, ErrorCodes.PlatformError);
        var partial = await Call("publish_post", $$"""{"postId": "{{postC}}"}""");
        Assert.Equal("partial", partial.GetProperty("status").GetString());
        await SetSandboxFailureAsync(server, setC, Platform.LinkedIn, null);
        await Call("retry_post", $$"""{"postId": "{{postC}}"}""");

        // A target the platform could not account for, settled by hand.
        var d = await Call("create_post", """{"content": {"text": "Did it go out?"}, "platforms": ["x", "threads"]}""");
        var postD = d.GetProperty("id").GetString()!;
        await Call("publish_post", $$"""{"postId": "{{postD}}"}""");
        await MakeUnsureAsync(server, postD, Platform.Threads);
        await Call("resolve_target", $$"""{"postId": "{{postD}}", "platform": "threads", "outcome": "published", "platformPostId": "th-123"}""");

        // The media library: an upload named in a post, read, listed, then deleted once the post no longer needs it.
        var media = await Call("upload_media", $$"""{"data": "{{TestMedia.Base64(TestMedia.VerticalMp4)}}", "fileName": "clip.mp4"}""");
        var mediaId = media.GetProperty("id").GetString();
        await Call("validate_post", $$"""{"content": {"text": "Clip", "media": [{"mediaId": "{{mediaId}}", "altText": "Blue"}]}, "platforms": ["x"]}""");
        await Call("get_media", $$"""{"mediaId": "{{mediaId}}"}""");
        await Call("list_media", "{}");
        await Call("delete_media", $$"""{"mediaId": "{{mediaId}}"}""");

        var page = await Call("list_posts", """{"limit": 2}""");
        Assert.True(page.TryGetProperty("nextOffset", out _));

        // The queue (issue 15): the default set's schedule (read before and after), a post into its next slot, a calendar window.
        await Call("get_posting_schedule", "{}");
        await Call("set_posting_schedule", """{"timeZone": "Europe/Berlin", "slots": [{"day": "monday", "time": "09:00"}]}""");
        await Call("get_posting_schedule", """{"count": 2}""");
        var queued = await Call("create_post", """{"content": {"text": "Queued"}, "platforms": ["x"], "slot": "next"}""");
        Assert.True(queued.TryGetProperty("slot", out _));
        var window = await Call("list_posts", """{"from": "2026-11-22T00:00:00", "to": "2026-12-22T00:00:00", "timeZone": "Europe/Berlin"}""");
        Assert.NotEmpty(window.GetProperty("freeSlots").EnumerateArray());
        await Call("set_posting_schedule", """{"slots": []}""");
        await Call("delete_platform_set", $$"""{"platformSetId": "{{setId}}"}""");

        // Webhooks: an endpoint, a test send, its log (list and one delivery), a rotation, replays, then its deletion.
        var webhook = await Call("create_webhook", $$"""{"url": "{{receiver.Url}}", "description": "Outputs", "eventTypes": ["post.created"]}""");
        var webhookId = webhook.GetProperty("webhook").GetProperty("id").GetString();
        await Call("list_webhooks", "{}");
        var sent = await Call("test_webhook", $$"""{"webhookId": "{{webhookId}}"}""");
        Assert.Equal("succeeded", sent.GetProperty("outcome").GetString());
        var deliveryId = sent.GetProperty("deliveryId").GetString();
        await Call("list_webhook_deliveries", $$"""{"webhookId": "{{webhookId}}", "from": "2026-11-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}""");
        await Call("list_webhook_deliveries", $$"""{"deliveryId": "{{deliveryId}}"}""");
        await Call("rotate_webhook_secret", $$"""{"webhookId": "{{webhookId}}"}""");
        await Call("replay_webhook_deliveries", $$"""{"deliveryId": "{{deliveryId}}"}""");
        await Call("replay_webhook_deliveries", $$"""{"webhookId": "{{webhookId}}", "from": "2026-11-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}""");
        await Call("delete_webhook", $$"""{"webhookId": "{{webhookId}}"}""");

        // connect_account needs a connect flow and app credentials: ConnectAccountToolTests checks each of its results
        // against this same advertised schema. approve_post and reject_post need the posts:approve scope, which the stdio
        // session lacks: ApprovalOutputSchemaTests (SocialMcp.Http.Tests) checks theirs, and the held results, over HTTP with a person's key.
        Assert.Empty(tools.Keys.Except(results.Select(r => r.Tool)).Except(["connect_account", "approve_post", "reject_post"]));
        Assert.All(results, call =>
        {
            var advertised = tools[call.Tool].OutputSchema
                ?? throw new Xunit.Sdk.XunitException($"{call.Tool} advertises no outputSchema.");
            var structured = call.Result.StructuredContent!.Value;
            // The advertised schema also admits the error shape; a success must not be one.
            Assert.False(structured.TryGetProperty("error", out _), $"{call.Tool}: a successful result carries an error member.");
            var oracle = NetSchema.JsonSchema.Build(advertised, new NetSchema.BuildOptions { SchemaRegistry = new NetSchema.SchemaRegistry() },
                new Uri($"https://socialmcp.invalid/outputs/{call.Tool}/{Guid.NewGuid():N}"));
            var evaluation = oracle.Evaluate(structured, Strict);
            var failures = (evaluation.Details ?? []).Where(n => !n.IsValid && n.Errors is { Count: > 0 })
                .Select(n => $"{n.InstanceLocation}: {string.Join("; ", n.Errors!.Values)}");
            Assert.True(evaluation.IsValid, $"{call.Tool}: structuredContent does not conform to its outputSchema: {string.Join(" | ", failures)}\n{structured}");
            Assert.Empty(Schema.JsonSchema.Compile(advertised).Validate(structured));
            // Clients without structured content support read the same JSON as text.
            var text = Assert.IsType<TextContentBlock>(call.Result.Content[0]).Text;
            Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(text).RootElement, structured), $"{call.Tool}: content[0].text is not structuredContent");
        });
    }

    /// <summary>Clients such as the TypeScript SDK check structuredContent against the outputSchema even when isError is set.</summary>
    [Theory]
    [InlineData("create_post", """{"content": {}, "platforms": ["x"]}""")]
    [InlineData("create_post", """{"content": {"text": "Bad"}, "platforms": ["myspace", 5], "extra": 1}""")]
    [InlineData("get_post", """{"postId": "01a2027b-d680-7498-bc1b-be499e99e9b2"}""")]
    [InlineData("delete_platform_set", """{"platformSetId": "no-such-set"}""")]
    public async Task CallTool_Failing_ErrorStructuredContentConformsToTheAdvertisedOutputSchema(string tool, string argumentsJson)
    {
        await using var server = await InProcessMcpServer.StartAsync();
        var advertised = (await server.Client.ListToolsAsync(cancellationToken: Ct)).Single(t => t.Name == tool).ProtocolTool.OutputSchema!.Value;
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value);

        var result = await server.Client.CallToolAsync(tool, arguments, cancellationToken: Ct);

        Assert.True(result.IsError);
        var structured = result.StructuredContent!.Value;
        var oracle = NetSchema.JsonSchema.Build(advertised, new NetSchema.BuildOptions { SchemaRegistry = new NetSchema.SchemaRegistry() },
            new Uri($"https://socialmcp.invalid/outputs/{tool}/{Guid.NewGuid():N}"));
        Assert.True(oracle.Evaluate(structured, Strict).IsValid, structured.GetRawText());
        Assert.Empty(Schema.JsonSchema.Compile(advertised).Validate(structured));
    }

    [Fact]
    public async Task ListTools_EveryTool_AdvertisesAnObjectOutputSchema()
    {
        await using var server = await InProcessMcpServer.StartAsync();

        var tools = await server.Client.ListToolsAsync(cancellationToken: Ct);

        Assert.NotEmpty(tools);
        Assert.All(tools, tool =>
        {
            var schema = tool.ProtocolTool.OutputSchema ?? throw new Xunit.Sdk.XunitException($"{tool.Name} advertises no outputSchema.");
            Assert.Equal("object", schema.GetProperty("type").GetString());
        });
    }

    [Fact]
    public void Catalog_ToolOfAnAdditionalSource_GetsNoOutputSchemaWhileOursKeepTheirs()
    {
        var catalog = new ToolSchemaCatalog([new OneToolSource()]);

        Assert.Null(catalog.Find("fixture_tool")!.OutputJson);
        Assert.Null(catalog.Find("fixture_tool")!.OutputValidator);
        Assert.All(catalog.All.Where(s => s.ToolName != "fixture_tool"), s => Assert.NotNull(s.OutputValidator));
    }

    /// <summary>Like the conformance fixtures: a tool registered outside Mcp/Schemas.</summary>
    private sealed class OneToolSource : IToolSchemaSource
    {
        public IEnumerable<(string ToolName, JsonNode Schema)> ReadSchemas() =>
            [("fixture_tool", JsonNode.Parse("""{"type": "object", "properties": {}, "additionalProperties": false}""")!)];
    }

    /// <summary>Makes the sandbox account of a platform in a platform set fail its publishes with a code (null: succeed again).</summary>
    private static async Task SetSandboxFailureAsync(InProcessMcpServer server, string platformSetId, Platform platform, string? publishCode)
    {
        var store = server.Services.GetRequiredService<IStore>();
        var account = await store.ReadAsync(async s => (await s.Accounts.ListAsync(LocalWorkspace.Id, platform, platformSetId, Ct)).Single(), Ct);
        var metadata = JsonSerializer.Serialize(new { sandbox = new { failPublish = publishCode } });
        await store.WriteAsync(s => s.Accounts.UpdateMetadataAsync(LocalWorkspace.Id, account.Id, metadata, server.Clock.GetUtcNow(), Ct), Ct);
    }

    /// <summary>As an attempt whose outcome the platform could not report leaves it: the target needs_reconciliation.</summary>
    private static Task MakeUnsureAsync(InProcessMcpServer server, string postId, Platform platform) =>
        server.Services.GetRequiredService<IStore>().WriteAsync(async s =>
        {
            var post = (await s.Posts.GetAsync(LocalWorkspace.Id, postId, Ct))!;
            Assert.True(await s.Posts.UpdateAsync(post with { Status = PostStatus.Partial, Version = post.Version + 1 }, post.Version, Ct));
            var target = (await s.Targets.ListForPostAsync(post.Id, Ct)).Single(t => t.Platform == platform);
            await s.Targets.UpdateAsync(target with
            {
                Status = TargetStatus.NeedsReconciliation, PlatformPostId = null, PublicUrl = null, PublishedAt = null,
                ErrorMessage = "The platform could not be read to check the earlier attempt.",
            }, Ct);
            return 0;
        }, Ct);
}
