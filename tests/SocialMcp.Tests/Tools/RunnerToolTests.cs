using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Storage;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Tools;

/// <summary>
/// Through the MCP tools in-process: schedule_post and create_post say whether a runner is alive (and, without a background
/// service, what to tell the person), health shows the runner, and unschedule_post puts a scheduled post back to draft.
/// </summary>
public sealed class RunnerToolTests : IAsyncLifetime
{
    private InProcessMcpServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessMcpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> OkAsync(string tool, string arguments) => (await _server.CallOkAsync(tool, arguments)).StructuredContent!.Value;

    private Task ServiceBeatsAsync() => _server.Services.GetRequiredService<IStore>().WriteAsync(async session =>
    {
        var now = _server.Clock.GetUtcNow();
        await session.Runners.HeartbeatAsync(new RunnerRecord("other-host/4242/service", RunnerKinds.Service, now, now), CancellationToken.None);
        return true;
    }, CancellationToken.None);

    private string InAnHour => _server.Clock.GetUtcNow().AddHours(1).ToString("O");

    [Fact]
    public async Task SchedulePost_WithNoRunnerAlive_SaysPostsFireOnlyWhileAServerRuns_AndNamesServiceInstall()
    {
        var draft = await OkAsync("create_post", """{"content": {"text": "Later"}, "platforms": ["x"]}""");
        Assert.False(draft.TryGetProperty("runner", out _));

        var scheduled = await OkAsync("schedule_post",
            $$"""{"postId": "{{draft.GetProperty("id").GetString()}}", "scheduledFor": "{{InAnHour}}", "maxLatenessMinutes": 90}""");

        Assert.Equal("scheduled", scheduled.GetProperty("status").GetString());
        Assert.Equal(90, scheduled.GetProperty("maxLatenessMinutes").GetInt32());
        var runner = scheduled.GetProperty("runner");
        Assert.False(runner.GetProperty("alive").GetBoolean());
        Assert.Contains("socialmcp service install", runner.GetProperty("hint").GetString());
        Assert.Contains("socialmcp service install", scheduled.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task CreatePostScheduled_WithALiveService_ReportsItWithoutAHint()
    {
        await ServiceBeatsAsync();

        var scheduled = await OkAsync("create_post", $$"""{"content": {"text": "Later"}, "platforms": ["x"], "scheduledFor": "{{InAnHour}}"}""");

        var runner = scheduled.GetProperty("runner");
        Assert.True(runner.GetProperty("alive").GetBoolean());
        Assert.Equal("service", runner.GetProperty("kind").GetString());
        Assert.Equal(_server.Clock.GetUtcNow(), runner.GetProperty("lastSeenAt").GetDateTimeOffset());
        Assert.False(runner.TryGetProperty("hint", out _));
        Assert.False(scheduled.TryGetProperty("maxLatenessMinutes", out _));

        var health = await OkAsync("health", "{}");
        Assert.Equal("service", health.GetProperty("runner").GetProperty("kind").GetString());
        Assert.Contains("Background runner alive", health.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task UnschedulePost_PutsTheScheduledPostBackToDraft_AndRefusesAStaleVersion()
    {
        var scheduled = await OkAsync("create_post", $$"""{"content": {"text": "Later"}, "platforms": ["x"], "scheduledFor": "{{InAnHour}}"}""");
        var id = scheduled.GetProperty("id").GetString();
        var version = scheduled.GetProperty("version").GetInt32();

        var draft = await OkAsync("unschedule_post", $$"""{"postId": "{{id}}", "version": {{version}}}""");

        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.False(draft.TryGetProperty("scheduledFor", out _));
        var stale = await _server.Client.CallToolAsync("unschedule_post", new Dictionary<string, object?> { ["postId"] = id, ["version"] = version });
        Assert.True(stale.IsError == true);
        var error = stale.StructuredContent!.Value.GetProperty("error");
        Assert.Equal("INVALID_STATUS_TRANSITION", error.GetProperty("code").GetString());
        Assert.Equal("$.postId", error.GetProperty("path").GetString());
        Assert.Contains("already a draft", error.GetProperty("hint").GetString());

        var missingVersion = await _server.Client.CallToolAsync("unschedule_post", new Dictionary<string, object?> { ["postId"] = id });
        Assert.True(missingVersion.IsError == true);
        Assert.Equal("VALIDATION_FAILED", missingVersion.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
    }
}
