using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SocialMcp.Http.Tests.Support;

public static class ToolCalls
{
    /// <summary>Calls a tool with arguments written as JSON and returns its structured result, failing the test on a tool error.</summary>
    public static async Task<JsonElement> CallOkAsync(McpClient client, string tool, string argumentsJson)
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token);
        var structured = result.StructuredContent ?? throw new Xunit.Sdk.XunitException($"{tool} returned no structuredContent");
        Assert.False(result.IsError == true, $"{tool} failed: {structured}");
        Assert.IsType<TextContentBlock>(result.Content[0]);
        return structured;
    }
}
