using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SocialMcp.EndToEnd.Tests.Telemetry;

/// <summary>
/// A tiny OTLP/HTTP collector on 127.0.0.1 (an ephemeral port): it keeps each export's path, content type and body and
/// answers an empty protobuf message, which is a valid, successful export response.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpExport> _exports = new();
    private readonly TaskCompletionSource _traces = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _metrics = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<OtlpExport> Exports => [.. _exports];

    /// <summary>Completes once a trace export (or a metrics export) that mentions <see cref="Expected"/> has arrived.</summary>
    public Task TracesArrived => _traces.Task;
    public Task MetricsArrived => _metrics.Task;

    /// <summary>What a trace export must contain to count (a span name) and a metrics export (an instrument name).</summary>
    public (string Trace, string Metric) Expected { get; init; } = ("tools/call publish_post", "socialmcp.tool.duration");

    public static async Task<OtlpReceiver> StartAsync((string Trace, string Metric)? expected = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = expected is { } e ? new OtlpReceiver(app) { Expected = e } : new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver.Received(new OtlpExport(signal, request.ContentType ?? "", body.ToArray()));
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Urls.Single() + "/");
        return receiver;
    }

    private void Received(OtlpExport export)
    {
        _exports.Enqueue(export);
        if (export.Signal == "traces" && export.Mentions(Expected.Trace))
            _traces.TrySetResult();
        if (export.Signal == "metrics" && export.Mentions(Expected.Metric))
            _metrics.TrySetResult();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed record OtlpExport(string Signal, string ContentType, byte[] Body)
{
    /// <summary>Protobuf keeps strings as UTF-8 bytes: a span or instrument name can be found in the body as it is.</summary>
    public bool Mentions(string text) => Body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;
}
