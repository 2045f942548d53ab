using System.Net;
using System.Text.Json;
using ModelContextProtocol.Client;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator.OAuth;

namespace SocialMcp.EndToEnd.Tests.OAuth;

/// <summary>
/// Issue 12, "Done when": for each of the three ways in (the CLI's loopback connect, a signed connect link, the
/// connect_account tool) and each platform, a person connects a real account through the platform's OAuth (the
/// emulator, auto-consenting for its demo user, played by an HttpClient that follows redirects), choosing an identity
/// where the grant has several, and then a server publishes to it through the real adapter. After every run, no token,
/// code or client secret the emulator issued appears in a page, a tool result, a log or the database file.
/// </summary>
public sealed class ConnectThenPublishEndToEndTests(HttpConnectFixture fixture) : IClassFixture<HttpConnectFixture>
{
    public static TheoryData<Platform> Platforms()
    {
        var data = new TheoryData<Platform>();
        foreach (var platform in OAuthE2E.All)
            data.Add(platform);
        return data;
    }

    private static readonly Platform[] NoPlatforms = [];

    // ---- CLI: accounts connect on a loopback redirect, then a stdio server on that database publishes ----------------

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task Cli_ConnectOnLoopbackThenPublish(Platform platform)
    {
        var emulator = fixture.Emulator;
        var name = platform.ToWireName();
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-e2e-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var db = Path.Combine(directory, "cli.db");
        var environment = OAuthE2E.Environment(emulator);
        var evidence = new List<(string, string)>();
        try
        {
            string stdout, stderr;
            await using (var cli = CliProcess.Start(environment, "accounts", "connect", "--platform", name, "--set", "Real", "--no-browser",
                "--port", "0", "--timeout", "60s", "--db", db))
            {
                var authorizationUrl = await cli.FirstUrlAsync();
                Assert.StartsWith(emulator.BaseUrlOf(platform).AbsoluteUri, authorizationUrl);

                using var browser = OAuthE2E.Browser();
                using var response = await browser.GetAsync(authorizationUrl);
                var page = await response.Content.ReadAsStringAsync();
                evidence.Add(("the CLI's loopback page", page));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: the loopback page answered {(int)response.StatusCode}: {page}");
                Assert.StartsWith("http://127.0.0.1:", response.RequestMessage!.RequestUri!.AbsoluteUri);
                if (OAuthE2E.OffersChoice(platform))
                {
                    Assert.Contains("Go back to the terminal", page);
                    // The terminal asks "Connect which one? [1-2]": the person types 1.
                    await cli.Input.WriteLineAsync("1");
                    await cli.Input.FlushAsync();
                }
                else
                {
                    Assert.Contains("Account connected", page);
                }
                cli.Input.Close();

                var exitCode = await cli.WaitForExitAsync();
                (stdout, stderr) = (cli.Stdout, cli.Stderr);
                Assert.True(exitCode == 0, $"{name}: accounts connect exited {exitCode}:\n{stdout}\n{stderr}");
            }
            evidence.Add(("the CLI's output", stdout + stderr));
            Assert.Contains("Connected @", stdout);
            Assert.Contains("to set Real", stdout);
            if (OAuthE2E.OffersChoice(platform))
                Assert.Contains("Connect which one? [1-2]", stdout);

            await using (var server = await ServerProcess.StartAsync(environment, databasePath: db))
            {
                var sets = await OAuthE2E.CallOkAsync(server.Client, "list_platform_sets", "{}", evidence);
                var real = sets.GetProperty("platformSets").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "Real");
                Assert.Equal(1, real.GetProperty("accountCount").GetInt32());
                await PublishAsync(server.Client, platform, real.GetProperty("id").GetString()!, "cli", evidence);
                evidence.Add(("the stdio server's log", string.Join('\n', server.StandardError)));
            }

            OAuthE2E.AssertNoSecrets(emulator, evidence, OAuthE2E.DatabaseFiles(db));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    // ---- Link: accounts connect-link → GET → platform → /oauth/callback → page (and the choice form) ------------------

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task Link_ConnectThroughTheSignedLinkThenPublish(Platform platform)
    {
        var name = platform.ToWireName();
        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(fixture.Environment,
            "accounts", "connect-link", "--platform", name, "--set", "Link-" + name, "--db", fixture.DatabasePath);
        Assert.True(exitCode == 0, $"connect-link exited {exitCode}: {stdout}\n{stderr}");
        Record("the connect-link output", stdout + stderr);
        var link = stdout.Trim();
        Assert.StartsWith(fixture.BaseAddress.AbsoluteUri + "oauth/connect/", link);

        var before = await RealAccountIdsAsync(platform);
        using var browser = OAuthE2E.Browser();
        using var response = await browser.GetAsync(link);
        var page = await response.Content.ReadAsStringAsync();
        Record("the callback page", page);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: the callback page answered {(int)response.StatusCode}: {page}");
        Assert.StartsWith(fixture.BaseAddress.AbsoluteUri + "oauth/callback/" + name, response.RequestMessage!.RequestUri!.AbsoluteUri);

        string? chosen = null;
        if (OAuthE2E.OffersChoice(platform))
        {
            Assert.Contains("Choose an account", page);
            var (token, identities) = OAuthE2E.ChoiceForm(page);
            Assert.NotNull(token);
            Assert.Equal(2, identities.Count);
            chosen = identities[0];
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token!, ["identity"] = chosen });
            using var answer = await browser.PostAsync(new Uri(fixture.BaseAddress, "/oauth/choose"), form);
            page = await answer.Content.ReadAsStringAsync();
            Record("the choice page", page);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{name}: the choice answered {(int)answer.StatusCode}: {page}");
        }
        Assert.Matches(@"(Account connected|Account renewed)", page);
        // Handles can hold spaces (a Page's name): "Connected @SocialMcp Demo Page (facebook) to set Link-facebook."
        Assert.Matches($@"(Connected @[^<]+ \({name}\) to set Link-{name}\.|Renewed @[^<]+ \({name}\) in set )", page);

