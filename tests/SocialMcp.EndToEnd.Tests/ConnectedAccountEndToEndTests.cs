using System.Diagnostics;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;

namespace SocialMcp.EndToEnd.Tests;

/// <summary>
/// An operator connects a real account with <c>socialmcp accounts connect</c> (token verified with the platform, stored
/// encrypted) and an agent publishes to it: the real adapter speaks to the platform API, here the local emulator.
/// </summary>
public sealed class ConnectedAccountEndToEndTests
{
    [Fact]
    public async Task ConnectedXAccount_VerifiedAndEncrypted_PublishesThroughTheRealAdapter()
    {
        await using var emulator = await PlatformEmulator.StartAsync(platforms: [Platform.X]);
        var token = emulator.State.IssueToken(Platform.X, "1234567890", "realbrand");
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-connect-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var db = Path.Combine(directory, "e2e.db");
        try
        {
            var refused = await ServerProcess.RunCliAsync("accounts", "connect", "--platform", "x", "--token", "wrong-token", "--set", "Real",
                "--base-url", emulator.BaseUrlOf(Platform.X).AbsoluteUri, "--db", db);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("AUTH", refused.Stderr.ToUpperInvariant() + refused.Stdout.ToUpperInvariant());

            var connected = await ServerProcess.RunCliAsync("accounts", "connect", "--platform", "x", "--token", token.Token, "--set", "Real",
                "--base-url", emulator.BaseUrlOf(Platform.X).AbsoluteUri, "--db", db);
            Assert.Equal(0, connected.ExitCode);
            Assert.Contains("realbrand", connected.Stdout);

            var listed = await ServerProcess.RunCliAsync("accounts", "list", "--db", db);
            Assert.Contains("realbrand", listed.Stdout);
            Assert.DoesNotContain(token.Token, listed.Stdout + listed.Stderr + connected.Stdout + connected.Stderr);
            // The token is stored encrypted, never in plain text.
            Assert.DoesNotContain(token.Token, await File.ReadAllTextAsync(db));

            await using var server = await ServerProcess.StartAsync(databasePath: db);
            var sets = await server.CallOkAsync("list_platform_sets");
            var realSet = sets.GetProperty("platformSets").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "Real");
            Assert.Equal(1, realSet.GetProperty("accountCount").GetInt32());
            var created = await server.CallOkAsync("create_post",
                $$"""{"content": {"text": "Hello from a connected account"}, "platforms": ["x"], "platformSetId": "{{realSet.GetProperty("id").GetString()}}"}""");

            var published = await server.CallOkAsync("publish_post", $$"""{"postId": "{{created.GetProperty("id").GetString()}}"}""");

            Assert.Equal("published", published.GetProperty("status").GetString());
            Assert.StartsWith("https://x.com/realbrand/status/", published.GetProperty("targets")[0].GetProperty("url").GetString());
            Assert.Equal(1, emulator.State.LivePosts(Platform.X));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
