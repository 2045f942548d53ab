using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;
using SocialMcp.Emulator.OAuth;

namespace SocialMcp.EndToEnd.Tests.OAuth;

/// <summary>
/// What the OAuth end-to-end tests share: the emulator in the test process (every platform, demo clients), the
/// environment that points the real server at it, a browser that follows redirects, and the evidence collected for the
/// "no secret leaks" check (pages, tool results, logs, database bytes).
/// </summary>
public static partial class OAuthE2E
{
    public static readonly Platform[] All =
        [Platform.X, Platform.LinkedIn, Platform.TikTok, Platform.YouTube, Platform.Facebook, Platform.Instagram, Platform.Threads, Platform.Amazon];

    /// <summary>
    /// The grants that offer several identities: Facebook (the demo user's two Pages) and Amazon (two brand profiles).
    /// Instagram connects with Instagram Login, whose grant is the one professional account that signed in.
    /// </summary>
    public static bool OffersChoice(Platform platform) => platform is Platform.Facebook or Platform.Amazon;

    /// <summary>The server's configuration, as environment variables: every platform at the emulator with its demo client.</summary>
    public static Dictionary<string, string?> Environment(PlatformEmulator emulator, string? publicBaseUrl = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["SOCIALMCP_Platforms__linkedin__Settings__PartnerRefreshTokens"] = "true",
            ["SOCIALMCP_RateLimits__ReadPerWindow"] = "100000",
            ["SOCIALMCP_RateLimits__CreatePerWindow"] = "100000",
            ["SOCIALMCP_RateLimits__PublishPerWindow"] = "100000",
            ["SOCIALMCP_RateLimits__RequestsPerWindow"] = "100000",
            // The posts' test media are served on loopback, which the fetch guard refuses unless allow-listed.
            ["SOCIALMCP_Media__AllowedHosts__0"] = "127.0.0.1",
        };
        foreach (var platform in All)
        {
            var name = platform.ToWireName();
            environment[$"SOCIALMCP_Platforms__{name}__BaseUrl"] = emulator.BaseUrlOf(platform).AbsoluteUri;
            environment[$"SOCIALMCP_Platforms__{name}__ClientId"] = OAuthClient.DemoClientId(platform);
            environment[$"SOCIALMCP_Platforms__{name}__ClientSecret"] = OAuthClient.DemoClientSecret(platform);
        }
        if (publicBaseUrl is not null)
            environment["SOCIALMCP_OAuth__PublicBaseUrl"] = publicBaseUrl;
        return environment;
    }

    /// <summary>The content each platform accepts for one post: text, an image, or a video with its settings.</summary>
    public static string PostArguments(PlatformEmulator emulator, Platform platform, string setId, string text)
    {
        var name = platform.ToWireName();
        // Byte platforms' media are fetched and probed before publishing (issue 13): real files, from loopback.
        string TestMedia(string file) => LoopbackMediaHost.Shared.UrlOf(file);
        var content = platform switch
        {
            Platform.Instagram => new { text, media = new object[] { new { url = "https://cdn.example.com/e2e/photo.jpg", type = "image", mimeType = "image/jpeg" } } },
            Platform.TikTok => new { text, media = new object[] { new { url = "https://cdn.example.com/e2e/clip.mp4", type = "video", mimeType = "video/mp4", durationSeconds = 12 } } },
            Platform.YouTube => new { text, media = new object[] { new { url = TestMedia("clip.mp4"), type = "video", mimeType = "video/mp4" } } },
            Platform.Amazon => new { text, media = new object[] { new { url = TestMedia("lamp.jpg"), type = "image", mimeType = "image/jpeg" } } },
            _ => (object)new { text },
        };
        object? settings = platform switch
        {
            Platform.TikTok => new { privacyLevel = "SELF_ONLY" },
            Platform.YouTube => new { title = "Connected end to end", privacyStatus = "unlisted" },
            Platform.Amazon => new { products = new[] { "B0CHX1W1XY" } },
            _ => null,
        };
        var arguments = new Dictionary<string, object?>
        {
            ["content"] = settings is null
                ? content
                : MergeOverrides(content, name, settings),
            ["platforms"] = new[] { name },
            ["platformSetId"] = setId,
        };
        return JsonSerializer.Serialize(arguments);
    }

    private static object MergeOverrides(object content, string platform, object settings)
    {
        var node = JsonSerializer.SerializeToNode(content)!.AsObject();
        node["platformOverrides"] = new System.Text.Json.Nodes.JsonObject
        {
            [platform] = new System.Text.Json.Nodes.JsonObject { ["settings"] = JsonSerializer.SerializeToNode(settings) },
        };
        return node;
    }

    /// <summary>A browser: follows redirects (emulator consent → callback), keeps no cookies that matter.</summary>
    public static HttpClient Browser() => new(new HttpClientHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 10 })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>A free loopback port (bound then released), for a server whose public address must be known before it starts.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The hidden choice token and the identities a callback page's form offers (empty when the page has no form).</summary>
    public static (string? Token, IReadOnlyList<string> Identities) ChoiceForm(string page)
    {
        var token = ChoiceToken().Match(page) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
        var identities = IdentityValue().Matches(page).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        return (token, identities);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"token\" value=\"([^\"]+)\">")]
    private static partial Regex ChoiceToken();

    [GeneratedRegex("<input type=\"radio\" name=\"identity\" value=\"([^\"]+)\"")]
    private static partial Regex IdentityValue();

    /// <summary>Fails naming the kind of secret and where it was found, never printing the secret itself.</summary>
    public static void AssertNoSecrets(PlatformEmulator emulator, IEnumerable<(string Where, string Text)> evidence, IEnumerable<string> databaseFiles)
    {
        var issued = emulator.OAuth.IssuedSecrets();
        Assert.NotEmpty(issued);
        var secrets = issued.Select(s => ("an issued code or token", s))
            .Concat(All.Select(p => ("the client secret of " + p.ToWireName(), OAuthClient.DemoClientSecret(p))))
            .ToList();
        Assert.NotEmpty(secrets);
        var leaks = new List<string>();
        foreach (var (where, text) in evidence)
        {
            foreach (var (kind, secret) in secrets)
            {
                if (text.Contains(secret, StringComparison.Ordinal) || text.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal))
                    leaks.Add($"{kind} in {where}");
            }
        }
        foreach (var file in databaseFiles.Where(File.Exists))
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            foreach (var (kind, secret) in secrets)
            {
                if (bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0)
                    leaks.Add($"{kind} in the database file {Path.GetFileName(file)}");
            }
        }
        Assert.True(leaks.Count == 0, "Secrets leaked:\n" + string.Join('\n', leaks.Distinct()));
    }

    public static IEnumerable<string> DatabaseFiles(string db) => [db, db + "-wal", db + "-journal"];

    /// <summary>A tool call's structured result (and the same text), failing on isError.</summary>
    public static async Task<JsonElement> CallOkAsync(McpClient client, string tool, string argumentsJson, List<(string, string)> evidence)
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token);
        var text = Assert.IsType<TextContentBlock>(result.Content[0]).Text;
        lock (evidence)
            evidence.Add(($"the {tool} result", text));
        var structured = result.StructuredContent ?? throw new Xunit.Sdk.XunitException($"{tool} returned no structuredContent: {text}");
        Assert.False(result.IsError == true, $"{tool} failed: {text}");
        return structured;
    }
}

/// <summary>A socialmcp command run with an environment and, optionally, a stdin the test writes to.</summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process) => _process = process;

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public StreamWriter Input => _process.StandardInput;

    public static CliProcess Start(IDictionary<string, string?> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), .. arguments])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
                return;
            lock (cli._stdout)
                cli._stdout.AppendLine(line.Data);
            if (line.Data.StartsWith("http", StringComparison.Ordinal))
                cli._url.TrySetResult(line.Data.Trim());
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
                lock (cli._stderr) cli._stderr.AppendLine(line.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>The first line of stdout that is a URL.</summary>
    public async Task<string> FirstUrlAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exited = _process.WaitForExitAsync(timeout.Token);
        var first = await Task.WhenAny(_url.Task, exited);
        if (first != _url.Task)
            throw new Xunit.Sdk.XunitException($"The command printed no URL and exited {_process.ExitCode}:\n{Stdout}\n{Stderr}");
        return await _url.Task;
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // drains the async readers
        return _process.ExitCode;
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IDictionary<string, string?> environment, params string[] arguments)
    {
        await using var cli = Start(environment, arguments);
        cli.Input.Close();
        var code = await cli.WaitForExitAsync();
        return (code, cli.Stdout, cli.Stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
