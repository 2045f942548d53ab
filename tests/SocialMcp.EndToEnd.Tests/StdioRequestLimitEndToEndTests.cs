using ModelContextProtocol;

namespace SocialMcp.EndToEnd.Tests;

/// <summary>Over stdio, requests other than tools/call and calls of unknown tools count against limits as over HTTP.</summary>
public sealed class StdioRequestLimitEndToEndTests
{
    [Fact]
    public async Task ListRequests_OverTheRequestLimit_AreJsonRpcError32029()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["SOCIALMCP_RateLimits__RequestsPerWindow"] = "5",
            ["SOCIALMCP_RateLimits__Window"] = "01:00:00",
        });

        // initialize (and any handshake the client adds) used part of the budget already.
        McpProtocolException? refused = null;
        for (var i = 0; i < 6 && refused is null; i++)
        {
            try
            {
                await server.Client.ListToolsAsync();
            }
            catch (McpProtocolException ex)
            {
                refused = ex;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(-32029, (int)refused.ErrorCode);
        Assert.Contains("Retry after", refused.Message);
    }

    [Fact]
    public async Task UnknownTool_OverTheReadLimit_IsRateLimited()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["SOCIALMCP_RateLimits__ReadPerWindow"] = "1",
            ["SOCIALMCP_RateLimits__Window"] = "01:00:00",
        });

        await server.CallFailingAsync("no_such_tool", "{}", "UNKNOWN_TOOL", "$.name");
        await server.CallFailingAsync("no_such_tool", "{}", "RATE_LIMITED");
    }
}
