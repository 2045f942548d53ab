using System.Text.Json;

namespace SocialMcp.EndToEnd.Tests;

/// <summary>
/// After a publish, over stdio against the built server: a target fails (the sandbox's failure switch), the agent fixes it
/// with update_post and retry_post publishes it while the live target stays as it went out; publish_post refuses the
/// partial post; a post removed by hand on instagram is recorded with resolve_target withdrawn_manually.
/// </summary>
public sealed class AfterPublishEndToEndTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ServerProcess Server => fixture.Server;

    /// <summary>Arguments whose media URLs (written as <c>https://media.test/{file}</c>) point at the loopback media host: X and LinkedIn fetch them.</summary>
    private string WithMedia(string arguments) => arguments.Replace("https://media.test/", fixture.Media.BaseAddress.AbsoluteUri, StringComparison.Ordinal);

    private Task SetSandboxFailureAsync(string platform, string? code) =>
        Server.ExecuteSqlAsync("UPDATE accounts SET metadata = @metadata WHERE workspace_id = 'local' AND platform = @platform;",
            new { platform, metadata = code is null ? "{}" : JsonSerializer.Serialize(new { sandbox = new { failPublish = code } }) });

    private static JsonElement Target(JsonElement post, string platform) =>
        post.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("platform").GetString() == platform);

    [Fact]
    public async Task FailedTarget_FixedWithUpdatePost_IsPublishedByRetryPost_WhileTheLiveTargetIsUntouched()
    {
        await SetSandboxFailureAsync("linkedin", "MEDIA_UPLOAD_FAILED");
        try
        {
            var created = await Server.CallOkAsync("create_post", WithMedia("""
                {"content": {"text": "Spring release", "media": [{"url": "https://media.test/a.jpg", "type": "image", "mimeType": "image/jpeg"}]},
                 "platforms": ["threads", "linkedin"], "timeZone": "Europe/Berlin"}
                """));
            var id = created.GetProperty("id").GetString()!;
            var partial = await Server.CallOkAsync("publish_post", $$"""{"postId": "{{id}}"}""");
            Assert.Equal("partial", partial.GetProperty("status").GetString());
            Assert.Equal("MEDIA_UPLOAD_FAILED", Target(partial, "linkedin").GetProperty("errorCode").GetString());
            var threads = Target(partial, "threads");
            Assert.Equal(TimeSpan.FromHours(1), threads.GetProperty("publishedAtLocal").GetDateTimeOffset().Offset);

            var refused = await Server.CallFailingAsync("publish_post", $$"""{"postId": "{{id}}"}""", "INVALID_STATUS_TRANSITION", "$.postId");
            Assert.Contains("retry_post", refused.GetProperty("hint").GetString());

            await SetSandboxFailureAsync("linkedin", null);
            var version = partial.GetProperty("version").GetInt32();
            await Server.CallFailingAsync("update_post",
                $$$"""{"postId": "{{{id}}}", "version": {{{version}}}, "content": {"text": "Spring release", "platformOverrides": {"threads": {"text": "Changed"} } } }""",
                "TARGET_NOT_EDITABLE", "$.content.platformOverrides.threads");
            var edited = await Server.CallOkAsync("update_post", WithMedia($$$"""
                {"postId": "{{{id}}}", "version": {{{version}}},
                 "content": {"text": "Spring release, now with a smaller image", "media": [{"url": "https://media.test/a-small.jpg", "type": "image", "mimeType": "image/jpeg"}]}}
                """));
            Assert.Equal("partial", edited.GetProperty("status").GetString());
            Assert.Equal("Spring release", edited.GetProperty("publishedContent").GetProperty("threads").GetProperty("text").GetString());

            var retried = await Server.CallOkAsync("retry_post", $$"""{"postId": "{{id}}", "version": {{edited.GetProperty("version").GetInt32()}}}""");

            Assert.Equal("published", retried.GetProperty("status").GetString());
            Assert.Equal("published", Target(retried, "linkedin").GetProperty("status").GetString());
            var threadsAfter = Target(retried, "threads");
            Assert.Equal(threads.GetProperty("platformPostId").GetString(), threadsAfter.GetProperty("platformPostId").GetString());
            Assert.Equal(threads.GetProperty("attempts").GetInt32(), threadsAfter.GetProperty("attempts").GetInt32());
            var read = await Server.CallOkAsync("get_post", $$"""{"postId": "{{id}}", "includeEvents": true}""");
            Assert.Equal("Spring release, now with a smaller image", read.GetProperty("content").GetProperty("text").GetString());
            Assert.Equal("Spring release", read.GetProperty("publishedContent").GetProperty("threads").GetProperty("text").GetString());
            var edit = read.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "failed_targets_edited");
            Assert.Equal("platforms=linkedin fields=text,media", edit.GetProperty("detail").GetString());
        }
        finally
        {
            await SetSandboxFailureAsync("linkedin", null);
        }
    }

    [Fact]
    public async Task InstagramRemovedByHand_IsRecordedWithResolveTarget()
    {
        var created = await Server.CallOkAsync("create_post", WithMedia("""
            {"content": {"text": "Hello", "media": [{"url": "https://media.test/a.jpg", "type": "image", "mimeType": "image/jpeg"}]},
             "platforms": ["x", "instagram"]}
            """));
        var id = created.GetProperty("id").GetString()!;
        await Server.CallOkAsync("publish_post", $$"""{"postId": "{{id}}"}""");

        var refused = await Server.CallFailingAsync("withdraw_post", $$"""{"postId": "{{id}}"}""", "WITHDRAW_NOT_SUPPORTED", "$.platforms");
        Assert.Contains("withdrawn_manually", refused.GetProperty("hint").GetString());
        Assert.Contains("withdraw_post with platforms [x]", refused.GetProperty("hint").GetString());
        await Server.CallOkAsync("withdraw_post", $$"""{"postId": "{{id}}", "platforms": ["x"]}""");

        var resolved = await Server.CallOkAsync("resolve_target", $$"""{"postId": "{{id}}", "platform": "instagram", "outcome": "withdrawn_manually"}""");

        Assert.Equal("withdrawn", resolved.GetProperty("status").GetString());
        Assert.All(resolved.GetProperty("targets").EnumerateArray(), t => Assert.Equal("withdrawn", t.GetProperty("status").GetString()));
    }
}
