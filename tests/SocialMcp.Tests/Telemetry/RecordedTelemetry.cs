using System.Collections;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SocialMcp.Server.Hosting.Telemetry;

namespace SocialMcp.Tests.Telemetry;

/// <summary>
/// The host's tracing and metrics exactly as <see cref="TelemetrySetup"/> configures them for OTLP, exported to memory
/// instead: the spans as they end, the metrics on <see cref="Collect"/>.
/// </summary>
public sealed class RecordedTelemetry
{
    private readonly SpanList _spans = new();
    private readonly List<MetricSnapshot> _metrics = [];
    private IServiceProvider? _services;

    /// <summary>Registers the providers; pass to <c>InProcessMcpServer.StartAsync(configure:)</c>.</summary>
    public void Register(IServiceCollection services) => services.AddOpenTelemetry()
        .WithTracing(tracing => tracing.AddSocialMcpTracing().AddInMemoryExporter(_spans))
        .WithMetrics(metrics => metrics.AddSocialMcpMetrics().AddInMemoryExporter(_metrics));

    public void Attach(IServiceProvider services) => _services = services;

    public IReadOnlyList<Activity> Spans => _spans.Snapshot();

    /// <summary>Collects every instrument now (observable ones call back) and answers the metrics by name.</summary>
    public IReadOnlyDictionary<string, MetricSnapshot> Collect()
    {
        var provider = (_services ?? throw new InvalidOperationException("Attach the host's services first.")).GetRequiredService<MeterProvider>();
        lock (_metrics)
            _metrics.Clear();
        Assert.True(provider.ForceFlush(10_000), "The meter provider did not collect in time.");
        lock (_metrics)
            return _metrics.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last());
    }

    public static string? Tag(MetricPoint point, string name)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == name)
                return tag.Value?.ToString();
        }
        return null;
    }

    /// <summary>The spans from <paramref name="span"/> up to its root, among those recorded.</summary>
    public IReadOnlyList<Activity> AncestorsOf(Activity span)
    {
        var byId = Spans.ToDictionary(s => s.SpanId);
        var chain = new List<Activity>();
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
            chain.Add(parent);
        return chain;
    }

    /// <summary>Spans end on several threads at once (targets publish in parallel): a list that takes them one at a time.</summary>
    private sealed class SpanList : ICollection<Activity>
    {
        private readonly List<Activity> _items = [];

        public Activity[] Snapshot()
        {
            lock (_items)
                return [.. _items];
        }

        public void Add(Activity item)
        {
            lock (_items)
                _items.Add(item);
        }

        public void Clear()
        {
            lock (_items)
                _items.Clear();
        }

        public int Count
        {
            get { lock (_items) return _items.Count; }
        }

        public bool IsReadOnly => false;
        public bool Contains(Activity item) => Snapshot().Contains(item);
        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);
        public bool Remove(Activity item)
        {
            lock (_items)
                return _items.Remove(item);
        }

        public IEnumerator<Activity> GetEnumerator() => ((IEnumerable<Activity>)Snapshot()).GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
