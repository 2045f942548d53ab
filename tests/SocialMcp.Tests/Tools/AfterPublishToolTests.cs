using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Tools;

/// <summary>
/// After a publish, through the MCP tools in-process (JSON-RPC, schema check, call filter, tool, domain, SQLite): fixing a
/// failed target with update_post and publishing it with retry_post, publish_post refusing a partial post, recording a
/// manual withdrawal with resolve_target, and times in the post's time zone.
/// </summary>
public sealed class AfterPublishToolTests : IAsyncLifetime
{
    private InProcessMcpServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessMcpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> OkAsync(string tool, string arguments) => (await _server.CallOkAsync(tool, arguments)).StructuredContent!.Value;

    private async Task<JsonElement> FailingAsync(string tool, string arguments, string code, string path)
    {
        var parsed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        var result = await _server.Client.CallToolAsync(tool, parsed);
        Assert.True(result.IsError, $"{tool} succeeded: {result.StructuredContent}");
        var error = result.StructuredContent!.Value.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(path, error.GetProperty("path").GetString());
        return error;
    }

    private Task SwitchAsync(Platform platform, string failPublish) =>
        ActivatorUtilities.CreateInstance<SandboxFailureSwitches>(_server.Services)
            .SetAsync(LocalWorkspace.Id, platform, null, failPublish, null, CancellationToken.None);

