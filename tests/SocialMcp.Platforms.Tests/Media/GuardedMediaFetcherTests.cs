using System.Net;
using System.Net.Sockets;
using System.Text;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;

namespace SocialMcp.Platforms.Tests.Media;

/// <summary>Fetches against loopback servers only: refused targets must see no connection, allowed ones are reached through the allow-list.</summary>
public sealed class GuardedMediaFetcherTests
{
    private const string Path = "$.sourceUrl";
    private static readonly string[] Loopback = ["127.0.0.1"];

    [Fact]
    public async Task LoopbackTarget_NotAllowListed_IsRefusedAndSeesNoConnection()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            await using var guard = new FetchGuardHarness(new Dictionary<string, string[]> { ["internal.test"] = ["127.0.0.1"] });
            var literal = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.FetchAsync($"http://127.0.0.1:{port}/a.png", Path, null, default));
            var byName = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.FetchAsync($"http://internal.test:{port}/a.png", Path, null, default));
            Assert.Equal(MediaFetchRule.Address, literal.Rule);
            Assert.Equal(MediaFetchRule.Address, byName.Rule);
            Assert.False(listener.Pending(), "The refused loopback listener saw a connection.");
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task AllowListedHost_IsFetchedThroughTheResolvedAddress_IntoATempFileDeletedOnDispose()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackHttpServer.Response(200, "PNGDATA", "image/png"));
        // media.test has no DNS entry: a successful fetch shows the connection went to the address the guard resolved.
        await using var guard = new FetchGuardHarness(new Dictionary<string, string[]> { ["media.test"] = ["127.0.0.1"] }, ["media.test"]);
        string file;
        await using (var fetched = await guard.Fetcher.FetchAsync($"http://media.test:{server.Port}/a.png?sig=x", Path, null, default))
        {
            Assert.Equal(7, fetched.Length);
            Assert.Equal("image/png", fetched.ServedContentType);
            Assert.Equal("media.test", fetched.FinalHost);
            using var reader = new StreamReader(fetched.Content, leaveOpen: true);
            Assert.Equal("PNGDATA", await reader.ReadToEndAsync());
            file = ((FileStream)fetched.Content).Name;
            Assert.True(File.Exists(file));
        }
        Assert.False(File.Exists(file));
        Assert.Equal(1, guard.Resolver.Lookups);
    }

    [Fact]
    public async Task RedirectIntoARefusedAddress_IsRefused()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackHttpServer.Redirect("http://internal.test/secret"));
        await using var guard = new FetchGuardHarness(new Dictionary<string, string[]> { ["internal.test"] = ["10.0.0.7"] }, Loopback);
        var ex = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.FetchAsync(server.Url("/a.png"), Path, null, default));
        Assert.Equal(MediaFetchRule.Address, ex.Rule);
        Assert.Equal(ErrorCodes.MediaUrlForbidden, ex.Problem.Code);
    }

    [Fact]
    public async Task RedirectToLoopbackThatIsNotAllowListed_IsRefusedAndThatListenerSeesNothing()
    {
        var refused = new TcpListener(IPAddress.Loopback, 0);
        refused.Start();
        try
        {
            var port = ((IPEndPoint)refused.LocalEndpoint).Port;
            await using var server = new LoopbackHttpServer(_ => LoopbackHttpServer.Redirect($"http://localhost.test:{port}/admin"));
            await using var guard = new FetchGuardHarness(new Dictionary<string, string[]> { ["localhost.test"] = ["127.0.0.1"] }, Loopback);
            var ex = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.FetchAsync(server.Url("/a.png"), Path, null, default));
            Assert.Equal(MediaFetchRule.Address, ex.Rule);
            Assert.False(refused.Pending());
        }
        finally
        {
            refused.Stop();
        }
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("data:image/png;base64,iVBORw0KGgo=")]
    [InlineData("ftp://example.com/a.png")]
    public async Task RedirectToANonHttpScheme_IsRefusedWithTheSchemeRule(string location)
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackHttpServer.Redirect(location));
        await using var guard = new FetchGuardHarness(allowedHosts: Loopback);
        var ex = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.FetchAsync(server.Url("/a.png"), Path, null, default));
        Assert.Equal(MediaFetchRule.Scheme, ex.Rule);
        Assert.Equal(ErrorCodes.MediaUrlForbidden, ex.Problem.Code);
        Assert.Equal(Path, ex.Problem.Path);
    }

    [Fact]
    public async Task ThreeRedirects_AreFollowed_AFourthIsRefused()
    {
        // /r{n} redirects to /r{n-1}; /r0 is the file.
        await using var server = new LoopbackHttpServer(path => path == "/r0"
            ? LoopbackHttpServer.Response(200, "ok")
            : LoopbackHttpServer.Redirect($"/r{int.Parse(path[2..]) - 1}"));
        await using var guard = new FetchGuardHarness(allowedHosts: Loopback);
        await using (var fetched = await guard.Fetcher.FetchAsync(server.Url("/r3"), Path, null, default))
            Assert.Equal(2, fetched.Length);
        var ex = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.FetchAsync(server.Url("/r4"), Path, null, default));
        Assert.Equal(MediaFetchRule.Redirects, ex.Rule);
        Assert.Equal(ErrorCodes.MediaFetchFailed, ex.Problem.Code);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BodyOverTheCap_IsRefused_WithOrWithoutContentLength(bool contentLength)
    {
        var body = new string('x', 5000);
        await using var server = new LoopbackHttpServer(_ => LoopbackHttpServer.Response(200, body, contentLength: contentLength));
        await using var guard = new FetchGuardHarness(allowedHosts: Loopback);
        var ex = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.FetchAsync(server.Url("/big.png"), Path, new MediaFetchLimits(MaxBytes: 1000), default));
        Assert.Equal(MediaFetchRule.Size, ex.Rule);
        Assert.Equal(ErrorCodes.MediaFetchFailed, ex.Problem.Code);
        await using var fits = await guard.Fetcher.FetchAsync(server.Url("/big.png"), Path, new MediaFetchLimits(MaxBytes: 5000), default);
        Assert.Equal(5000, fits.Length);
    }

    [Fact]
    public async Task DefaultCap_IsMediaMaxUploadBytes()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackHttpServer.Response(200, new string('x', 3000), contentLength: false));
        await using var guard = new FetchGuardHarness(allowedHosts: Loopback,
            settings: new Dictionary<string, string?> { ["Media:MaxUploadBytes"] = "2048", ["Media:MaxInlineBytes"] = "1024" });
        var ex = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.FetchAsync(server.Url("/big.png"), Path, null, default));
        Assert.Equal(MediaFetchRule.Size, ex.Rule);
    }

    [Theory]
    [InlineData(false)] // never answers at all
    [InlineData(true)]  // sends headers, then never the body
    public async Task AServerThatHangs_TimesOut(bool headersFirst)
    {
        var clock = new WatchedFakeTimeProvider();
        var timeout = TimeSpan.FromSeconds(7);
        await using var server = new LoopbackHttpServer(_ => null);
        await using var slowBody = new LoopbackHttpServer(_ => Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"), holdAfterAnswer: true);
        await using var guard = new FetchGuardHarness(allowedHosts: Loopback, time: clock);
        var target = headersFirst ? slowBody : server;
        var fetch = guard.Fetcher.FetchAsync(target.Url("/hang.png"), Path, new MediaFetchLimits(Timeout: timeout), default);
        await clock.WaitForDelayAsync(timeout);
        // Let the request reach the server before the clock moves, so the wait is on the answer, not the connect.
        while (target.Connections == 0) await Task.Yield();
        clock.Advance(timeout);
        var ex = await Assert.ThrowsAsync<MediaFetchException>(() => fetch.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(MediaFetchRule.Timeout, ex.Rule);
        Assert.Equal(ErrorCodes.MediaFetchFailed, ex.Problem.Code);
    }

    [Fact]
    public async Task ClosedPort_GarbageServer_ErrorStatus_AndUnknownName_GetTheSameAnswer()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var garbage = new LoopbackHttpServer(_ => Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.6\r\nnot http at all\r\n"));
        await using var notFound = new LoopbackHttpServer(_ => LoopbackHttpServer.Response(404, "no such file", "text/html"));
        await using var serverError = new LoopbackHttpServer(_ => LoopbackHttpServer.Response(500, "boom", "text/plain"));
        await using var empty = new LoopbackHttpServer(_ => LoopbackHttpServer.Response(200, ""));
        await using var guard = new FetchGuardHarness(allowedHosts: ["127.0.0.1", "nowhere.test"]);

        var urls = new[]
        {
            $"http://127.0.0.1:{closedPort}/a.png?sig=secret",
            garbage.Url("/a.png?sig=secret"),
            notFound.Url("/a.png?sig=secret"),
            serverError.Url("/a.png?sig=secret"),
            empty.Url("/a.png?sig=secret"),
            "http://nowhere.test/a.png?sig=secret",
        };
        var answers = new List<MediaFetchException>();
        foreach (var url in urls)
            answers.Add(await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.FetchAsync(url, Path, null, default)));

        Assert.All(answers, ex =>
        {
            Assert.Equal(MediaFetchRule.Unavailable, ex.Rule);
            Assert.Equal(ErrorCodes.MediaFetchFailed, ex.Problem.Code);
            Assert.Equal(Path, ex.Problem.Path);
            Assert.DoesNotContain("secret", ex.Problem.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", ex.Problem.Hint ?? "", StringComparison.Ordinal);
        });
        Assert.Single(answers.Select(a => (a.Problem.Message, a.Problem.Hint)).Distinct());
    }

    [Fact]
    public async Task CallerCancellation_IsNotReportedAsAFetchFailure()
    {
        await using var server = new LoopbackHttpServer(_ => null);
        await using var guard = new FetchGuardHarness(allowedHosts: Loopback);
        using var cancel = new CancellationTokenSource();
        var fetch = guard.Fetcher.FetchAsync(server.Url("/hang.png"), Path, null, cancel.Token);
        while (server.Connections == 0) await Task.Yield();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
