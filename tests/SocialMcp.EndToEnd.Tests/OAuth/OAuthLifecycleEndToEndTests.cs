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

    /// <summary>
    /// "A revoked grant turns the account reconnect_required, raises the risk on its scheduled posts, and gives a working
    /// reconnect link." The person removes the app at X (the emulator revokes the grant); the server's next unattended refresh
    /// is refused; list_accounts says reconnect_required with a signed reconnectUrl; validate_post and schedule_post name the
    /// scheduled post's TOKEN_EXPIRES_BEFORE_SCHEDULE risk (schedule_post refuses to move it: PLATFORM_NOT_CONNECTED); following the link like a browser (link, X's consent, the
    /// server's callback) renews the same account in place, and it publishes again. The MCP server runs over stdio; its
    /// OAuth pages are served by a `serve --http` process on the same database and key ring, at OAuth:PublicBaseUrl.
    /// </summary>
    [Fact]
    public async Task RevokedGrant_TurnsReconnectRequired_RaisesTheRisk_AndTheReconnectLinkRenewsTheSameAccount()
    {
        await using var emulator = await PlatformEmulator.StartAsync(platforms: [Platform.X]);
        emulator.OAuth.SetAccessTokenLifetime(Lifetime, Platform.X);
        var directory = NewDirectory("socialmcp-life-");
        var database = Path.Combine(directory, "life.db");
        HttpCompanion? pages = null;
        try
        {
            var port = FreePort();
            var publicBaseUrl = $"http://127.0.0.1:{port}";
            var environment = Environment(emulator, [Platform.X], new Dictionary<string, string?> { ["SOCIALMCP_OAuth__PublicBaseUrl"] = publicBaseUrl });
            var accountId = await ConnectLoopbackAsync(database, Platform.X, "Real", environment);
            var setId = await SetIdAsync(database, "Real");
            await using var server = await ServerProcess.StartKillableAsync(database, environment);
            Assert.Equal("healthy", (await AccountAsync(server, accountId)).GetProperty("tokenHealth").GetString());

            var scheduled = (await server.CallOkAsync("create_post", CreatePostArguments("Tomorrow's post", [Platform.X], setId))).GetProperty("id").GetString()!;
            var tomorrow = DateTimeOffset.UtcNow.AddDays(1);
            var first = await server.CallOkAsync("schedule_post", JsonSerializer.Serialize(new { postId = scheduled, scheduledFor = tomorrow }));
            Assert.DoesNotContain(Risks(first), r => r == "TOKEN_EXPIRES_BEFORE_SCHEDULE");

            Assert.Equal(1, emulator.OAuth.RevokeGrants(Platform.X));

            // The refresher renews at half-life (2.5 s); the dead grant turns the account reconnect_required.
            var account = await PollAsync(() => AccountAsync(server, accountId),
                a => a.GetProperty("tokenHealth").GetString() == "reconnect_required", TimeSpan.FromSeconds(20));
            output.WriteLine($"after the revoke: {account}");
            Assert.Equal("reconnect_required", account.GetProperty("tokenHealth").GetString());
            var reconnectUrl = account.GetProperty("reconnectUrl").GetString()!;
            Assert.StartsWith(publicBaseUrl + "/oauth/connect/", reconnectUrl);

            var validated = await server.CallOkAsync("validate_post", JsonSerializer.Serialize(new { postId = scheduled }));
            output.WriteLine($"validate_post: {validated}");
            Assert.Contains("TOKEN_EXPIRES_BEFORE_SCHEDULE", Risks(validated));
            // The post stays scheduled (the person may reconnect in time); moving it is refused while nothing can renew the
            // account (AccountConnectedRule: PLATFORM_NOT_CONNECTED, with the reconnect hint), as validate_post's problem says.
            Assert.Equal("PLATFORM_NOT_CONNECTED", validated.GetProperty("platforms")[0].GetProperty("problems")[0].GetProperty("code").GetString());
            await server.CallFailingAsync("schedule_post", JsonSerializer.Serialize(new { postId = scheduled, scheduledFor = tomorrow.AddHours(1) }),
                "PLATFORM_NOT_CONNECTED", "$.platforms[0]");
            Assert.Equal("scheduled", (await server.CallOkAsync("get_post", JsonSerializer.Serialize(new { postId = scheduled }))).GetProperty("status").GetString());

            pages = await HttpCompanion.StartAsync(database, port, environment);
            var authorizeCallsBefore = emulator.OAuth.TokenCalls(Platform.X, "authorization_code");
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                var page = await FollowAsync(reconnectUrl, timeout.Token);
                Assert.True(page.Contains("Account renewed", StringComparison.Ordinal) && page.Contains("Renewed @socialmcp_demo", StringComparison.Ordinal),
                    "The callback page should say the account was renewed in place: " + page);
                Assert.DoesNotContain("socialmcp-x-secret", page);
            }
            Assert.Equal(authorizeCallsBefore + 1, emulator.OAuth.TokenCalls(Platform.X, "authorization_code"));

            var renewed = await AccountAsync(server, accountId);
            output.WriteLine($"after the reconnect: {renewed}");
            Assert.Equal("healthy", renewed.GetProperty("tokenHealth").GetString());
            var xAccounts = (await server.CallOkAsync("list_accounts", """{"platform": "x"}""")).GetProperty("accounts").EnumerateArray()
                .Where(a => !a.GetProperty("sandbox").GetBoolean()).ToList();
            Assert.Equal(accountId, Assert.Single(xAccounts).GetProperty("id").GetString());
            var after = await server.CallOkAsync("validate_post", JsonSerializer.Serialize(new { postId = scheduled }));
            Assert.DoesNotContain("TOKEN_EXPIRES_BEFORE_SCHEDULE", Risks(after));

            var now = (await server.CallOkAsync("create_post", CreatePostArguments("Back after the reconnect", [Platform.X], setId))).GetProperty("id").GetString()!;
            var published = await server.CallOkAsync("publish_post", JsonSerializer.Serialize(new { postId = now }));
            Assert.Equal("published", published.GetProperty("status").GetString());
            Assert.Equal(1, emulator.State.LivePosts(Platform.X));
        }
        finally
        {
            if (pages is not null)
                await pages.DisposeAsync();
            DeleteDirectory(directory);
        }
    }

    private static List<string> Risks(JsonElement result) =>
        result.TryGetProperty("risks", out var risks) && risks.ValueKind == JsonValueKind.Array
            ? risks.EnumerateArray().Select(r => r.GetProperty("code").GetString()!).ToList()
            : [];

    private static async Task<JsonElement> PollAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> done, TimeSpan bound)
    {
        var until = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || until.Elapsed > bound)
                return value;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
