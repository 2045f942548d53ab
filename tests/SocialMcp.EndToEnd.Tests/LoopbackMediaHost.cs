using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SocialMcp.Testing;

namespace SocialMcp.EndToEnd.Tests;

/// <summary>
/// Serves small media files on 127.0.0.1 (an ephemeral port) for servers started with <c>Media:AllowedHosts</c> =
/// 127.0.0.1: the sandbox fetches them through the fetch guard, as it would a real account's media (issue 13), and the
/// emulated platforms that pull fetch them too. Nothing here reaches beyond loopback.
/// </summary>
public sealed class LoopbackMediaHost : IAsyncDisposable
{
    /// <summary>The allow-list a server needs to fetch from here.</summary>
    public static readonly IReadOnlyDictionary<string, string?> ServerEnvironment =
        new Dictionary<string, string?> { ["SOCIALMCP_Media__AllowedHosts__0"] = "127.0.0.1" };

    private readonly WebApplication _app;

    private LoopbackMediaHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    private static readonly Lazy<LoopbackMediaHost> SharedHost = new(() => StartAsync().GetAwaiter().GetResult());

    /// <summary>One host for the whole test run, for helpers that build post arguments without a fixture (stops with the process).</summary>
    public static LoopbackMediaHost Shared => SharedHost.Value;

    public string UrlOf(string name) => new Uri(BaseAddress, name).AbsoluteUri;

    public static async Task<LoopbackMediaHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/{name}", (string name) => TestMediaFiles.TryGet(name) is { } file
            ? Results.Bytes(file.Bytes, file.MimeType)
            : Results.NotFound());
        await app.StartAsync();
        return new LoopbackMediaHost(app, new Uri(app.Urls.Single() + "/"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>The committed real media files (<see cref="TestMedia"/>), by the names posts use: a.jpg, a.png, v.mp4 (vertical, 4 s).</summary>
public static class TestMediaFiles
{
    public static (byte[] Bytes, string MimeType)? TryGet(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".png" => (TestMedia.Bytes(TestMedia.Png), "image/png"),
        ".jpg" or ".jpeg" => (TestMedia.Bytes(TestMedia.Jpeg), "image/jpeg"),
        ".mp4" => (TestMedia.Bytes(TestMedia.VerticalMp4), "video/mp4"),
        _ => null,
    };
}
