using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;
using SocialMcp.Core;
using SocialMcp.Core.Errors;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Tests.Tools;

public sealed class ToolDefinitionTests
{
    private static readonly string[] RequiredTools =
    [
        "create_post", "get_post", "list_posts", "update_post", "cancel_post", "validate_post", "publish_post",
        "schedule_post", "withdraw_post", "retry_post", "list_accounts", "list_platform_sets",
    ];

    private static IReadOnlyList<McpServerTool> Tools()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddSocialMcpServer();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<McpServerOptions>>().Value.ToolCollection!.OrderBy(t => t.ProtocolTool.Name).ToList();
    }

    private static string Definitions() =>
        new JsonArray(Tools().Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t.ProtocolTool.Name,
            ["title"] = t.ProtocolTool.Title,
            ["description"] = t.ProtocolTool.Description,
            ["annotations"] = JsonSerializer.SerializeToNode(t.ProtocolTool.Annotations),
            ["inputSchema"] = JsonNode.Parse(t.ProtocolTool.InputSchema.GetRawText()),
            ["outputSchema"] = t.ProtocolTool.OutputSchema is { } output ? JsonNode.Parse(output.GetRawText()) : null,
        }).ToArray()).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";

    private static string SnapshotPath([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "Snapshots", "tools.json");

    /// <summary>Set UPDATE_SNAPSHOTS=1 to rewrite the snapshot after an intended change, then review the diff.</summary>
    [Fact]
    public void ToolDefinitions_MatchCommittedSnapshot()
    {
        var actual = Definitions();
        var path = SnapshotPath();
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
            File.WriteAllText(path, actual);

        Assert.True(File.Exists(path), $"Snapshot {path} is missing; run the tests once with UPDATE_SNAPSHOTS=1.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    [Fact]
    public void Tools_IncludeEveryRequiredTool_WithStrictObjectSchemas()
    {
        var tools = Tools();

        Assert.Subset(tools.Select(t => t.ProtocolTool.Name).ToHashSet(), RequiredTools.ToHashSet());
        Assert.All(tools, t =>
        {
            Assert.Equal("object", t.ProtocolTool.InputSchema.GetProperty("type").GetString());
            Assert.False(t.ProtocolTool.InputSchema.GetProperty("additionalProperties").GetBoolean());
            Assert.Equal("object", t.ProtocolTool.OutputSchema?.GetProperty("type").GetString());
            Assert.False(string.IsNullOrWhiteSpace(t.ProtocolTool.Description));
            Assert.NotNull(t.ProtocolTool.Annotations?.ReadOnlyHint);
            Assert.NotNull(t.ProtocolTool.Annotations?.DestructiveHint);
            Assert.NotNull(t.ProtocolTool.Annotations?.IdempotentHint);
            Assert.NotNull(t.ProtocolTool.Annotations?.OpenWorldHint);
        });
    }

    [Theory]
    [InlineData("get_post", true, false)]
    [InlineData("list_posts", true, false)]
    [InlineData("list_accounts", true, false)]
    [InlineData("list_platform_sets", true, false)]
    [InlineData("validate_post", true, false)]
    [InlineData("publish_post", false, true)]
    [InlineData("withdraw_post", false, true)]
    [InlineData("retry_post", false, true)]
    public void Annotations_AreHonest(string name, bool readOnly, bool destructiveAndOpenWorld)
    {
        var annotations = Tools().Single(t => t.ProtocolTool.Name == name).ProtocolTool.Annotations!;

        Assert.Equal(readOnly, annotations.ReadOnlyHint);
        Assert.Equal(destructiveAndOpenWorld, annotations.DestructiveHint);
        Assert.Equal(destructiveAndOpenWorld, annotations.OpenWorldHint);
        if (destructiveAndOpenWorld)
            Assert.False(annotations.IdempotentHint);
    }

    [Fact]
    public void LlmTxt_MentionsEveryToolAndEveryErrorCode()
    {
        var llm = File.ReadAllText(Path.Combine(Path.GetDirectoryName(SnapshotPath())!, "..", "..", "..", "llm.txt"));

        Assert.All(Tools(), t => Assert.Contains($"### {t.ProtocolTool.Name}", llm));
        Assert.All(ErrorCodes.All, code => Assert.Contains($"- {code} — ", llm));
    }
}
