using System.Text.Json;
using ModelContextProtocol.Client;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

/// <summary>publishPolicy, toleranceMinutes and resolve_target through the tools: stored and shown, and bad input refused with its path.</summary>
public sealed class PublishOptionsToolTests
{
    private static async Task<JsonElement> CallFailingAsync(McpClient client, string tool, string argumentsJson)
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        var result = await client.CallToolAsync(tool, arguments);
        Assert.True(result.IsError, $"{tool} should have failed: {result.StructuredContent}");
        return result.StructuredContent!.Value.GetProperty("error");
    }

    [Fact]
    public async Task CreateAndUpdate_StorePolicyAndTolerance_AndShowThemOnThePost()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var created = await ToolCalls.CallOkAsync(client, "create_post",
            """{"content": {"text": "All or nothing"}, "platforms": ["x", "linkedin"], "publishPolicy": "all_or_nothing", "toleranceMinutes": 30}""");
        Assert.Equal("all_or_nothing", created.GetProperty("publishPolicy").GetString());
        Assert.Equal(30, created.GetProperty("toleranceMinutes").GetInt32());

        var id = created.GetProperty("id").GetString()!;
        var updated = await ToolCalls.CallOkAsync(client, "update_post",
            $$"""{"postId": "{{id}}", "version": {{created.GetProperty("version").GetInt32()}}, "toleranceMinutes": 0}""");
        Assert.Equal("all_or_nothing", updated.GetProperty("publishPolicy").GetString());
        Assert.Equal(0, updated.GetProperty("toleranceMinutes").GetInt32());

        var plain = await ToolCalls.CallOkAsync(client, "create_post", """{"content": {"text": "Defaults"}, "platforms": ["x"]}""");
        Assert.Equal("partial", plain.GetProperty("publishPolicy").GetString());
        Assert.False(plain.TryGetProperty("toleranceMinutes", out _));
    }

    [Theory]
    [InlineData("""{"content": {"text": "x"}, "platforms": ["x"], "publishPolicy": "mostly"}""", "$.publishPolicy")]
    [InlineData("""{"content": {"text": "x"}, "platforms": ["x"], "toleranceMinutes": 1441}""", "$.toleranceMinutes")]
    [InlineData("""{"content": {"text": "x"}, "platforms": ["x"], "toleranceMinutes": "15"}""", "$.toleranceMinutes")]
    public async Task CreatePost_BadPolicyOrTolerance_IsValidationFailedAtItsPath_AndStoresNothing(string arguments, string path)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var error = await CallFailingAsync(client, "create_post", arguments);

        Assert.Equal("VALIDATION_FAILED", error.GetProperty("code").GetString());
        Assert.Equal(path, error.GetProperty("path").GetString());
        var listed = await ToolCalls.CallOkAsync(client, "list_posts", "{}");
        Assert.Equal(0, listed.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ResolveTarget_BadOutcome_IsValidationFailed_AndATargetThatIsNotUnsureIsRefusedAtPlatform()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var created = await ToolCalls.CallOkAsync(client, "create_post", """{"content": {"text": "Nothing unsure"}, "platforms": ["x"]}""");
        var id = created.GetProperty("id").GetString()!;

        var badOutcome = await CallFailingAsync(client, "resolve_target", $$"""{"postId": "{{id}}", "platform": "x", "outcome": "maybe"}""");
        Assert.Equal("VALIDATION_FAILED", badOutcome.GetProperty("code").GetString());
        Assert.Equal("$.outcome", badOutcome.GetProperty("path").GetString());

        var notUnsure = await CallFailingAsync(client, "resolve_target", $$"""{"postId": "{{id}}", "platform": "x", "outcome": "not_published"}""");
        Assert.Equal("INVALID_STATUS_TRANSITION", notUnsure.GetProperty("code").GetString());
        Assert.Equal("$.platform", notUnsure.GetProperty("path").GetString());
        var after = await ToolCalls.CallOkAsync(client, "get_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal(created.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        Assert.Equal("pending", after.GetProperty("targets")[0].GetProperty("status").GetString());
    }
}
