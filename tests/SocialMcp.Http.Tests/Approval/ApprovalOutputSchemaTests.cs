using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Core.Access;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;
using NetSchema = Json.Schema;

namespace SocialMcp.Http.Tests.Approval;

/// <summary>
/// approve_post, reject_post and the held results of publish_post, schedule_post and withdraw_post conform to the output
/// schemas tools/list advertises (the stdio session cannot call approve_post, so this runs over HTTP with API keys).
/// </summary>
public sealed class ApprovalOutputSchemaTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task ApprovalResults_ConformToTheAdvertisedOutputSchemas()
    {
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string?> { ["Approvals:Required:0"] = "publish", ["Approvals:Required:1"] = "schedule", ["Approvals:Required:2"] = "withdraw" },
            apiKeys: true);
        var workspaces = server.Services.GetRequiredService<WorkspaceService>();
        var (_, agentKey) = await workspaces.CreateKeyAsync(LocalWorkspace.Id, "agent", null, Ct);
        var (_, personKey) = await workspaces.CreateKeyAsync(LocalWorkspace.Id, "person", [Scopes.PostsApprove], Ct);
        await using var agent = await server.ConnectAsync(apiKey: agentKey);
        await using var person = await server.ConnectAsync(apiKey: personKey);
        var tools = (await agent.ListToolsAsync(cancellationToken: Ct)).ToDictionary(t => t.Name, t => t.ProtocolTool.OutputSchema!.Value);

        var created = await CallAsync(agent, tools, "create_post", """{"content": {"text": "Schemas"}, "platforms": ["x"]}""");
        var id = created.GetProperty("id").GetString();
        var heldSchedule = await CallAsync(agent, tools, "schedule_post", $$"""{"postId": "{{id}}", "scheduledFor": "2026-03-03T09:00:00Z"}""");
        Assert.Equal("schedule", heldSchedule.GetProperty("approval").GetProperty("action").GetString());
        await CallAsync(person, tools, "reject_post", $$"""{"postId": "{{id}}", "reason": "Not that day"}""");
        var heldPublish = await CallAsync(agent, tools, "publish_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal("awaiting_approval", heldPublish.GetProperty("status").GetString());
        await CallAsync(person, tools, "approve_post", $$"""{"postId": "{{id}}"}""");
        var heldWithdraw = await CallAsync(agent, tools, "withdraw_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal("awaiting_approval", heldWithdraw.GetProperty("post").GetProperty("status").GetString());
        var withdrawn = await CallAsync(person, tools, "approve_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal("withdrawn", withdrawn.GetProperty("status").GetString());
    }

    private static async Task<JsonElement> CallAsync(McpClient client, Dictionary<string, JsonElement> schemas, string tool, string argumentsJson)
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: Ct);
        var structured = result.StructuredContent!.Value;
        Assert.False(result.IsError == true, $"{tool} failed: {structured}");
        var oracle = NetSchema.JsonSchema.Build(schemas[tool], new NetSchema.BuildOptions { SchemaRegistry = new NetSchema.SchemaRegistry() },
            new Uri($"https://socialmcp.invalid/outputs/{tool}/{Guid.NewGuid():N}"));
        var evaluation = oracle.Evaluate(structured, new NetSchema.EvaluationOptions { OutputFormat = NetSchema.OutputFormat.List, RequireFormatValidation = true });
        var failures = (evaluation.Details ?? []).Where(n => !n.IsValid && n.Errors is { Count: > 0 })
            .Select(n => $"{n.InstanceLocation}: {string.Join("; ", n.Errors!.Values)}");
        Assert.True(evaluation.IsValid, $"{tool}: structuredContent does not conform to its outputSchema: {string.Join(" | ", failures)}\n{structured}");
        Assert.IsType<TextContentBlock>(result.Content[0]);
        return structured;
    }
}
