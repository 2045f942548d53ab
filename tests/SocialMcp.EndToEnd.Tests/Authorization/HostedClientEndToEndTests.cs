using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SocialMcp.EndToEnd.Tests.Authorization;

/// <summary>
/// Issue 19 through the real executable: <c>admin create</c> prints an operator password, <c>serve --http</c> runs the
/// authorization server, the C# SDK client connects with OAuth only (discovery, dynamic registration, PKCE), the consent
/// page is signed in and approved with plain form posts, the client publishes with its token, <c>clients list</c> shows
/// the approval and <c>clients revoke</c> ends it. No password, code or token appears in the server's log.
/// </summary>
public sealed partial class HostedClientEndToEndTests
{
    private const string RedirectUri = "http://127.0.0.1:1/callback";

    [Fact]
    public async Task SdkClient_GetsATokenThroughConsent_Publishes_AndIsRevokedFromTheCommandLine()
    {
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-e2e-hosted-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var db = Path.Combine(directory, "hosted.db");
        var log = new List<string>();
        Process? server = null;
        var secrets = new List<string>();
        try
        {
            var created = await ServerProcess.RunCliAsync("admin", "create", "--workspace", "local", "--name", "alice", "--db", db);
            Assert.True(created.ExitCode == 0, created.Stderr);
            var password = created.Stdout.Trim();
            secrets.Add(password);
            Assert.DoesNotContain(password, created.Stderr);
            var listed = await ServerProcess.RunCliAsync("admin", "list", "--db", db);
            Assert.Contains("\tlocal\talice\t", listed.Stdout);

            var port = FreePort();
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            server = StartServer(db, baseAddress, log);
            await WaitHealthyAsync(server, baseAddress, log);

            string? approvedCode = null;
            var transport = new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(baseAddress, "/mcp"),
                TransportMode = HttpTransportMode.StreamableHttp,
                OAuth = new ClientOAuthOptions
                {
                    RedirectUri = new Uri(RedirectUri),
                    DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = "C# SDK end-to-end" },
                    AuthorizationCallbackHandler = async (context, cancellationToken) =>
                    {
                        var redirect = await ApproveAsync(context.AuthorizationUri, password, cancellationToken);
                        approvedCode = QueryValue(redirect, "code");
                        return new AuthorizationResult { Code = approvedCode, State = QueryValue(redirect, "state"), Iss = QueryValue(redirect, "iss") };
                    },
                },
            });
            await using (var client = await ServerProcess.ConnectAsync(transport))
            {
                Assert.NotNull(approvedCode);
                secrets.Add(approvedCode!);
                var post = await CallOkAsync(client, "create_post", """{"content": {"text": "Hello from a hosted client"}, "platforms": ["x", "linkedin"]}""");
                var published = await CallOkAsync(client, "publish_post", $$"""{"postId": "{{post.GetProperty("id").GetString()}}"}""");
                Assert.Equal("published", published.GetProperty("status").GetString());
            }

            var clients = await ServerProcess.RunCliAsync("clients", "list", "--workspace", "local", "--db", db);
            Assert.Equal(0, clients.ExitCode);
            var line = Assert.Single(clients.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("C# SDK end-to-end", line);
            Assert.Contains("dynamic", line);
            var clientId = line.Split('\t')[0];

            var revoked = await ServerProcess.RunCliAsync("clients", "revoke", clientId, "--db", db);
            Assert.True(revoked.ExitCode == 0, revoked.Stderr);
            Assert.Empty((await ServerProcess.RunCliAsync("clients", "list", "--db", db)).Stdout.Trim());
            var again = await ServerProcess.RunCliAsync("clients", "revoke", clientId, "--db", db);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("clients list", again.Stderr);

            lock (log)
            {
                var text = string.Join('\n', log);
                Assert.Contains("approved client", text);
                foreach (var secret in secrets)
                    Assert.DoesNotContain(secret, text);
            }
        }
        finally
        {
            if (server is { HasExited: false })
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
            server?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<JsonElement> CallOkAsync(McpClient client, string tool, string argumentsJson)
    {
        var result = await client.CallToolAsync(tool, JsonSerializer.Deserialize<Dictionary<string, object?>>(argumentsJson));
        Assert.True(result.IsError is not true, JsonSerializer.Serialize(result));
        return result.StructuredContent!.Value;
    }

    /// <summary>The consent page as a browser uses it: sign in, approve what is offered, read the code from the redirect.</summary>
    private static async Task<Uri> ApproveAsync(Uri authorizationUri, string password, CancellationToken cancellationToken)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });
        var origin = new Uri(authorizationUri.GetLeftPart(UriPartial.Authority));
        var page = await browser.GetStringAsync(authorizationUri, cancellationToken);
        var fields = FormFields(page);
        fields.AddRange([new("workspace", "local"), new("name", "alice"), new("password", password)]);
        using var signedIn = await browser.PostAsync(new Uri(origin, "/auth/signin"), new FormUrlEncodedContent(fields), cancellationToken);
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        var consent = await browser.GetStringAsync(new Uri(origin, signedIn.Headers.Location!.OriginalString), cancellationToken);
        Assert.Contains("C# SDK end-to-end", consent);
        var decision = FormFields(consent);
        decision.Add(new("decision", "approve"));
        using var approved = await browser.PostAsync(new Uri(origin, "/auth/authorize"), new FormUrlEncodedContent(decision), cancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var location = approved.Headers.Location!;
        Assert.StartsWith(RedirectUri, location.AbsoluteUri);
        return location;
    }

    private static string? QueryValue(Uri uri, string name) =>
        Regex.Match(uri.Query, $"[?&]{name}=([^&]+)").Groups[1].Value is { Length: > 0 } value ? Uri.UnescapeDataString(value) : null;

    /// <summary>The first form's hidden fields and checked checkboxes.</summary>
    private static List<KeyValuePair<string, string>> FormFields(string page)
    {
        var start = page.IndexOf("<form", StringComparison.Ordinal);
        var form = page[start..page.IndexOf("</form>", start, StringComparison.Ordinal)];
        return
        [
            .. Hidden().Matches(form).Select(m => new KeyValuePair<string, string>(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value))),
            .. Checked().Matches(form).Select(m => new KeyValuePair<string, string>(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value))),
        ];
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex Hidden();

    [GeneratedRegex("<input type=\"checkbox\" name=\"([^\"]+)\" value=\"([^\"]*)\" checked>")]
    private static partial Regex Checked();

    private static Process StartServer(string db, Uri baseAddress, List<string> log)
    {
        var info = new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "serve", "--http", "--urls", baseAddress.AbsoluteUri.TrimEnd('/'), "--db", db])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) lock (log) log.Add(line.Data); };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) lock (log) log.Add(line.Data); };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(Process server, Uri baseAddress, List<string> log)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (server.HasExited || DateTime.UtcNow > deadline)
                lock (log) throw new InvalidOperationException("The HTTP server did not start:\n" + string.Join('\n', log.TakeLast(30)));
            try
            {
                using var health = await probe.GetAsync(new Uri(baseAddress, "/healthz"));
                if ((int)health.StatusCode < 500)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
