using SocialMcp.Core.Domain;
using SocialMcp.Emulator;

namespace SocialMcp.EndToEnd.Tests;

/// <summary>
/// The operator's side of issue 12's surfaces, through the real executable: the sandbox failure switches from the
/// command line, a post without platformSetId refused rather than sent to the sandbox while a real account exists,
/// <c>sets default</c> moving posts to the real account, and an owner-only key directory.
/// </summary>
public sealed class DefaultSetAndSandboxCliEndToEndTests
{
    [Fact]
    public async Task RealAccountConnected_NoSilentSandbox_UntilItsSetIsMadeTheDefault()
    {
        await using var emulator = await PlatformEmulator.StartAsync(platforms: [Platform.X]);
        var token = emulator.State.IssueToken(Platform.X, "1234567890", "realbrand");
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-surfaces-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var db = Path.Combine(directory, "e2e.db");
        try
        {
            var switched = await ServerProcess.RunCliAsync("accounts", "sandbox", "--platform", "linkedin", "--fail-publish", "RATE_LIMITED", "--db", db);
            Assert.Equal(0, switched.ExitCode);
            Assert.Contains("publish RATE_LIMITED", switched.Stdout);
            var unknown = await ServerProcess.RunCliAsync("accounts", "sandbox", "--platform", "linkedin", "--fail-publish", "EXPLODE", "--db", db);
            Assert.NotEqual(0, unknown.ExitCode);
            Assert.Contains("RATE_LIMITED", unknown.Stderr);
            var connected = await ServerProcess.RunCliAsync("accounts", "connect", "--platform", "x", "--token", token.Token, "--set", "Real",
                "--base-url", emulator.BaseUrlOf(Platform.X).AbsoluteUri, "--db", db);
            Assert.Equal(0, connected.ExitCode);

            await using (var server = await ServerProcess.StartAsync(databasePath: db))
            {
                await server.CallFailingAsync("create_post", """{"content": {"text": "Where does this go?"}, "platforms": ["x"]}""",
                    "SANDBOX_FALLBACK_REFUSED", "$.platforms[0]");
                // The sandbox switch set from the command line is what the sandbox answers with.
                var sandboxPost = await server.CallOkAsync("create_post", """{"content": {"text": "Sandbox only"}, "platforms": ["linkedin"]}""");
                var failed = await server.CallOkAsync("publish_post", $$"""{"postId": "{{sandboxPost.GetProperty("id").GetString()}}"}""");
                Assert.Equal("RATE_LIMITED", failed.GetProperty("targets")[0].GetProperty("errorCode").GetString());
                Assert.True(failed.GetProperty("targets")[0].GetProperty("sandbox").GetBoolean());
            }

            var madeDefault = await ServerProcess.RunCliAsync("sets", "default", "Real", "--db", db);
            Assert.Equal(0, madeDefault.ExitCode);
            var listed = await ServerProcess.RunCliAsync("sets", "list", "--db", db);
            Assert.Contains(listed.Stdout.Split('\n'), line => line.Contains("\tReal\t") && line.TrimEnd().EndsWith("default"));

            await using (var server = await ServerProcess.StartAsync(databasePath: db))
            {
                var created = await server.CallOkAsync("create_post", """{"content": {"text": "Now for real"}, "platforms": ["x"]}""");
                var published = await server.CallOkAsync("publish_post", $$"""{"postId": "{{created.GetProperty("id").GetString()}}"}""");

                var target = published.GetProperty("targets")[0];
                Assert.False(target.GetProperty("sandbox").GetBoolean());
                Assert.Equal("realbrand", target.GetProperty("accountHandle").GetString());
                Assert.StartsWith("https://x.com/realbrand/status/", target.GetProperty("url").GetString());
                Assert.DoesNotContain("Sandbox", published.GetProperty("summary").GetString());
                Assert.Equal(1, emulator.State.LivePosts(Platform.X));
            }

            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                var keys = Path.Combine(directory, "keys");
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
                foreach (var keyFile in Directory.GetFiles(keys, "*.xml"))
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
