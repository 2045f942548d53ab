namespace SocialMcp.EndToEnd.Tests;

/// <summary>The stdio server runs the scheduler worker too, and its health tool says so.</summary>
public sealed class StdioHealthEndToEndTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Health_OverStdio_ReportsTheSchedulerAlive()
    {
        var health = await fixture.Server.CallOkAsync("health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        var scheduler = health.GetProperty("scheduler");
        Assert.True(scheduler.GetProperty("alive").GetBoolean());
        Assert.Equal("running", scheduler.GetProperty("state").GetString());
    }
}