        var account = await AccountAsync(platform, chosen);
        // Renewed in place when the identity was already connected (by the tool way), else a new account in the new set.
        var existed = before.Contains(account.GetProperty("id").GetString()!);
        Assert.Contains(existed ? "Account renewed" : "Account connected", page);
        Assert.Equal(existed ? before.Count : before.Count + 1, (await RealAccountIdsAsync(platform)).Count);
        await PublishAsync(fixture.Client, platform, account.GetProperty("platformSetId").GetString()!, "link", Evidence);

        // The server's log is collected (so the check below reads it) and tells the connect's story without its secrets.
        var log = fixture.EvidenceWithLogs()[^1].Item2;
        Assert.Contains($"for {name} started from a link", log);
        OAuthE2E.AssertNoSecrets(fixture.Emulator, fixture.EvidenceWithLogs(), OAuthE2E.DatabaseFiles(fixture.DatabasePath));
    }

    // ---- Tool: connect_account {platform} → authorizationUrl → browser → {connectionId} (→ {connectionId, identityId}) --

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task Tool_ConnectAccountThenPublish(Platform platform)
    {
        var name = platform.ToWireName();
        var client = fixture.Client;
        await OAuthE2E.CallOkAsync(client, "create_platform_set", $$"""{"name": "Tool-{{name}}"}""", Evidence);
        var sets = await OAuthE2E.CallOkAsync(client, "list_platform_sets", "{}", Evidence);
        var setId = sets.GetProperty("platformSets").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "Tool-" + name)
            .GetProperty("id").GetString()!;

        var before = await RealAccountIdsAsync(platform);
        var started = await OAuthE2E.CallOkAsync(client, "connect_account", $$"""{"platform": "{{name}}", "platformSetId": "{{setId}}"}""", Evidence);
        Assert.Equal("pending", started.GetProperty("status").GetString());
        var connectionId = started.GetProperty("connectionId").GetString()!;
        var authorizationUrl = started.GetProperty("authorizationUrl").GetString()!;
        Assert.StartsWith(fixture.Emulator.BaseUrlOf(platform).AbsoluteUri, authorizationUrl);

        using var browser = OAuthE2E.Browser();
        using var response = await browser.GetAsync(authorizationUrl);
        var page = await response.Content.ReadAsStringAsync();
        Record("the callback page", page);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: the callback page answered {(int)response.StatusCode}: {page}");
        // The check is live: the callback address the browser ended on carries the code, and the check finds it there.
        var callbackUrl = response.RequestMessage!.RequestUri!.AbsoluteUri;
        Assert.StartsWith(fixture.BaseAddress.AbsoluteUri + "oauth/callback/" + name + "?", callbackUrl);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => OAuthE2E.AssertNoSecrets(fixture.Emulator, [("the callback URL", callbackUrl)], []));

        var status = await OAuthE2E.CallOkAsync(client, "connect_account", $$"""{"connectionId": "{{connectionId}}"}""", Evidence);
        string? chosen = null;
        if (OAuthE2E.OffersChoice(platform))
        {
            Assert.Equal("choice_required", status.GetProperty("status").GetString());
            var choices = status.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("identityId").GetString()!).ToList();
            Assert.Equal(2, choices.Count);
            chosen = choices[1];
            status = await OAuthE2E.CallOkAsync(client, "connect_account",
                $$"""{"connectionId": "{{connectionId}}", "identityId": "{{chosen}}"}""", Evidence);
        }
        Assert.Equal("connected", status.GetProperty("status").GetString());
        var account = status.GetProperty("account");
        Assert.Equal(name, account.GetProperty("platform").GetString());
        Assert.False(account.GetProperty("sandbox").GetBoolean());
        if (chosen is not null)
            Assert.Equal(chosen, account.GetProperty("platformAccountId").GetString());
        // A new account lands in the set asked for; the same identity connected before (by the link way) is renewed in
        // place: same account id, its own set.
        var existed = before.Contains(account.GetProperty("id").GetString()!);
        Assert.Equal(existed, status.GetProperty("renewed").GetBoolean());
        if (!existed)
            Assert.Equal(setId, account.GetProperty("platformSetId").GetString());
        Assert.Equal(existed ? before.Count : before.Count + 1, (await RealAccountIdsAsync(platform)).Count);

        await PublishAsync(client, platform, account.GetProperty("platformSetId").GetString()!, "tool", Evidence);

        OAuthE2E.AssertNoSecrets(fixture.Emulator, fixture.EvidenceWithLogs(), OAuthE2E.DatabaseFiles(fixture.DatabasePath));
    }

    // ---- shared --------------------------------------------------------------------------------------------------------

    private List<(string, string)> Evidence => fixture.Evidence;

    private void Record(string where, string text)
    {
        lock (fixture.Evidence)
            fixture.Evidence.Add((where, text));
    }

    /// <summary>The real account of the platform on the HTTP server (the chosen identity where there was a choice).</summary>
    private async Task<JsonElement> AccountAsync(Platform platform, string? platformAccountId)
    {
        var listed = await OAuthE2E.CallOkAsync(fixture.Client, "list_accounts", $$"""{"platform": "{{platform.ToWireName()}}"}""", Evidence);
        var real = listed.GetProperty("accounts").EnumerateArray()
            .Where(a => !a.GetProperty("sandbox").GetBoolean())
            .Where(a => platformAccountId is null || a.GetProperty("platformAccountId").GetString() == platformAccountId)
            .ToList();
        return Assert.Single(real);
    }

    private async Task<HashSet<string>> RealAccountIdsAsync(Platform platform)
    {
        var listed = await OAuthE2E.CallOkAsync(fixture.Client, "list_accounts", $$"""{"platform": "{{platform.ToWireName()}}"}""", Evidence);
        return listed.GetProperty("accounts").EnumerateArray().Where(a => !a.GetProperty("sandbox").GetBoolean())
            .Select(a => a.GetProperty("id").GetString()!).ToHashSet();
    }

    /// <summary>create_post + publish_post on the set; the emulator holds exactly one new live post of the platform.</summary>
    private async Task PublishAsync(McpClient client, Platform platform, string setId, string way, List<(string, string)> evidence)
    {
        var emulator = fixture.Emulator;
        var before = emulator.State.LivePosts(platform);
        var created = await OAuthE2E.CallOkAsync(client, "create_post",
            OAuthE2E.PostArguments(emulator, platform, setId, $"Connected through the {way} way, then published"), evidence);
        var published = await OAuthE2E.CallOkAsync(client, "publish_post", $$"""{"postId": "{{created.GetProperty("id").GetString()}}"}""", evidence);

        var target = Assert.Single(published.GetProperty("targets").EnumerateArray());
        Assert.False(target.GetProperty("sandbox").GetBoolean(), published.ToString());
        // Amazon Posts are moderated: a publish ends in review (docs/platforms.md#amazon-publish-flow).
        var expected = platform == Platform.Amazon ? "in_review" : "published";
        Assert.True(expected == target.GetProperty("status").GetString(), $"{platform.ToWireName()} via {way}: {published}");
        Assert.Equal(before + 1, emulator.State.LivePosts(platform));
    }
}
