using System.Collections.Concurrent;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator;

/// <summary>What the emulator does instead of (or on top of) answering normally.</summary>
public abstract record Fault
{
    /// <summary>Only requests whose path contains this text are affected (null: any request of the platform).</summary>
    public string? PathContains { get; init; }

    /// <summary>Only requests with this HTTP method are affected (null: any method), e.g. a read of a path that also takes writes.</summary>
    public string? Method { get; init; }

    /// <summary>
    /// Waits until every fault queued before it (for the platform) has been used: "fail the reads that follow the lost
    /// create", without knowing how many reads come first.
    /// </summary>
    public bool AfterEarlierFaults { get; init; }

    /// <summary>Whether this fault applies to a request.</summary>
    public bool Matches(string method, string path) =>
        (PathContains is null || path.Contains(PathContains, StringComparison.Ordinal))
        && (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase));

    /// <summary>Answers after waiting (through the emulator's clock).</summary>
    public sealed record Latency(TimeSpan Delay) : Fault;

    /// <summary>Answers with this status, headers and body instead of handling the request.</summary>
    public sealed record Respond(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null) : Fault;

    /// <summary>Never answers: the client's timeout has to fire.</summary>
    public sealed record Hang : Fault;

    /// <summary>Handles the request for real, then drops the connection: the action happened, the client cannot know.</summary>
    public sealed record LoseResponse : Fault;
}

/// <summary>Faults queued per platform, each used once, in order — set by tests for the next calls.</summary>
public sealed class FaultPlan
{
    private readonly ConcurrentDictionary<Platform, ConcurrentQueue<Fault>> _queues = new();
    private readonly object _gate = new();

    public void Enqueue(Platform platform, Fault fault, int times = 1)
    {
        var queue = _queues.GetOrAdd(platform, _ => new ConcurrentQueue<Fault>());
        for (var i = 0; i < times; i++)
            queue.Enqueue(fault);
    }

    public void Clear(Platform platform) => _queues.TryRemove(platform, out _);

    /// <summary>Takes the first queued fault that applies to this request, if any.</summary>
    public Fault? TakeFor(Platform platform, string method, string path)
    {
        if (!_queues.TryGetValue(platform, out var queue) || queue.IsEmpty)
            return null;
        lock (_gate)
        {
            var kept = new List<Fault>();
            Fault? taken = null;
            while (queue.TryDequeue(out var fault))
            {
                if (taken is null && fault.Matches(method, path) && (!fault.AfterEarlierFaults || kept.Count == 0))
                    taken = fault;
                else
                    kept.Add(fault);
            }
            foreach (var fault in kept)
                queue.Enqueue(fault);
            return taken;
        }
    }
}
