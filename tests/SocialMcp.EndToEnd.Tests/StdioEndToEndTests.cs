using System.Text.Json;

namespace SocialMcp.EndToEnd.Tests;

public sealed class ServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    /// <summary>Where posts' media live: the sandbox fetches media like a real account, so they must exist (on loopback).</summary>
    public LoopbackMediaHost Media { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Media = await LoopbackMediaHost.StartAsync();
        Server = await ServerProcess.StartAsync(new Dictionary<string, string?>(LoopbackMediaHost.ServerEnvironment));
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Media.DisposeAsync();
    }
}

/// <summary>The built server process driven over stdio by the C# SDK client.</summary>
public sealed class StdioEndToEndTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ServerProcess Server => fixture.Server;

    /// <summary>Arguments whose media URLs (written as <c>https://media.test/{file}</c>) point at the loopback media host.</summary>
    private string WithMedia(string arguments) => arguments.Replace("https://media.test/", fixture.Media.BaseAddress.AbsoluteUri, StringComparison.Ordinal);

    private static string FutureTime(TimeSpan ahead) => DateTimeOffset.UtcNow.Add(ahead).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private async Task<string> CreateDraftAsync(string platforms = """["x", "linkedin"]""", string text = "Hello from the end-to-end test")
    {
        var post = await Server.CallOkAsync("create_post", $$"""{"content": {"text": "{{text}}"}, "platforms": {{platforms}}}""");
        return post.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Initialize_ReportsServerInfoAndListsEveryTool()
    {
        Assert.Equal("socialmcp", Server.Client.ServerInfo!.Name);
        var tools = await Server.Client.ListToolsAsync();

        Assert.Subset(tools.Select(t => t.Name).ToHashSet(),
            new HashSet<string> { "create_post", "get_post", "list_posts", "update_post", "cancel_post", "validate_post", "publish_post",
                "schedule_post", "withdraw_post", "retry_post", "list_accounts", "list_platform_sets" });
    }

    [Fact]
    public async Task FullFlow_CreateValidatePublishGetWithdraw()
    {
        var accounts = await Server.CallOkAsync("list_accounts");
        Assert.Equal(8, accounts.GetProperty("accounts").GetArrayLength());
        var sets = await Server.CallOkAsync("list_platform_sets");
        var set = sets.GetProperty("platformSets")[0];
        Assert.Equal("Sandbox", set.GetProperty("name").GetString());
        Assert.True(set.GetProperty("isDefault").GetBoolean());

        var created = await Server.CallOkAsync("create_post", WithMedia("""
            {"content": {"text": "Launch day!", "media": [{"url": "https://media.test/a.jpg", "type": "image", "mimeType": "image/jpeg"}],
                         "platformOverrides": {"x": {"text": "Launch day! #ship"}}},
             "platforms": ["x", "linkedin", "threads"]}
            """));
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("draft", created.GetProperty("status").GetString());
        Assert.Equal(1, created.GetProperty("version").GetInt32());

        var validation = await Server.CallOkAsync("validate_post", $$"""{"postId": "{{id}}"}""");
        Assert.True(validation.GetProperty("ok").GetBoolean());
        Assert.Equal(3, validation.GetProperty("platforms").GetArrayLength());

        var published = await Server.CallOkAsync("publish_post", $$"""{"postId": "{{id}}", "version": 1}""");
        Assert.Equal("published", published.GetProperty("status").GetString());
        foreach (var target in published.GetProperty("targets").EnumerateArray())
        {
            Assert.Equal("published", target.GetProperty("status").GetString());
            // Sandbox accounts publish through the real adapters to the in-process emulator, nothing leaves the machine, and
            // the result says so: a sandbox:// URL no one can take for a real post.
            Assert.StartsWith($"sandbox://{target.GetProperty("platform").GetString()}/sbx-", target.GetProperty("url").GetString());
            Assert.True(target.GetProperty("sandbox").GetBoolean());
            Assert.StartsWith("sbx-", target.GetProperty("platformPostId").GetString());
        }

        var fetched = await Server.CallOkAsync("get_post", $$"""{"postId": "{{id}}", "includeEvents": true}""");
        Assert.Equal("published", fetched.GetProperty("status").GetString());
        Assert.Contains(fetched.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "publish_finished");

        var withdrawn = await Server.CallOkAsync("withdraw_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal("withdrawn", withdrawn.GetProperty("post").GetProperty("status").GetString());
        Assert.All(withdrawn.GetProperty("withdrawals").EnumerateArray(), w => Assert.True(w.GetProperty("ok").GetBoolean()));

        // Logs went to stderr, not into the JSON-RPC stream.
        Assert.Contains(Server.StandardError, line => line.Contains("published post", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingNestedRequiredField_IsValidationFailedAtItsPath() =>
        await Server.CallFailingAsync("create_post", """{"content": {"text": "Hi", "replyTo": {"platform": "x"}}, "platforms": ["x"]}""",
            "VALIDATION_FAILED", "$.content.replyTo.platformPostId");

    [Fact]
    public async Task NumericString_IsNotCoerced() =>
        await Server.CallFailingAsync("list_posts", """{"limit": "5"}""", "VALIDATION_FAILED", "$.limit");

    [Fact]
    public async Task BadEnumInNestedArray_NamesTheItemPath() =>
        await Server.CallFailingAsync("create_post",
            """{"content": {"text": "x", "media": [{"url": "https://e.com/a.jpg", "type": "image"}, {"url": "https://e.com/b.gif", "type": "gif"}]}, "platforms": ["x"]}""",
            "VALIDATION_FAILED", "$.content.media[1].type");

    [Fact]
    public async Task UnknownMember_IsValidationFailed() =>
        await Server.CallFailingAsync("create_post", """{"content": {"text": "x"}, "platforms": ["x"], "publishNow": true}""", "VALIDATION_FAILED", "$.publishNow");

    [Fact]
    public async Task ScheduledForWithoutOffset_IsValidationFailed() =>
        await Server.CallFailingAsync("create_post", """{"content": {"text": "x"}, "platforms": ["x"], "scheduledFor": "2026-12-01T09:00:00"}""",
            "VALIDATION_FAILED", "$.scheduledFor");

    [Fact]
    public async Task EmptyPlatforms_IsNoPlatformsSelected() =>
        await Server.CallFailingAsync("create_post", """{"content": {"text": "x"}, "platforms": []}""", "NO_PLATFORMS_SELECTED", "$.platforms");

    [Fact]
    public async Task SetWithoutTheAccount_IsPlatformNotConnected()
    {
        var setId = Guid.NewGuid().ToString();
        await Server.ExecuteSqlAsync(
            "INSERT INTO platform_sets (id, workspace_id, name, is_default, created_at) VALUES (@id, 'local', @name, 0, '2026-01-01T00:00:00.0000000Z');",
            new { id = setId, name = "Empty " + setId });

        var error = await Server.CallFailingAsync("create_post", $$"""{"content": {"text": "x"}, "platforms": ["tiktok"], "platformSetId": "{{setId}}"}""",
            "PLATFORM_NOT_CONNECTED", "$.platforms[0]");
        Assert.Equal("tiktok", error.GetProperty("platform").GetString());
    }

    [Fact]
    public async Task TextOverLimit_IsContentTooLongForThePlatform()
    {
        var error = await Server.CallFailingAsync("create_post", $$"""{"content": {"text": "{{new string('a', 281)}}"}, "platforms": ["linkedin", "x"]}""",
            "CONTENT_TOO_LONG", "$.content.text");
        Assert.Equal("x", error.GetProperty("platform").GetString());
    }

    [Fact]
    public async Task MimeTypeNotMatchingType_IsUnsupportedMediaType() =>
        await Server.CallFailingAsync("create_post",
            """{"content": {"text": "x", "media": [{"url": "https://e.com/a.mp4", "type": "image", "mimeType": "video/mp4"}]}, "platforms": ["facebook"]}""",
            "UNSUPPORTED_MEDIA_TYPE", "$.content.media[0].mimeType");

    [Fact]
    public async Task DurationOnImage_IsUnsupportedMediaConfig() =>
        await Server.CallFailingAsync("create_post",
            """{"content": {"text": "x", "media": [{"url": "https://e.com/a.jpg", "type": "image", "durationSeconds": 3}]}, "platforms": ["facebook"]}""",
            "UNSUPPORTED_MEDIA_CONFIG", "$.content.media[0].durationSeconds");

    [Fact]
    public async Task ReelWithImage_IsInvalidPlacement() =>
        await Server.CallFailingAsync("create_post",
            """{"content": {"text": "x", "media": [{"url": "https://e.com/a.jpg", "type": "image"}], "platformOverrides": {"instagram": {"settings": {"placement": "reel"}}}}, "platforms": ["instagram"]}""",
            "INVALID_PLACEMENT", "$.content.platformOverrides.instagram.settings.placement");

    [Fact]
    public async Task ImageAndVideoOnX_IsMixedMediaNotSupported() =>
        await Server.CallFailingAsync("create_post",
            """{"content": {"text": "x", "media": [{"url": "https://e.com/a.jpg", "type": "image"}, {"url": "https://e.com/b.mp4", "type": "video"}]}, "platforms": ["x"]}""",
            "MIXED_MEDIA_NOT_SUPPORTED", "$.content.media");

    [Fact]
    public async Task ScheduleTooSoon_IsInvalidScheduleTime()
    {
        var id = await CreateDraftAsync();
        await Server.CallFailingAsync("schedule_post", $$"""{"postId": "{{id}}", "scheduledFor": "{{FutureTime(TimeSpan.FromSeconds(5))}}"}""",
            "INVALID_SCHEDULE_TIME", "$.scheduledFor");
    }

    [Fact]
    public async Task UnknownPost_IsPostNotFound() =>
        await Server.CallFailingAsync("get_post", $$"""{"postId": "{{Guid.NewGuid()}}"}""", "POST_NOT_FOUND", "$.postId");

    [Fact]
    public async Task PublishTwice_IsInvalidStatusTransition()
    {
        var id = await CreateDraftAsync();
        await Server.CallOkAsync("publish_post", $$"""{"postId": "{{id}}"}""");

        await Server.CallFailingAsync("publish_post", $$"""{"postId": "{{id}}"}""", "INVALID_STATUS_TRANSITION", "$.postId");
    }

    [Fact]
    public async Task StaleVersion_IsVersionConflict_AndNothingChanges()
    {
        var id = await CreateDraftAsync(text: "Original");

        await Server.CallFailingAsync("update_post", $$"""{"postId": "{{id}}", "version": 9, "content": {"text": "Changed"} }""", "VERSION_CONFLICT", "$.version");

        var post = await Server.CallOkAsync("get_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal("Original", post.GetProperty("content").GetProperty("text").GetString());
        Assert.Equal(1, post.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task WithdrawFromTikTok_IsWithdrawNotSupported()
    {
        // tiktok takes no text-only posts and needs the creator's privacyLevel.
        var created = await Server.CallOkAsync("create_post", WithMedia("""
            {"content": {"text": "Hello", "media": [{"url": "https://media.test/v.mp4", "type": "video", "mimeType": "video/mp4"}],
                         "platformOverrides": {"tiktok": {"settings": {"privacyLevel": "SELF_ONLY"}}}},
             "platforms": ["x", "tiktok"]}
            """));
        var id = created.GetProperty("id").GetString()!;
        await Server.CallOkAsync("publish_post", $$"""{"postId": "{{id}}"}""");

        var error = await Server.CallFailingAsync("withdraw_post", $$"""{"postId": "{{id}}", "platforms": ["tiktok"]}""", "WITHDRAW_NOT_SUPPORTED", "$.platforms[0]");
        Assert.Equal("tiktok", error.GetProperty("platform").GetString());
    }

    [Fact]
    public async Task UnknownTool_IsAnIsErrorResult() =>
        await Server.CallFailingAsync("delete_everything", "{}", "UNKNOWN_TOOL");

    [Theory]
    [InlineData("RATE_LIMITED", "amazon")]
    [InlineData("MEDIA_UPLOAD_FAILED", "youtube")]
    [InlineData("PLATFORM_ERROR", "facebook")]
    public async Task PlatformFailure_IsReportedOnTheTarget_AndRetryRepublishesOnlyIt(string code, string platform)
    {
        await SetSandboxFailureAsync(platform, code);
        // amazon takes exactly one image; youtube exactly one video and a title.
        var content = platform switch
        {
            "amazon" => """{"text": "Hello", "media": [{"url": "https://media.test/a.jpg", "type": "image", "mimeType": "image/jpeg"}]}""",
            "youtube" => """{"text": "Hello", "media": [{"url": "https://media.test/v.mp4", "type": "video", "mimeType": "video/mp4"}], "platformOverrides": {"youtube": {"settings": {"title": "Hello"}}}}""",
            _ => """{"text": "Hello"}""",
        };
        var created = await Server.CallOkAsync("create_post", WithMedia($$"""{"content": {{content}}, "platforms": ["threads", "{{platform}}"]}"""));
        var id = created.GetProperty("id").GetString()!;

        var partial = await Server.CallOkAsync("publish_post", $$"""{"postId": "{{id}}"}""");

        Assert.Equal("partial", partial.GetProperty("status").GetString());
        var failed = partial.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("platform").GetString() == platform);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(code, failed.GetProperty("errorCode").GetString());
        var threadsPostId = partial.GetProperty("targets")[0].GetProperty("platformPostId").GetString();

        await SetSandboxFailureAsync(platform, null);
        var retried = await Server.CallOkAsync("retry_post", $$"""{"postId": "{{id}}"}""");

        Assert.Equal("published", retried.GetProperty("status").GetString());
        Assert.Equal(threadsPostId, retried.GetProperty("targets")[0].GetProperty("platformPostId").GetString());
    }

    private Task SetSandboxFailureAsync(string platform, string? code) =>
        Server.ExecuteSqlAsync("UPDATE accounts SET metadata = @metadata WHERE workspace_id = 'local' AND platform = @platform;",
            new { platform, metadata = code is null ? "{}" : JsonSerializer.Serialize(new { sandbox = new { failPublish = code } }) });
}

/// <summary>Limits come from configuration: here SOCIALMCP_Scheduling__MaxScheduledPerWorkspace=1 in the environment.</summary>
public sealed class ScheduleLimitEndToEndTests
{
    [Fact]
    public async Task SecondScheduledPost_OverConfiguredLimit_IsScheduleLimitReached()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?> { ["SOCIALMCP_Scheduling__MaxScheduledPerWorkspace"] = "1" });
        var when = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'");
        await server.CallOkAsync("create_post", $$"""{"content": {"text": "first"}, "platforms": ["x"], "scheduledFor": "{{when}}"}""");

        await server.CallFailingAsync("create_post", $$"""{"content": {"text": "second"}, "platforms": ["x"], "scheduledFor": "{{when}}"}""",
            "SCHEDULE_LIMIT_REACHED", "$.scheduledFor");

        var list = await server.CallOkAsync("list_posts");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task InvalidConfiguration_StopsTheServerWithAClearMessage()
    {
        var server = Path.Combine(AppContext.BaseDirectory, "socialmcp.dll");
        var info = new System.Diagnostics.ProcessStartInfo("dotnet", [server, "serve", "--db", Path.Combine(Path.GetTempPath(), $"socialmcp-bad-{Guid.NewGuid():N}.db")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        info.Environment["SOCIALMCP_Scheduling__MaxScheduledPerWorkspace"] = "0";
        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("MaxScheduledPerWorkspace", await stderr);
        Assert.Equal("", await stdout);
    }
}
