using System.Diagnostics;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;
using Xunit.Abstractions;
using static SocialMcp.EndToEnd.Tests.OAuth.OAuthLifecycleHarness;

namespace SocialMcp.EndToEnd.Tests.OAuth;

/// <summary>
/// Issue 12, "Done when": tokens that expire and grants that die, end to end. The real server process talks to the emulator
/// in this test process; accounts are connected through the real OAuth flow (the CLI loopback connect, this test playing the
/// browser), and nothing but the server renews them.
/// </summary>
public sealed class OAuthLifecycleEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    /// <summary>
    /// "An account whose access token lives 5 seconds publishes a post scheduled 3 lifetimes later with no person involved."
    /// X and TikTok both rotate their refresh tokens, so every renewal also has to store the new refresh token for the next
    /// one to work. OAuth:RefreshMargin is left at its default (10 minutes): the half-lifetime rule makes it 2.5 s.
    /// </summary>
    [Fact]
    public async Task FiveSecondTokens_PostScheduledThreeLifetimesLater_PublishesOnceAfterUnattendedRefreshes()
    {
        Platform[] platforms = [Platform.X, Platform.TikTok];
        await using var emulator = await PlatformEmulator.StartAsync(platforms: platforms);
        emulator.OAuth.SetAccessTokenLifetime(Lifetime, Platform.X);
        emulator.OAuth.SetAccessTokenLifetime(Lifetime, Platform.TikTok);
        var directory = NewDirectory("socialmcp-life-");
        var database = Path.Combine(directory, "life.db");
        try
        {
            var environment = Environment(emulator, platforms);
            var accounts = new Dictionary<Platform, string>();
            foreach (var platform in platforms)
                accounts[platform] = await ConnectLoopbackAsync(database, platform, "Real", environment);
            var setId = await SetIdAsync(database, "Real");

            await using var server = await ServerProcess.StartKillableAsync(database, environment);
            // One post per platform: the emulated X fetches media from its URL, and TikTok takes only video or photos.
            var posts = new Dictionary<Platform, string>();
            foreach (var platform in platforms)
            {
                var created = await server.CallOkAsync("create_post", CreatePostArguments("Three lifetimes later", [platform], setId));
                posts[platform] = created.GetProperty("id").GetString()!;
            }
            var scheduledFor = DateTimeOffset.UtcNow + 3 * Lifetime;
            var refreshesBefore = platforms.ToDictionary(p => p, p => emulator.OAuth.TokenCalls(p, "refresh_token"));
            var versionsBefore = new Dictionary<Platform, long>();
            foreach (var platform in platforms)
            {
                versionsBefore[platform] = await TokenVersionAsync(database, accounts[platform]);
                await server.CallOkAsync("schedule_post", JsonSerializer.Serialize(new { postId = posts[platform], scheduledFor }));
            }
            var clock = Stopwatch.StartNew();

            foreach (var platform in platforms)
            {
                var post = await WaitUntilSettledAsync(server, posts[platform], 3 * Lifetime + TimeSpan.FromSeconds(20));
                output.WriteLine($"{platform.ToWireName()} settled after {clock.Elapsed.TotalSeconds:0.0} s: {post}");
                Assert.Equal("published", post.GetProperty("status").GetString());
                var target = Assert.Single(post.GetProperty("targets").EnumerateArray());
                Assert.Equal("published", target.GetProperty("status").GetString());
                Assert.Equal(1, target.GetProperty("attempts").GetInt32());
                Assert.True(target.GetProperty("publishedAt").GetDateTimeOffset() >= scheduledFor, "published before its time");
            }
            Assert.Equal(1, emulator.State.LivePosts(Platform.X));
            Assert.Equal(1, emulator.State.LivePosts(Platform.TikTok));
            foreach (var platform in platforms)
            {
                var refreshes = emulator.OAuth.TokenCalls(platform, "refresh_token") - refreshesBefore[platform];
                var renewed = await TokenVersionAsync(database, accounts[platform]) - versionsBefore[platform];
                output.WriteLine($"{platform.ToWireName()}: {refreshes} refresh calls, token_version +{renewed}");
                // 15 s of 5-second tokens renewed at half-life: about six; at least two, whatever the machine's load.
                Assert.True(refreshes >= 2, $"{platform.ToWireName()}: only {refreshes} refresh calls while the post waited");
                Assert.True(renewed >= 2, $"{platform.ToWireName()}: the stored token was renewed only {renewed} times");
                var account = await AccountAsync(server, accounts[platform]);
                Assert.Equal("healthy", account.GetProperty("tokenHealth").GetString());
            }
            Assert.DoesNotContain(server.StandardError, line => line.Contains("socialmcp-x-secret", StringComparison.Ordinal)
                || line.Contains("socialmcp-tiktok-secret", StringComparison.Ordinal));
        }
        finally
        {
            DeleteDirectory(directory);
        }
    }
}