    private static JsonElement Target(JsonElement post, string platform) =>
        post.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("platform").GetString() == platform);

    [Fact]
    public async Task UpdateThenRetry_FixesTheFailedTargetWhileTheLiveOneKeepsWhatItWentOutWith()
    {
        await SwitchAsync(Platform.LinkedIn, "MEDIA_UPLOAD_FAILED");
        var created = await OkAsync("create_post", """{"content": {"text": "Launch day!"}, "platforms": ["x", "linkedin"]}""");
        var id = created.GetProperty("id").GetString();
        var partial = await OkAsync("publish_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal("partial", partial.GetProperty("status").GetString());
        var xUrl = Target(partial, "x").GetProperty("url").GetString();

        // publish_post does not quietly retry it.
        var refused = await FailingAsync("publish_post", $$"""{"postId": "{{id}}"}""", "INVALID_STATUS_TRANSITION", "$.postId");
        Assert.Contains("retry_post", refused.GetProperty("hint").GetString());
        Assert.Contains("linkedin", refused.GetProperty("hint").GetString());

        // A change to the live x target is refused; the failed linkedin one is fixed.
        var version = partial.GetProperty("version").GetInt32();
        await FailingAsync("update_post", $$$"""{"postId": "{{{id}}}", "version": {{{version}}}, "content": {"text": "Launch day!", "platformOverrides": {"x": {"text": "Rewritten"} } } }""",
            "TARGET_NOT_EDITABLE", "$.content.platformOverrides.x");
        await SwitchAsync(Platform.LinkedIn, SandboxFailureSwitches.Off);
        var edited = await OkAsync("update_post", $$$"""{"postId": "{{{id}}}", "version": {{{version}}}, "content": {"text": "Launch day, take two"}}""");
        Assert.Equal("partial", edited.GetProperty("status").GetString());
        Assert.Equal("Launch day, take two", edited.GetProperty("content").GetProperty("text").GetString());
        Assert.Equal("Launch day!", edited.GetProperty("publishedContent").GetProperty("x").GetProperty("text").GetString());

        var retried = await OkAsync("retry_post", $$"""{"postId": "{{id}}", "version": {{edited.GetProperty("version").GetInt32()}}}""");

        Assert.Equal("published", retried.GetProperty("status").GetString());
        Assert.Equal(xUrl, Target(retried, "x").GetProperty("url").GetString());
        Assert.Equal("published", Target(retried, "linkedin").GetProperty("status").GetString());
        var sandbox = _server.Services.GetRequiredService<SandboxPublisher>();
        Assert.Equal("Launch day, take two", sandbox.Deliveries.Last(d => d.Platform == Platform.LinkedIn).Text);
        Assert.Equal(1, sandbox.Deliveries.Count(d => d.Platform == Platform.X));
        var withEvents = await OkAsync("get_post", $$"""{"postId": "{{id}}", "includeEvents": true}""");
        var edit = withEvents.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "failed_targets_edited");
        Assert.Equal("platforms=linkedin fields=text", edit.GetProperty("detail").GetString());
        Assert.Equal("Launch day!", withEvents.GetProperty("publishedContent").GetProperty("x").GetProperty("text").GetString());
    }

    [Fact]
    public async Task ResolveTarget_WithdrawnManually_IsInTheSchemaAndWithdrawsTheLiveTarget()
    {
        var created = await OkAsync("create_post", """
            {"content": {"text": "Hello", "media": [{"url": "https://example.com/a.jpg", "type": "image", "mimeType": "image/jpeg"}]},
             "platforms": ["instagram"]}
            """);
        var id = created.GetProperty("id").GetString();
        await OkAsync("publish_post", $$"""{"postId": "{{id}}"}""");
        var refused = await FailingAsync("withdraw_post", $$"""{"postId": "{{id}}"}""", "WITHDRAW_NOT_SUPPORTED", "$.platforms");
        Assert.Contains("withdrawn_manually", refused.GetProperty("hint").GetString());

        var resolved = await OkAsync("resolve_target", $$"""{"postId": "{{id}}", "platform": "instagram", "outcome": "withdrawn_manually"}""");

        Assert.Equal("withdrawn", resolved.GetProperty("status").GetString());
        Assert.Equal("withdrawn", Target(resolved, "instagram").GetProperty("status").GetString());
        var withEvents = await OkAsync("get_post", $$"""{"postId": "{{id}}", "includeEvents": true}""");
        var manual = withEvents.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "target_withdrawn_manually");
        Assert.Contains("recorded by local operator", manual.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task TimeZone_GivesEveryTimeAlsoInThePostsZone()
    {
        var created = await OkAsync("create_post", """{"content": {"text": "Zoned"}, "platforms": ["x"], "timeZone": "Europe/Berlin"}""");
        var id = created.GetProperty("id").GetString();
        Assert.Equal("Europe/Berlin", created.GetProperty("timeZone").GetString());
        var createdAt = created.GetProperty("createdAt").GetDateTimeOffset();
        var createdLocal = created.GetProperty("createdAtLocal").GetDateTimeOffset();
        Assert.Equal(createdAt, createdLocal);
        Assert.Equal(TimeSpan.FromHours(1), createdLocal.Offset); // November: CET

        // scheduledFor given in UTC comes back in the zone too; a summer time gets the summer offset.
        var scheduled = await OkAsync("schedule_post", $$"""{"postId": "{{id}}", "scheduledFor": "2026-11-22T12:00:00Z", "timeZone": "America/New_York"}""");
        Assert.Equal("America/New_York", scheduled.GetProperty("timeZone").GetString());
        Assert.Equal("2026-11-22T07:00:00-05:00", scheduled.GetProperty("scheduledForLocal").GetString());

        var published = await OkAsync("publish_post", $$"""{"postId": "{{id}}"}""");
        var x = Target(published, "x");
        Assert.Equal(x.GetProperty("publishedAt").GetDateTimeOffset(), x.GetProperty("publishedAtLocal").GetDateTimeOffset());
        Assert.Equal(TimeSpan.FromHours(-5), x.GetProperty("publishedAtLocal").GetDateTimeOffset().Offset);
        Assert.Equal(TimeSpan.FromHours(-5), x.GetProperty("updatedAtLocal").GetDateTimeOffset().Offset);
    }

    [Fact]
    public async Task TimeZone_Omitted_LeavesNoLocalTimes()
    {
        var created = await OkAsync("create_post", """{"content": {"text": "UTC only"}, "platforms": ["x"]}""");

        Assert.False(created.TryGetProperty("timeZone", out _));
        Assert.False(created.TryGetProperty("createdAtLocal", out _));
        Assert.False(Target(created, "x").TryGetProperty("updatedAtLocal", out _));
    }

    [Theory]
    [InlineData("create_post", """{"content": {"text": "Hi"}, "platforms": ["x"], "timeZone": "Mars/Olympus"}""")]
    [InlineData("create_post", """{"content": {"text": "Hi"}, "platforms": ["x"], "timeZone": "Pacific Standard Time"}""")]
    [InlineData("create_post", """{"content": {"text": "Hi"}, "platforms": ["x"], "timeZone": "+01:00"}""")]
    public async Task TimeZone_NotAnIanaId_IsValidationFailedAtTimeZoneAndStoresNothing(string tool, string arguments)
    {
        var error = await FailingAsync(tool, arguments, "VALIDATION_FAILED", "$.timeZone");

        Assert.Contains("IANA", error.GetProperty("hint").GetString());
        Assert.Equal(0, (await OkAsync("list_posts", "{}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task TimeZone_OnUpdateAndSchedule_InvalidIsRefusedAndThePostKeepsItsZone()
    {
        var created = await OkAsync("create_post", """{"content": {"text": "Hi"}, "platforms": ["x"], "timeZone": "Asia/Tokyo"}""");
        var id = created.GetProperty("id").GetString();

        await FailingAsync("update_post", $$"""{"postId": "{{id}}", "version": 1, "timeZone": "Nowhere/Land"}""", "VALIDATION_FAILED", "$.timeZone");
        await FailingAsync("schedule_post", $$"""{"postId": "{{id}}", "scheduledFor": "2026-11-22T12:00:00Z", "timeZone": "Nowhere/Land"}""",
            "VALIDATION_FAILED", "$.timeZone");
        var updated = await OkAsync("update_post", $$"""{"postId": "{{id}}", "version": 1, "timeZone": "UTC"}""");

        Assert.Equal("UTC", updated.GetProperty("timeZone").GetString());
        Assert.Equal(2, updated.GetProperty("version").GetInt32());
    }
}
