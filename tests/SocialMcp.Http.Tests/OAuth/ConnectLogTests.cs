using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Server.OAuth;

namespace SocialMcp.Http.Tests.OAuth;

/// <summary>With every log category turned up to Trace, a whole connect (link, callback, choice) logs no state, code or link.</summary>
public sealed class ConnectLogTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Connect_EveryCategoryAtTrace_LogsNoStateCodeOrLink()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["OAuth:PublicBaseUrl"] = "https://social.example.test",
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
        }, configureServices: services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            services.AddSingleton<IAccountConnectFlow>(sp => new FakeConnectFlow(sp.GetRequiredService<TimeProvider>()));
        });
        var flow = (FakeConnectFlow)server.Services.GetRequiredService<IAccountConnectFlow>();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        var link = server.Services.GetRequiredService<ConnectLinks>().Protect(new ConnectLinkPayload(LocalWorkspace.Id, Platform.Facebook, null, null));

        using var redirect = await browser.GetAsync("/oauth/connect/" + link, Ct);
        using var callback = await browser.GetAsync($"/oauth/callback/facebook?state={flow.StateOf("conn-1")}&code=several-log-code", Ct);
        var page = await callback.Content.ReadAsStringAsync(Ct);
        var token = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "name=\"token\" value=\"([^\"]+)\"").Groups[1].Value);
        using var chosen = await browser.PostAsync("/oauth/choose",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["identity"] = "page-2" }), Ct);

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Contains("Connected @cafe", await chosen.Content.ReadAsStringAsync(Ct));
        var lines = logs.Lines.ToList();
        Assert.Contains(lines, line => line.Contains("conn-1", StringComparison.Ordinal));
        Assert.All(lines, line =>
        {
            Assert.DoesNotContain(flow.StateOf("conn-1"), line);
            Assert.DoesNotContain("several-log-code", line);
            Assert.DoesNotContain(link, line);
            Assert.DoesNotContain(token, line);
        });
    }
}
