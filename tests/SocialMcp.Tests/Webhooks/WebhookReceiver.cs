using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SocialMcp.Tests.Webhooks;

/// <summary>One request the receiver got: the Standard Webhooks headers, the raw body and what it answered.</summary>
public sealed record ReceivedWebhook(string Id, long Timestamp, IReadOnlyList<string> Signatures, string Body, string? ContentType, int Answered)
{
    public string Type => System.Text.Json.JsonDocument.Parse(Body).RootElement.GetProperty("type").GetString()!;

    public string? PostId => System.Text.Json.JsonDocument.Parse(Body).RootElement.GetProperty("data").TryGetProperty("postId", out var p) ? p.GetString() : null;

    /// <summary>
    /// Whether one of the signatures is valid under <paramref name="secret"/>: checked here with a few lines of HMAC of the
    /// test's own, independent of the server's signer (Standard Webhooks: HMAC-SHA256 over "{id}.{timestamp}.{body}").
    /// </summary>
    public bool IsSignedWith(string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(new HMACSHA256(key).ComputeHash(Encoding.UTF8.GetBytes($"{Id}.{Timestamp}.{Body}")));
        return Signatures.Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }
}

/// <summary>
/// A webhook receiver on 127.0.0.1 (an ephemeral port): records every request and answers <see cref="Status"/> (200 unless a
/// test makes it fail). Servers reach it with <c>Media:AllowedHosts</c> = 127.0.0.1.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>What the receiver answers; change it to simulate an outage.</summary>
    public int Status { get; set; } = 200;

    public string Url => _app.Urls.Single() + "/hook";

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToList();

    /// <summary>The requests it answered with a 2xx: what the server counts as delivered.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted => _received.Where(r => r.Answered is >= 200 and < 300).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var status = receiver.Status;
            receiver._received.Enqueue(new ReceivedWebhook(
                request.Headers["webhook-id"].ToString(),
                long.Parse(request.Headers["webhook-timestamp"].ToString(), System.Globalization.CultureInfo.InvariantCulture),
                request.Headers["webhook-signature"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries),
                body, request.ContentType, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
