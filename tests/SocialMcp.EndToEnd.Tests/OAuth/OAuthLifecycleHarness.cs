using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;

namespace SocialMcp.EndToEnd.Tests.OAuth;

/// <summary>
/// Shared by the OAuth lifecycle and refresh-crash tests: the configuration that points the server at the emulator's demo
/// apps (docs/platforms.md#oauth-url-rule), the CLI loopback connect driven the way a person's browser would, and reads of
/// the account rows. Nothing here prints a token, code or secret.
/// </summary>
public static partial class OAuthLifecycleHarness
{
    /// <summary>The environment a server or CLI needs to connect and refresh <paramref name="platforms"/> through the emulator.</summary>
    public static Dictionary<string, string?> Environment(PlatformEmulator emulator, IEnumerable<Platform> platforms, IDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>
        {
            // The five-second tests schedule seconds ahead; the product's one-minute floor is a policy, not the subject here.
            ["SOCIALMCP_Scheduling__MinLeadTime"] = "00:00:02",
        };
        foreach (var platform in platforms)
        {
            var name = platform.ToWireName();
            environment[$"SOCIALMCP_Platforms__{name}__ClientId"] = $"socialmcp-{name}";
            environment[$"SOCIALMCP_Platforms__{name}__ClientSecret"] = $"socialmcp-{name}-secret";
            environment[$"SOCIALMCP_Platforms__{name}__BaseUrl"] = emulator.BaseUrlOf(platform).AbsoluteUri;
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            environment[key] = value;
        return environment;
    }

    /// <summary>
    /// <c>socialmcp accounts connect --platform P --set S</c> (the loopback OAuth connect), with this test as the browser: the
    /// printed authorization URL is opened, the emulator's demo user consents and redirects to the CLI's loopback listener.
    /// Answers the connected account's id.
    /// </summary>
    public static Task<string> ConnectLoopbackAsync(string database, Platform platform, string setName, IDictionary<string, string?> environment) =>
        Task.Run(() => ConnectLoopbackCoreAsync(database, platform, setName, environment));

    private static async Task<string> ConnectLoopbackCoreAsync(string database, Platform platform, string setName, IDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "accounts", "connect",
            "--platform", platform.ToWireName(), "--set", setName, "--no-browser", "--timeout", "60s", "--db", database])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var output = new List<string>();
        var errors = new List<string>();
        var hops = new List<string>();
        var printed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not { } data)
                return;
            lock (output)
                output.Add(data);
            if (data.StartsWith("http", StringComparison.Ordinal))
                printed.TrySetResult(data.Trim());
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { } data)
                lock (errors) errors.Add(data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var url = await printed.Task.WaitAsync(timeout.Token);
            await FollowAsync(url, timeout.Token, hops: hops);
            await process.WaitForExitAsync(timeout.Token);
            process.WaitForExit();
        }
        catch (Exception ex)
        {
            if (!process.HasExited)
                process.Kill();
            process.WaitForExit();
            lock (output) lock (errors)
                throw new Xunit.Sdk.XunitException($"accounts connect {platform.ToWireName()} broke ({ex.GetType().Name}: {ex.Message}); "
                    + $"its output: {string.Join("\n", output)}\nits log: {string.Join("\n", errors)}\nhops: {string.Join("\n", hops)}");
        }
        string all;
        lock (output)
            all = string.Join("\n", output);
        Assert.True(process.ExitCode == 0, $"accounts connect {platform.ToWireName()} exited {process.ExitCode}: {all}");
        return AccountIdLine().Match(all) is { Success: true } match ? match.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"accounts connect named no account id: {all}");
    }

    /// <summary>
    /// Follows redirects the way a browser does (each hop a new request, so a hop that hangs is named), and answers the last
    /// page's body. Fails on a page that is not 2xx.
    /// </summary>
    public static async Task<string> FollowAsync(string url, CancellationToken cancellationToken, CookieContainer? cookies = null, List<string>? hops = null)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false, CookieContainer = cookies ?? new CookieContainer() };
        using var browser = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
        var next = new Uri(url);
        for (var hop = 0; hop < 10; hop++)
        {
            hops?.Add("GET " + next.GetLeftPart(UriPartial.Path));
            using var answer = await browser.GetAsync(next, cancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(25), cancellationToken);
            hops?.Add("-> " + (int)answer.StatusCode);
            if ((int)answer.StatusCode is >= 300 and < 400 && answer.Headers.Location is { } location)
            {
                next = location.IsAbsoluteUri ? location : new Uri(next, location);
                continue;
            }
            var body = await answer.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(answer.IsSuccessStatusCode, $"{next.GetLeftPart(UriPartial.Path)} answered {(int)answer.StatusCode}: {body}");
            return body;
        }
        throw new Xunit.Sdk.XunitException("More than 10 redirects.");
    }

    /// <summary>The platform set's id by name.</summary>
    public static async Task<string> SetIdAsync(string database, string setName) =>
        (string)(await ScalarAsync(database, "SELECT id FROM platform_sets WHERE name = @p;", setName))!;

    /// <summary>The account's token_version (bumped by every stored refresh).</summary>
    public static async Task<long> TokenVersionAsync(string database, string accountId) =>
        Convert.ToInt64(await ScalarAsync(database, "SELECT token_version FROM accounts WHERE id = @p;", accountId) ?? 0L);

    private static async Task<object?> ScalarAsync(string database, string sql, string parameter)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@p", parameter);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    /// <summary>create_post (TikTok takes a video and a privacy level) on the set, as JSON for the tool.</summary>
    public static string CreatePostArguments(string text, IEnumerable<Platform> platforms, string setId)
    {
        var list = platforms.ToList();
        object content = list.Contains(Platform.TikTok)
            ? new
            {
                text,
                media = new[] { new { url = "https://example.com/lifecycle.mp4", type = "video", mimeType = "video/mp4" } },
                platformOverrides = new { tiktok = new { settings = new { privacyLevel = "SELF_ONLY" } } },
            }
            : new { text };
        return JsonSerializer.Serialize(new { content, platforms = list.Select(p => p.ToWireName()), platformSetId = setId });
    }

    /// <summary>Polls get_post until the post leaves scheduled/publishing, for <paramref name="bound"/> at most.</summary>
    public static async Task<JsonElement> WaitUntilSettledAsync(ServerProcess server, string postId, TimeSpan bound)
    {
        var until = Stopwatch.StartNew();
        while (true)
        {
            var post = await server.CallOkAsync("get_post", $$"""{"postId": "{{postId}}"}""");
            var status = post.GetProperty("status").GetString();
            if (status is not ("scheduled" or "publishing") || until.Elapsed > bound)
                return post;
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>list_accounts' entry for the account.</summary>
    public static async Task<JsonElement> AccountAsync(ServerProcess server, string accountId)
    {
        var listed = await server.CallOkAsync("list_accounts");
        return listed.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("id").GetString() == accountId);
    }

    /// <summary>A loopback port free a moment ago (for a URL that must be known before the server starts).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string NewDirectory(string prefix)
    {
        var directory = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    public static void DeleteDirectory(string directory)
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [GeneratedRegex(@"Account id (\S+?)\.?$", RegexOptions.Multiline)]
    private static partial Regex AccountIdLine();
}

/// <summary>
/// <c>socialmcp serve --http</c> on a given loopback port, for its browser pages (/oauth/connect, /oauth/callback) next to a
/// stdio server on the same database. Ended by closing stdin, then killed.
/// </summary>
public sealed class HttpCompanion : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr = [];

    private HttpCompanion(Process process) => _process = process;

    public IReadOnlyList<string> StandardError { get { lock (_stderr) return [.. _stderr]; } }

    public static async Task<HttpCompanion> StartAsync(string database, int port, IDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "serve", "--http",
            "--urls", $"http://127.0.0.1:{port}", "--db", database])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var companion = new HttpCompanion(process);
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not { } data)
                return;
            lock (companion._stderr) companion._stderr.Add(data);
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        // Ready when it answers on the port (its start-up log may be filtered out).
        using var probe = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var until = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var answer = await probe.GetAsync($"http://127.0.0.1:{port}/healthz");
                break;
            }
            catch (Exception) when (until.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
            catch (Exception)
            {
                await companion.DisposeAsync();
                throw new Xunit.Sdk.XunitException("serve --http did not start listening: " + string.Join("\n", companion.StandardError));
            }
        }
        return companion;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
