using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Cli;
using SocialMcp.Server.Hosting;

namespace SocialMcp.Http.Tests.OAuth;

/// <summary>
/// <c>socialmcp accounts connect</c>'s loopback connect, driven in-process: the test plays the browser by making the
/// platform's redirect request to the listener itself, and reads what the command printed.
/// </summary>
public sealed class LoopbackConnectTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "socialmcp-loopback-" + Guid.NewGuid().ToString("N"));
    private readonly WatchedFakeTimeProvider _clock = new();
    private IHost _host = null!;
    private FakeConnectFlow _flow = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var builder = SocialMcpHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["Storage:Path"] = Path.Combine(_directory, "cli.db"),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddSingleton<TimeProvider>(_clock);
        _flow = new FakeConnectFlow(_clock);
        builder.Services.AddSingleton<IAccountConnectFlow>(_flow);
        _host = builder.Build();
        await _host.Services.InitializeStoreAsync(Ct);
    }

    public Task DisposeAsync()
    {
        _host.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private Task<int> RunAsync(StringWriter output, string input = "", string? identity = null, Func<Uri, bool>? openBrowser = null) =>
        ConnectCommands.RunLoopbackAsync(_host.Services,
            new LoopbackConnectArguments(LocalWorkspace.Id, Platform.X, "Brand", Port: 0, OpenBrowser: true, identity, TimeSpan.FromMinutes(10)),
            output, new StringReader(input), openBrowser ?? (_ => false), Ct);

    [Fact]
    public async Task RunLoopback_RedirectComesBack_ConnectsAndPrintsTheAccount()
    {
        var output = new StringWriter();
        Uri? opened = null;
        var run = RunAsync(output, openBrowser: url => { opened = url; return true; });
        var started = await _flow.FirstStart;

        Assert.Equal(ConnectChannel.Cli, started.Channel);
        Assert.Equal("127.0.0.1", started.RedirectUri.Host);
        Assert.Equal("/oauth/callback/x", started.RedirectUri.AbsolutePath);
        Assert.Equal("Brand", started.PlatformSetName);

        using var browser = new HttpClient();
        // A stray request (a favicon, a prefetch) does not use up the one redirect.
        using (var stray = await browser.GetAsync(started.RedirectUri, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, stray.StatusCode);
        using var page = await browser.GetAsync($"{started.RedirectUri}?state={_flow.StateOf("conn-1")}&code=loopback-code", Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);

        Assert.Equal(0, await run);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Connected @brand (x) to set Brand.", html);
        Assert.DoesNotContain("loopback-code", html);
        var printed = output.ToString();
        Assert.Contains("https://auth.example.test/x/authorize?", printed);
        Assert.Contains("(Opened it in your browser.)", printed);
        Assert.Contains("Connected @brand (x) to set Brand.", printed);
        Assert.NotNull(opened);
    }

    [Fact]
    public async Task RunLoopback_SeveralIdentities_ReadsTheChoiceFromInput()
    {
        var output = new StringWriter();
        var run = RunAsync(output, input: "2\n");
        var started = await _flow.FirstStart;

        using var browser = new HttpClient();
        using var page = await browser.GetAsync($"{started.RedirectUri}?state={_flow.StateOf("conn-1")}&code=several-code", Ct);

        Assert.Equal(0, await run);
        Assert.Contains("Go back to the terminal", await page.Content.ReadAsStringAsync(Ct));
        var printed = output.ToString();
        Assert.Contains("1. @<b>Bakery</b> (Bakery & Co)  id page-1", printed);
        Assert.Contains("2. @cafe  id page-2", printed);
        Assert.Contains("Connected @cafe (x) to set Brand.", printed);
    }

    [Fact]
    public async Task RunLoopback_IdentityGiven_ChoosesWithoutAsking()
    {
        var output = new StringWriter();
        var run = RunAsync(output, identity: "page-1");
        var started = await _flow.FirstStart;

        using var browser = new HttpClient();
        using var _ = await browser.GetAsync($"{started.RedirectUri}?state={_flow.StateOf("conn-1")}&code=several-code", Ct);

        Assert.Equal(0, await run);
        Assert.DoesNotContain("Connect which one?", output.ToString());
        Assert.Contains("Connected @<b>Bakery</b> (x)", output.ToString());
    }

    [Fact]
    public async Task RunLoopback_Declined_ExitsOneWithWhatToDo()
    {
        var output = new StringWriter();
        var run = RunAsync(output);
        var started = await _flow.FirstStart;

        using var browser = new HttpClient();
        using var _ = await browser.GetAsync($"{started.RedirectUri}?state={_flow.StateOf("conn-1")}&error=access_denied", Ct);

        Assert.Equal(1, await run);
        Assert.Contains("Start the connect again and approve access.", output.ToString());
    }

    [Fact]
    public async Task RunLoopback_NoRedirectWithinTheTimeout_ExitsOneAndConnectsNothing()
    {
        var output = new StringWriter();
        var run = RunAsync(output);
        await _flow.FirstStart;
        await _clock.WaitForDelayAsync(TimeSpan.FromMinutes(10));

        _clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(1, await run);
        Assert.Contains("nothing was connected", output.ToString());
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h", 3600)]
    [InlineData("00:02:00", 120)]
    public void ParseDuration_CommonForms(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ConnectCommands.ParseDuration(text));
}
