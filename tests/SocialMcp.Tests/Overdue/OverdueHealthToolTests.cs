using System.Text.Json;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Overdue;

/// <summary>Through the MCP health tool in-process, with no scheduler running: an overdue post still counts (a query).</summary>
public sealed class OverdueHealthToolTests
{
    [Fact]
    public async Task Health_WithNoRunner_ShowsTheOverduePost()
    {
        await using var server = await InProcessMcpServer.StartAsync();
        var due = server.Clock.GetUtcNow().AddMinutes(10);
        var created = (await server.CallOkAsync("create_post",
            $$"""{"content": {"text": "Nobody fires me"}, "platforms": ["x"], "scheduledFor": "{{due:O}}"}""")).StructuredContent!.Value;
        Assert.Equal("scheduled", created.GetProperty("status").GetString());

        var before = (await server.CallOkAsync("health", "{}")).StructuredContent!.Value;
        Assert.Equal(0, before.GetProperty("scheduler").GetProperty("overduePosts").GetInt32());

        server.Clock.Advance(TimeSpan.FromMinutes(10 + 16));
        var health = (await server.CallOkAsync("health", "{}")).StructuredContent!.Value;

        var scheduler = health.GetProperty("scheduler");
        Assert.False(scheduler.GetProperty("alive").GetBoolean());
        Assert.Equal(1, scheduler.GetProperty("overduePosts").GetInt32());
        Assert.Equal(due, scheduler.GetProperty("oldestOverdueDueAt").GetDateTimeOffset());
        Assert.Contains("1 post is overdue", health.GetProperty("summary").GetString());
    }
}
